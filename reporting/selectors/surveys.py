"""The Agent survey report: offered, submitted, dismissed, timed out (derived from the survey's
timeout), the submission rate per agent, and the answers: the distribution per question (overall,
by agent or by skill) and the free-text answers. Only each conversation's latest response
counts (resubmissions replace earlier ones)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    When,
    Window,
)

from campaigns.models import CHOICE_KINDS, AgentSurvey, QuestionKind, Skill, User
from reporting.selectors.common import ids_or_nothing
from reporting.selectors.context import ReportContext
from reporting.selectors.obligations import (
    SurveyPlan,
    conversation_filters_q,
    latest_response_status,
)
from workspace.models import Conversation, SurveyAnswer, SurveyResponse


class SurveySet:
    OFFERED = "offered"
    SUBMITTED = "submitted"
    DISMISSED = "dismissed"
    TIMED_OUT = "timed_out"
    PENDING = "pending"

    ALL = (OFFERED, SUBMITTED, DISMISSED, TIMED_OUT, PENDING)


@dataclass
class SurveyRow:
    agent_id: int | None
    agent_name: str
    offered: int = 0
    submitted: int = 0
    dismissed: int = 0
    timed_out: int = 0
    pending: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.offered:
            return None
        return (Decimal(self.submitted) * 100 / self.offered).quantize(Decimal("0.1"))

    @property
    def cells(self) -> list[tuple[str, int]]:
        """``(set, number)`` in column order, for links to the conversations behind each."""
        return [(name, getattr(self, name)) for name in SurveySet.ALL]


def survey_conversations(
    context: ReportContext, which: str, plan: SurveyPlan, survey_id: int | None = None
) -> QuerySet[Conversation]:
    """Conversations ended in the period behind one survey number (``SurveySet``)."""
    f = context.filters
    offered = Conversation.objects.filter(
        conversation_filters_q(context),
        plan.applies_q(survey_id),
        ended_at__gte=f.start_at,
        ended_at__lt=f.end_at,
    )
    conditions = {
        SurveySet.SUBMITTED: plan.state_q(SurveyResponse.Status.SUBMITTED),
        SurveySet.DISMISSED: plan.state_q(SurveyResponse.Status.DISMISSED),
        SurveySet.TIMED_OUT: plan.timed_out_q(context.now),
        SurveySet.PENDING: plan.pending_q(context.now),
    }
    return offered.filter(conditions[which]) if which in conditions else offered


def survey_rows(
    context: ReportContext, plan: SurveyPlan, survey_id: int | None = None
) -> tuple[list[SurveyRow], SurveyRow]:
    """One row per agent and the total (two queries). The offered conversations are counted
    per agent, latest response status and whether the timeout has passed: each conversation's
    latest response is looked up once, not once per column."""
    offered = survey_conversations(context, SurveySet.OFFERED, plan, survey_id)
    closed = Case(When(plan.closed_q(context.now), then=True), default=False)
    counts = (
        offered.order_by()
        .annotate(latest_status=latest_response_status(), closed=closed)
        .values("agent_id", "latest_status", "closed")
        .annotate(n=Count("pk"))
    )
    rows: dict[int, SurveyRow] = {}
    for item in counts:
        row = rows.setdefault(item["agent_id"], SurveyRow(None, ""))
        row.offered += item["n"]
        if item["latest_status"] == SurveyResponse.Status.SUBMITTED:
            row.submitted += item["n"]
        elif item["latest_status"] == SurveyResponse.Status.DISMISSED:
            row.dismissed += item["n"]
        elif item["latest_status"] is None and item["closed"]:
            row.timed_out += item["n"]
        elif item["latest_status"] is None:
            row.pending += item["n"]
    for user in User.objects.filter(pk__in=ids_or_nothing(rows)).only(
        "first_name", "last_name", "username"
    ):
        rows[user.pk].agent_id, rows[user.pk].agent_name = user.pk, user.display_name
    total = SurveyRow(None, "")
    for row in rows.values():
        for name in ("offered", "submitted", "dismissed", "timed_out", "pending"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return sorted(rows.values(), key=lambda r: r.agent_name.casefold()), total


def latest_submitted_responses(
    context: ReportContext, plan: SurveyPlan, survey: AgentSurvey
) -> QuerySet[SurveyResponse]:
    later = SurveyResponse.objects.filter(conversation=OuterRef("conversation")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )
    offered = survey_conversations(context, SurveySet.OFFERED, plan, survey.pk)
    return SurveyResponse.objects.filter(
        survey=survey,
        status=SurveyResponse.Status.SUBMITTED,
        conversation__in=offered.values("pk"),
    ).exclude(Exists(later))


@dataclass
class Distribution:
    question: object
    options: list[str]
    rows: list[dict] = field(default_factory=list)


@dataclass
class NumberSummary:
    question: object
    count: int
    average: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None


BREAKDOWN_FIELD = {
    "": None,
    "agent": "response__conversation__agent_id",
    "skill": "response__conversation__skill_id",
}


def answer_distribution(
    context: ReportContext, plan: SurveyPlan, survey: AgentSurvey, breakdown: str = ""
) -> tuple[list[Distribution], list[NumberSummary]]:
    """Choice answers counted per option (and per agent or skill), number answers summarised."""
    dim = BREAKDOWN_FIELD.get(breakdown)
    responses = latest_submitted_responses(context, plan, survey)
    answers = SurveyAnswer.objects.filter(response__in=responses, question__survey=survey)
    # Only choice questions have a distribution, and only they need how many answered.
    choices = answers.filter(question__kind__in=CHOICE_KINDS)
    keys = ["question_id", "option__label", "value_text"] + ([dim] if dim else [])
    counted = choices.order_by().values(*keys).annotate(n=Count("pk"))
    answered = (
        choices.order_by()
        .values("question_id", *([dim] if dim else []))
        .annotate(n=Count("response_id", distinct=True))
    )
    questions = list(survey.questions.prefetch_related("options"))
    cells: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for item in counted:
        label = item["option__label"] or item["value_text"]
        cells[item["question_id"]][item.get(dim) if dim else None][label] += item["n"]
    totals = {(i["question_id"], i.get(dim) if dim else None): i["n"] for i in answered}
    names = _dimension_names(breakdown, {k[1] for k in totals})
    distributions = []
    for question in questions:
        if question.kind not in CHOICE_KINDS:
            continue
        options = [o.label for o in question.options.all()]
        seen = {label for per in cells[question.pk].values() for label in per}
        options += sorted(seen - set(options))
        dist = Distribution(question, options)
        for key, per in sorted(cells[question.pk].items(), key=lambda kv: names.get(kv[0], "")):
            answered_n = totals.get((question.pk, key), 0)
            dist.rows.append(
                {
                    "key": key,
                    "label": names.get(key, ""),
                    "answered": answered_n,
                    "counts": [
                        (per.get(o, 0), _percent(per.get(o, 0), answered_n)) for o in options
                    ],
                }
            )
        distributions.append(dist)
    return distributions, _number_summaries(answers, questions)


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("1")) if whole else None


def _dimension_names(breakdown: str, keys: set) -> dict:
    if breakdown == "agent":
        return {u.pk: u.display_name for u in User.objects.filter(pk__in=ids_or_nothing(keys))}
    if breakdown == "skill":
        return {s.pk: s.name for s in Skill.objects.filter(pk__in=ids_or_nothing(keys))}
    return {}


def _number_summaries(answers: QuerySet, questions: list) -> list[NumberSummary]:
    numbers = [q for q in questions if q.kind == QuestionKind.NUMBER]
    if not numbers:
        return []
    stats = {
        item["question_id"]: item
        for item in answers.filter(question__in=numbers, value_number__isnull=False)
        .order_by()
        .values("question_id")
        .annotate(
            n=Count("pk"), avg=Avg("value_number"), lo=Min("value_number"), hi=Max("value_number")
        )
    }
    summaries = []
    for question in numbers:
        item = stats.get(question.pk, {})
        average = item.get("avg")
        summaries.append(
            NumberSummary(
                question,
                item.get("n", 0),
                Decimal(str(average)).quantize(Decimal("0.01")) if average is not None else None,
                item.get("lo"),
                item.get("hi"),
            )
        )
    return summaries


def free_text_answers(
    context: ReportContext, plan: SurveyPlan, survey: AgentSurvey, *, limit: int = 50
) -> tuple[list[SurveyAnswer], int]:
    """The latest free-text and date answers, newest first, and how many there are."""
    responses = latest_submitted_responses(context, plan, survey)
    answers = SurveyAnswer.objects.filter(
        response__in=responses,
        question__survey=survey,
        question__kind__in=(QuestionKind.FREE_TEXT, QuestionKind.DATE),
    ).exclude(Q(value_text="") & Q(value_date__isnull=True))
    # How many there are rides on each listed row (a window over the whole selection, taken
    # before the limit): one pass over the latest responses instead of two.
    listed = list(
        answers.select_related("question", "response__conversation__agent")
        .annotate(answers_count=Window(Count("pk")))
        .order_by("-response__submitted_at", "-pk")[:limit]
    )
    return listed, listed[0].answers_count if listed else 0
