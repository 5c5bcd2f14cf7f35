"""Outcome completeness: per agent, the conversations that ended in the period (credited to the
last assigned agent), how many have an outcome or a submitted survey, and the follow-up queue of
conversations whose window is still open with required outcomes or a required survey pending.

Read from the ``Completion`` rows the writes keep (one per ended conversation, with what its
agents reported, declined and answered), so that a month of a large team is one range read."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from campaigns.models import AccountSettings, User
from reporting.selectors.common import ids_or_nothing
from reporting.selectors.context import ReportContext
from reporting.selectors.obligations import (
    SurveyPlan,
    conversation_filters_q,
    has_outcome_q,
    missing_required_q,
    outcome_window,
)
from workspace.models import Completion, Conversation


class CompletenessSet:
    ENDED = "ended"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    NOT_REPORTED = "not_reported"
    QUEUE = "queue"

    ALL = (ENDED, COMPLETE, INCOMPLETE, NOT_REPORTED, QUEUE)


@dataclass
class CompletenessRow:
    agent_id: int | None
    agent_name: str
    ended: int
    complete: int
    not_reported: int

    @property
    def incomplete(self) -> int:
        return self.ended - self.complete

    @property
    def rate(self) -> Decimal | None:
        if not self.ended:
            return None
        return (Decimal(self.complete) * 100 / self.ended).quantize(Decimal("0.1"))


def _complete_q() -> Q:
    return has_outcome_q() | Q(submitted=1)


def _kept(context: ReportContext) -> QuerySet[Completion]:
    """The ended conversations in scope and filters, as their ``Completion`` rows."""
    return Completion.objects.filter(conversation_filters_q(context))


def _completions(
    context: ReportContext, which: str, account: AccountSettings
) -> QuerySet[Completion]:
    f = context.filters
    if which == CompletenessSet.QUEUE:
        return _kept(context).filter(follow_up_q(context, account))
    ended = _kept(context).filter(ended_at__gte=f.start_at, ended_at__lt=f.end_at)
    if which == CompletenessSet.COMPLETE:
        return ended.filter(_complete_q())
    if which == CompletenessSet.INCOMPLETE:
        return ended.exclude(_complete_q())
    if which == CompletenessSet.NOT_REPORTED:
        closed_before = context.now - outcome_window(account)
        return ended.filter(missing_required_q(), ended_at__lte=closed_before)
    return ended


def completeness_conversations(
    context: ReportContext, which: str, account: AccountSettings
) -> QuerySet[Conversation]:
    """The conversations behind one completeness number (``CompletenessSet``)."""
    chosen = _completions(context, which, account).values("conversation_id")
    return Conversation.objects.filter(pk__in=chosen)


def follow_up_q(
    context: ReportContext,
    account: AccountSettings,
    plan: SurveyPlan | None = None,
    missing: Q | None = None,
) -> Q:
    """On ``Completion`` rows: window still open, and a required outcome or a required survey
    still pending. Both end within the longest of the outcome window and the survey timeouts, a
    bound that lets the database read only the last hours' rows."""
    plan = plan or SurveyPlan.load()
    window = outcome_window(account)
    outcomes_open = Q(ended_at__gt=context.now - window)
    survey_pending = plan.required_q() & plan.pending_q(context.now, Q(answered=0))
    recent = Q(ended_at__gt=context.now - max(window, plan.longest_timeout()))
    missing = missing if missing is not None else missing_required_q()
    return recent & ((outcomes_open & missing) | survey_pending)


def completeness_rows(context: ReportContext, account: AccountSettings) -> list[CompletenessRow]:
    """One row per agent in scope with conversations ended in the period (four queries)."""
    closed_before = context.now - outcome_window(account)
    ended = _completions(context, CompletenessSet.ENDED, account)
    counts = (
        ended.order_by()
        .values("agent_id")
        .annotate(
            ended=Count("conversation_id"),
            complete=Count("conversation_id", filter=_complete_q()),
            not_reported=Count(
                "conversation_id", filter=missing_required_q() & Q(ended_at__lte=closed_before)
            ),
        )
    )
    by_agent = {item["agent_id"]: item for item in counts}
    names = {
        u.pk: u.display_name
        for u in User.objects.filter(pk__in=ids_or_nothing(by_agent)).only(
            "first_name", "last_name", "username"
        )
    }
    rows = [
        CompletenessRow(pk, names.get(pk, ""), i["ended"], i["complete"], i["not_reported"])
        for pk, i in by_agent.items()
    ]
    return sorted(rows, key=lambda r: r.agent_name.casefold())


def completeness_total(rows: list[CompletenessRow]) -> CompletenessRow:
    """The table's total row, over every agent in scope (not only the page shown)."""
    return CompletenessRow(
        agent_id=None,
        agent_name="",
        ended=sum(row.ended for row in rows),
        complete=sum(row.complete for row in rows),
        not_reported=sum(row.not_reported for row in rows),
    )


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def follow_up_queue(
    context: ReportContext, account: AccountSettings, *, limit: int = 50
) -> tuple[list[Conversation], int]:
    """The follow-up queue, oldest window first, with what each one still needs."""
    plan, missing = SurveyPlan.load(), missing_required_q()
    queue = _kept(context).filter(follow_up_q(context, account, plan, missing))
    survey_pending = plan.required_q() & plan.pending_q(context.now, Q(answered=0))
    outcomes_open = Q(ended_at__gt=context.now - outcome_window(account))
    needs = list(
        queue.annotate(
            outcomes_pending=_flag(outcomes_open & missing),
            survey_pending=_flag(survey_pending),
        )
        .order_by("ended_at", "conversation_id")
        .values_list("conversation_id", "outcomes_pending", "survey_pending")[:limit]
    )
    conversations = Conversation.objects.select_related("agent", "skill", "visitor").in_bulk(
        ids_or_nothing(pk for pk, _outcomes, _survey in needs)
    )
    rows = []
    for pk, outcomes_pending, survey_pending in needs:
        conversation = conversations[pk]
        conversation.outcomes_pending, conversation.survey_pending = (
            outcomes_pending,
            survey_pending,
        )
        conversation.closes_at = conversation.ended_at + outcome_window(account)
        rows.append(conversation)
    return rows, queue.count()
