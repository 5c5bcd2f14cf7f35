"""What was asked of agents on each conversation, as query conditions: which survey applies and
until when, which outcomes are required and whether they were reported. What agents did is kept
on ``Completion`` rows by the writes; what was required, and until when, is configuration and
timestamps, derived when read (SPEC section 2), using the same rules as the Agent Workspace:
the skill's active survey, else the active default survey; the skill's timeout override, else the
survey's; required outcomes are those switched on with **Required before close** for the skill.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.lookups import Exact, IsNull

from campaigns.models import (
    AccountSettings,
    AgentSurvey,
    AttributeConfig,
    Campaign,
    Skill,
    SurveyQuestion,
    User,
)
from reporting.filters import NONE, ReportFilters
from reporting.selectors.common import ids_or_nothing
from reporting.selectors.context import ReportContext
from workspace.models import SurveyResponse
from workspace.services.credit import COVERED_BITS, OTHER_TYPE_BIT


def campaign_q(filters: ReportFilters) -> Q:
    """The campaign, goal and goal type filters on a conversation's campaign (or, when it names
    none, the default campaign)."""
    q = Q()
    default = Campaign.objects.filter(is_default=True)
    if filters.campaign_id == NONE:
        q &= Q(campaign__isnull=True) & ~Q(Exists(default))
    elif filters.campaign_id is not None:
        q &= Q(campaign=filters.campaign_id) | Q(
            Exists(default.filter(pk=filters.campaign_id)), campaign__isnull=True
        )
    if filters.goal_id == NONE:
        q &= Q(campaign__isnull=True) & ~Q(Exists(default))
    elif filters.goal_id is not None:
        q &= Q(campaign__goal=filters.goal_id) | Q(
            Exists(default.filter(goal=filters.goal_id)), campaign__isnull=True
        )
    if filters.goal_type:
        q &= Q(campaign__goal__goal_type=filters.goal_type) | Q(
            Exists(default.filter(goal__goal_type=filters.goal_type)), campaign__isnull=True
        )
    return q


def agent_filters_q(context: ReportContext, field: str = "agent") -> Q:
    """Scope, agent and agent group on the user foreign key ``field``."""
    f = context.filters
    q = context.scope.agents_q(field) & Q(**{f"{field}__isnull": False})
    if f.agent_id:
        q &= Q(**{field: f.agent_id})
    if f.group_id:
        q &= Q(**{f"{field}__agent_group": f.group_id})
    return q


def conversation_filters_q(context: ReportContext) -> Q:
    """Scope and filters for conversation-based reports (credited to the last assigned agent)."""
    q = agent_filters_q(context) & campaign_q(context.filters)
    if context.filters.skill_id is not None:
        q &= Q(skill=context.filters.skill_id or None)
    return q


def has_outcome_q() -> Q:
    """On a ``Completion`` row: at least one agent-reported outcome still standing, or an
    explicit "No outcome"."""
    return Q(covered__gt=0)


def missing_required_q() -> Q:
    """On a ``Completion`` row: a required outcome neither reported (by an agent, not
    retracted) nor declined: for the conversation's skill, or without a skill for any of the
    assigned agent's skills. Two small queries over configuration."""
    required = AttributeConfig.objects.filter(submit_by_agent=True, required_before_close=True)
    by_skill: dict[int, int] = defaultdict(int)
    for attribute_type, skill_id in required.values_list("attribute_type", "skills"):
        if skill_id is not None:
            by_skill[skill_id] |= COVERED_BITS.get(attribute_type, OTHER_TYPE_BIT)
    by_agent: dict[int, int] = defaultdict(int)
    links = User.skills.through.objects.filter(skill_id__in=ids_or_nothing(by_skill))
    for agent_id, skill_id in links.values_list("user_id", "skill_id"):
        by_agent[agent_id] |= by_skill[skill_id]
    q = Q(covered__lt=0)  # nothing: no outcome is required anywhere
    for field, masks in (("skill_id", by_skill), ("agent_id", by_agent)):
        ids_of: dict[int, list[int]] = defaultdict(list)
        for pk, mask in masks.items():
            ids_of[mask].append(pk)
        for mask, ids in sorted(ids_of.items()):
            lacking = ~Q(Exact(F("covered").bitand(mask), mask))
            where = {f"{field}__in": sorted(ids)}
            if field == "agent_id":
                where["skill__isnull"] = True
            q |= Q(**where) & lacking
    return q


def outcome_window(account: AccountSettings) -> timedelta:
    return timedelta(minutes=account.agent_outcome_window_minutes)


def latest_response_status() -> Subquery:
    """The status of the conversation's latest survey response (the one that counts)."""
    return Subquery(
        SurveyResponse.objects.filter(conversation=OuterRef("pk"))
        .order_by("-submitted_at", "-id")
        .values("status")[:1]
    )


@dataclass
class SurveyPlan:
    """Which survey applies to conversations of each skill, and its timeout there."""

    survey_of_skill: dict[int, int]
    default_id: int | None
    timeout_of_skill: dict[int, int]
    default_timeout: int
    with_required: set[int]
    surveys: list[AgentSurvey]

    @classmethod
    def load(cls) -> "SurveyPlan":
        """Three small queries over configuration, never over conversations."""
        required = SurveyQuestion.objects.filter(survey=OuterRef("pk"), required=True)
        surveys = list(
            AgentSurvey.objects.filter(is_active=True)
            .annotate(has_required=Exists(required))
            .prefetch_related("surveyskill_set")
            .order_by("name")
        )
        survey_of_skill = {link.skill_id: s.pk for s in surveys for link in s.surveyskill_set.all()}
        default = next((s for s in surveys if s.is_default), None)
        minutes = {s.pk: s.timeout_minutes for s in surveys}
        timeout_of_skill = {}
        for skill_id, override in Skill.objects.values_list("pk", "survey_timeout_minutes"):
            survey_id = survey_of_skill.get(skill_id, default.pk if default else None)
            if survey_id is not None:
                timeout_of_skill[skill_id] = (
                    override if override is not None else minutes[survey_id]
                )
        return cls(
            survey_of_skill=survey_of_skill,
            default_id=default.pk if default else None,
            timeout_of_skill=timeout_of_skill,
            default_timeout=default.timeout_minutes if default else 0,
            with_required={s.pk for s in surveys if s.has_required},
            surveys=surveys,
        )

    def _skills_of(self, survey_ids: set[int]) -> Q:
        linked = set(self.survey_of_skill)
        q = Q(skill_id__in=[k for k, v in self.survey_of_skill.items() if v in survey_ids])
        if self.default_id in survey_ids:
            q |= Q(skill__isnull=True) | ~Q(skill_id__in=linked)
        return q

    def applies_q(self, survey_id: int | None = None) -> Q:
        """Conversations offered a survey (``survey_id``: that one)."""
        ids = {s.pk for s in self.surveys} if survey_id is None else {survey_id}
        return Q(ended_at__isnull=False) & self._skills_of(ids)

    def required_q(self) -> Q:
        """Conversations whose survey has required questions."""
        return Q(ended_at__isnull=False) & self._skills_of(self.with_required)

    def closed_q(self, now: datetime) -> Q:
        """The survey's timeout has passed."""
        by_minutes: dict[int, list[int]] = defaultdict(list)
        for skill_id, minutes in self.timeout_of_skill.items():
            by_minutes[minutes].append(skill_id)
        q = Q(skill__isnull=True, ended_at__lte=now - timedelta(minutes=self.default_timeout))
        for minutes, skill_ids in by_minutes.items():
            q |= Q(skill_id__in=skill_ids, ended_at__lte=now - timedelta(minutes=minutes))
        return q

    @staticmethod
    def state_q(status: str) -> Q:
        return Q(Exact(latest_response_status(), status))

    @staticmethod
    def unanswered_q() -> Q:
        return Q(IsNull(latest_response_status(), True))

    def timed_out_q(self, now: datetime) -> Q:
        return self.unanswered_q() & self.closed_q(now)

    def pending_q(self, now: datetime, unanswered: Q | None = None) -> Q:
        """Unanswered (``unanswered``: that condition instead, on kept rows) and open still."""
        return (unanswered or self.unanswered_q()) & ~self.closed_q(now)

    def longest_timeout(self) -> timedelta:
        """No survey is pending longer after its conversation ended."""
        return timedelta(minutes=max([self.default_timeout, *self.timeout_of_skill.values()]))
