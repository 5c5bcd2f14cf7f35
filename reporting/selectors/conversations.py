"""The conversations behind a number: handled (and interactions) for the goal tracker, and the
completeness and survey sets; each a queryset, so a page and a CSV export read the same rows."""

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from campaigns.models import AccountSettings, GoalType
from reporting.selectors.completeness import CompletenessSet, completeness_conversations
from reporting.selectors.context import ReportContext
from reporting.selectors.obligations import SurveyPlan, agent_filters_q, campaign_q
from reporting.selectors.surveys import SurveySet, survey_conversations
from workspace.models import Conversation, Segment


class Family:
    HANDLED = "handled"
    INTERACTIONS = "interactions"
    COMPLETENESS = "completeness"
    SURVEY = "survey"


def handled_conversations(context: ReportContext, *, interactions: bool = False) -> QuerySet:
    """Conversations started in the period with a segment of an agent matching the filters
    (the same set the goal tracker's "Conversations handled" counts)."""
    f = context.filters
    segment = Segment.objects.filter(agent_filters_q(context), conversation=OuterRef("pk"))
    if f.skill_id is not None:
        segment = segment.filter(skill=f.skill_id or None)
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
    context: ReportContext, family: str, which: str, *, survey_id: int | None = None
) -> QuerySet[Conversation] | None:
    """The conversations of one number, or None for an unknown one."""
    if family == Family.HANDLED:
        return handled_conversations(context)
    if family == Family.INTERACTIONS:
        return handled_conversations(context, interactions=True)
    if family == Family.COMPLETENESS and which in CompletenessSet.ALL:
        return completeness_conversations(context, which, AccountSettings.load())
    if family == Family.SURVEY and which in SurveySet.ALL:
        return survey_conversations(context, which, SurveyPlan.load(), survey_id)
    return None


def conversation_page(queryset: QuerySet[Conversation], page: int, per_page: int = 25) -> Page:
    ordered = queryset.select_related("agent", "skill", "campaign", "visitor").order_by(
        "-started_at", "-pk"
    )
    return Paginator(ordered, per_page).get_page(page)
