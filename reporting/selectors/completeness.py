"""Outcome completeness: per agent, the conversations that ended in the period (credited to the
last assigned agent), how many have an outcome or a submitted survey, and the follow-up queue of
conversations whose window is still open with required outcomes or a required survey pending."""

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
from workspace.models import Conversation, SurveyResponse


class CompletenessSet:
    ENDED = "ended"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    NOT_REPORTED = "not_reported"
    QUEUE = "queue"

    ALL = (ENDED, COMPLETE, INCOMPLETE, NOT_REPORTED, QUEUE)


@dataclass
class CompletenessRow:
    agent_id: int
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
    submitted = SurveyResponse.objects.filter(status=SurveyResponse.Status.SUBMITTED)
    return has_outcome_q() | Q(pk__in=submitted.values("conversation_id"))


def completeness_conversations(
    context: ReportContext, which: str, account: AccountSettings
) -> QuerySet[Conversation]:
    """The conversations behind one completeness number (``CompletenessSet``)."""
    f = context.filters
    base = Conversation.objects.filter(conversation_filters_q(context))
    closed_before = context.now - outcome_window(account)
    if which == CompletenessSet.QUEUE:
        return base.filter(follow_up_q(context, account))
    ended = base.filter(ended_at__gte=f.start_at, ended_at__lt=f.end_at)
    if which == CompletenessSet.COMPLETE:
        return ended.filter(_complete_q())
    if which == CompletenessSet.INCOMPLETE:
        return ended.exclude(_complete_q())
    if which == CompletenessSet.NOT_REPORTED:
        return ended.filter(missing_required_q(), ended_at__lte=closed_before)
    return ended


def follow_up_q(context: ReportContext, account: AccountSettings, plan: SurveyPlan | None = None):
    """Ended, window still open, and a required outcome or a required survey still pending."""
    plan = plan or SurveyPlan.load()
    outcomes_open = Q(ended_at__gt=context.now - outcome_window(account))
    survey_pending = plan.required_q() & plan.pending_q(context.now)
    return Q(ended_at__isnull=False) & ((outcomes_open & missing_required_q()) | survey_pending)


def completeness_rows(context: ReportContext, account: AccountSettings) -> list[CompletenessRow]:
    """One row per agent in scope with conversations ended in the period (two queries)."""
    closed_before = context.now - outcome_window(account)
    ended = completeness_conversations(context, CompletenessSet.ENDED, account)
    counts = (
        ended.order_by()
        .values("agent_id")
        .annotate(
            ended=Count("pk"),
            complete=Count("pk", filter=_complete_q()),
            not_reported=Count("pk", filter=missing_required_q() & Q(ended_at__lte=closed_before)),
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


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def follow_up_queue(
    context: ReportContext, account: AccountSettings, *, limit: int = 50
) -> tuple[list[Conversation], int]:
    """The follow-up queue, oldest window first, with what each one still needs."""
    plan = SurveyPlan.load()
    base = Conversation.objects.filter(conversation_filters_q(context))
    queue = base.filter(follow_up_q(context, account, plan))
    survey_pending = plan.required_q() & plan.pending_q(context.now)
    outcomes_open = Q(ended_at__gt=context.now - outcome_window(account))
    rows = list(
        queue.select_related("agent", "skill", "visitor")
        .annotate(
            outcomes_pending=_flag(outcomes_open & missing_required_q()),
            survey_pending=_flag(survey_pending),
        )
        .order_by("ended_at", "pk")[:limit]
    )
    for conversation in rows:
        conversation.closes_at = conversation.ended_at + outcome_window(account)
    return rows, queue.count()
