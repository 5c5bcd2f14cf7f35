"""The conversations behind a number: handled (and interactions) for the goal tracker, and the
completeness and survey sets; each a queryset, so a page and a CSV export read the same rows."""

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from campaigns.models import AccountSettings, GoalType
from reporting.filters import Breakdown
from reporting.selectors.completeness import CompletenessSet, completeness_conversations
from reporting.selectors.context import ReportContext
from reporting.selectors.goal_tracker import handled_aggregate
from reporting.selectors.obligations import SurveyPlan, agent_filters_q, campaign_q
from reporting.selectors.surveys import SurveySet, survey_conversations
from workspace.models import Conversation, Segment


class Family:
    HANDLED = "handled"
    INTERACTIONS = "interactions"
    COMPLETENESS = "completeness"
    SURVEY = "survey"


def _handling_segments(context: ReportContext) -> QuerySet[Segment]:
    """Segments of agents matching the scope, agent, group and skill filters."""
    segments = Segment.objects.filter(agent_filters_q(context))
    if context.filters.skill_id is not None:
        segments = segments.filter(skill=context.filters.skill_id or None)
    return segments


def handled_conversations(
    context: ReportContext, *, interactions: bool = False, unattributed: bool = False
) -> QuerySet:
    """Conversations started in the period with a segment of an agent matching the filters
    (the same set the goal tracker's "Conversations handled" counts). ``unattributed``: those
    handled by no agent, which the goal tracker's Unattributed row counts: none."""
    f = context.filters
    if unattributed:
        return Conversation.objects.none()
    segment = _handling_segments(context).filter(conversation=OuterRef("pk"))
    filters = f
    if interactions:
        if f.goal_type not in ("", GoalType.INTERACT):
            return Conversation.objects.none()
        filters = f.with_(goal_type=GoalType.INTERACT)
    return Conversation.objects.filter(
        Q(Exists(segment)),
        campaign_q(filters),
        started_at__gte=f.start_at,
        started_at__lt=f.end_at,
    )


def conversation_set(
    context: ReportContext,
    family: str,
    which: str,
    *,
    survey_id: int | None = None,
    unattributed: bool = False,
) -> QuerySet[Conversation] | None:
    """The conversations of one number, or None for an unknown one. ``unattributed``: the
    goal tracker's Unattributed row (handled and interactions only)."""
    if family == Family.HANDLED:
        return handled_conversations(context, unattributed=unattributed)
    if family == Family.INTERACTIONS:
        return handled_conversations(context, interactions=True, unattributed=unattributed)
    if family == Family.COMPLETENESS and which in CompletenessSet.ALL:
        return completeness_conversations(context, which, AccountSettings.load())
    if family == Family.SURVEY and which in SurveySet.ALL:
        return survey_conversations(context, which, SurveyPlan.load(), survey_id)
    return None


def conversation_page(
    queryset: QuerySet[Conversation],
    page: int,
    per_page: int = 25,
    *,
    count: int | None = None,
    one_agent: bool = False,
) -> Page:
    """One page of the conversations, newest first; ``count``: how many there are, when the
    caller knows it without counting the set (a count over a month of a million conversations
    took a second). The page's agents, skills, campaigns and visitors are read after it (one
    query each): joined to the set, PostgreSQL joined them to the month's every conversation
    before picking one agent's (0.6 s at a million conversations).

    ``one_agent``: the set is one agent's (a goal tracker cell), a few thousand conversations at
    most. Sorted by the start time as a value, not by its index: PostgreSQL otherwise walks the
    period's index from its newest conversation until it meets 25 of the agent's, and when
    theirs lie at the period's start that was 500,000 rows (1.3 s at a million conversations);
    sorted, it reads the agent's through their segments and sorts them (10 ms)."""
    newest = "-started_at"
    if one_agent:
        newest = Coalesce("started_at", "started_at").desc()  # a value the index cannot order
    ordered = queryset.prefetch_related("agent", "skill", "campaign", "visitor").order_by(
        newest, "-pk"
    )
    paginator = Paginator(ordered, per_page)
    if count is not None:
        paginator.count = count  # the cached property, known already
    return paginator.get_page(page)


def handled_counts(context: ReportContext, *, interactions: bool, by: str = "") -> tuple[int, int]:
    """The conversations handled (or of them, interactions) behind a goal tracker cell, read as
    the goal tracker reads them: each once (the list's length), and the tracker's "Sum of rows"
    (each once per agent, and per skill when broken down ``by`` skill)."""
    key = "interactions" if interactions else "handled"
    per_row = ["cr.agent_id"] + (["cr.skill_id"] if by == Breakdown.SKILL else [])
    once = sum(item[key] for item in handled_aggregate(context, None))
    rows = sum(item[key] for item in handled_aggregate(context, per_row))
    return once, rows
