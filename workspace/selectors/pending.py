"""Workspace list badges: required outcomes or a required survey still pending while the window
is open. Computed for a whole list at once in a constant number of queries."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from campaigns.models import AccountSettings, AgentSurvey, AttributeConfig, SurveyQuestion, User
from workspace.models import (
    AGENT_SOURCES,
    Conversation,
    EngagementAttributeEvent,
    NoOutcome,
    SurveyResponse,
)


def _required_by_skill() -> dict[int, set[str]]:
    by_skill: dict[int, set[str]] = defaultdict(set)
    configs = AttributeConfig.objects.filter(submit_by_agent=True, required_before_close=True)
    for config in configs.prefetch_related("skills"):
        for skill in config.skills.all():
            by_skill[skill.pk].add(config.attribute_type)
    return by_skill


def _surveys() -> tuple[dict[int, AgentSurvey], AgentSurvey | None]:
    required = SurveyQuestion.objects.filter(survey=OuterRef("pk"), required=True)
    surveys = list(
        AgentSurvey.objects.filter(is_active=True)
        .annotate(has_required=Exists(required))
        .prefetch_related("surveyskill_set")
    )
    by_skill = {link.skill_id: s for s in surveys for link in s.surveyskill_set.all()}
    default = next((s for s in surveys if s.is_default), None)
    return by_skill, default


def _agent_skills(conversations: Sequence[Conversation]) -> dict[int, list[int]]:
    agent_ids = {c.agent_id for c in conversations if not c.skill_id and c.agent_id}
    skills: dict[int, list[int]] = defaultdict(list)
    links = User.skills.through.objects.filter(user_id__in=agent_ids).order_by("skill__name")
    for user_id, skill_id in links.values_list("user_id", "skill_id"):
        skills[user_id].append(skill_id)
    return skills


def pending_flags_set(conversations: Sequence[Conversation], *, now: datetime) -> None:
    """Set ``pending_outcomes`` (types still required) and ``pending_survey`` (bool) on each
    conversation, counting only windows still open at ``now``."""
    for conversation in conversations:
        conversation.pending_outcomes, conversation.pending_survey = [], False
    account = AccountSettings.load()
    outcome_minutes = timedelta(minutes=account.agent_outcome_window_minutes)
    ids = [c.pk for c in conversations]
    if not ids:
        return
    required_by_skill = _required_by_skill()
    survey_by_skill, default_survey = _surveys()
    agent_skills = _agent_skills(conversations)
    reported = set(
        EngagementAttributeEvent.objects.filter(
            conversation_id__in=ids, source__in=AGENT_SOURCES, retracted_at__isnull=True
        ).values_list("conversation_id", "attribute_type")
    )
    declined = set(
        NoOutcome.objects.filter(conversation_id__in=ids).values_list(
            "conversation_id", "attribute_type"
        )
    )
    answered = set(
        SurveyResponse.objects.filter(conversation_id__in=ids).values_list(
            "conversation_id", "survey_id"
        )
    )
    for c in conversations:
        skill_ids = [c.skill_id] if c.skill_id else agent_skills.get(c.agent_id, [])
        if c.ended_at is None or now < c.ended_at + outcome_minutes:
            required = set().union(*(required_by_skill.get(s, set()) for s in skill_ids))
            c.pending_outcomes = sorted(
                t for t in required if (c.pk, t) not in reported and (c.pk, t) not in declined
            )
        survey = next((survey_by_skill[s] for s in skill_ids if s in survey_by_skill), None)
        survey = survey or default_survey
        if survey is None or not survey.has_required or (c.pk, survey.pk) in answered:
            continue
        override = c.skill.survey_timeout_minutes if c.skill_id else None
        minutes = override if override is not None else survey.timeout_minutes
        c.pending_survey = c.ended_at is None or now < c.ended_at + timedelta(minutes=minutes)
