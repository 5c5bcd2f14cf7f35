"""Who may do what on a conversation, and until when. Windows are derived from timestamps when
read (SPEC section 2), so a closed window or a timed-out survey never waits for a job."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from campaigns.models import AccountSettings, AgentGroup, AgentSurvey, User
from workspace.models import Conversation
from workspace.selectors.conversations import conversation_get

WORK = "campaigns.work_conversations"
ACT_FOR_TEAM = "campaigns.act_for_team"


class ActorRole(StrEnum):
    """How a person stands towards one conversation."""

    AGENT = "agent"  # the assigned agent: reports inside the windows
    MANAGER = "manager"  # agent manager of the agent's group, or admin: on behalf, with a reason
    FORMER = "former"  # a former agent (or anyone else who may look): read-only
    NONE = "none"  # not theirs: refused


def actor_role(user: User, conversation: Conversation) -> ActorRole:
    """The role of ``user`` on ``conversation``. At most one query (group management)."""
    if not user.is_authenticated or not user.is_active:
        return ActorRole.NONE
    if conversation.agent_id == user.pk and user.has_perm(WORK):
        return ActorRole.AGENT
    if user.has_perm(ACT_FOR_TEAM):
        if user.has_perm("campaigns.view_all_reports"):
            return ActorRole.MANAGER
        if conversation.agent_id and _manages(user, conversation):
            return ActorRole.MANAGER
    if conversation.agent_id == user.pk or conversation.segments.filter(agent=user).exists():
        return ActorRole.FORMER
    return ActorRole.NONE


@dataclass(frozen=True)
class ConversationAccess:
    """What one person may do with one conversation, decided once per request."""

    conversation: Conversation
    role: ActorRole

    @property
    def may_report(self) -> bool:
        """Report, correct, retract, answer the survey (agents inside the windows)."""
        return self.role in (ActorRole.AGENT, ActorRole.MANAGER)

    @property
    def on_behalf(self) -> bool:
        return self.role == ActorRole.MANAGER

    @property
    def may_close(self) -> bool:
        """Close and transfer: the assigned agent, while the conversation is open."""
        return self.role == ActorRole.AGENT and self.conversation.ended_at is None


def conversation_access(user: User, pk: int, *, page: bool = False) -> ConversationAccess:
    """The one answer to "what may ``user`` do with conversation ``pk``": 404 when they may not
    see it, else their role on it. Views ask it once and hand it on; services ask
    ``actor_role`` (the same rule) for the conversation they lock. ``page`` loads what the
    whole page shows; a widget fragment or action needs none of it."""
    conversation = conversation_get(user, pk, page=page)
    return ConversationAccess(conversation=conversation, role=actor_role(user, conversation))


def _manages(user: User, conversation: Conversation) -> bool:
    """Managers act for the *current* members of the groups they manage."""
    group_id = (
        User.objects.filter(pk=conversation.agent_id).values_list("agent_group_id", flat=True)
    ).first()
    return (
        bool(group_id)
        and AgentGroup.managers.through.objects.filter(
            agentgroup_id=group_id, user_id=user.pk
        ).exists()
    )


@dataclass(frozen=True)
class Window:
    """Until when agents may report; ``closes_at`` is None while the conversation is open."""

    closes_at: datetime | None
    now: datetime

    @property
    def is_open(self) -> bool:
        return self.closes_at is None or self.now < self.closes_at


def outcome_window(
    conversation: Conversation, *, account: AccountSettings, now: datetime
) -> Window:
    """Open during the conversation and for the agent outcome window after it ends."""
    if conversation.ended_at is None:
        return Window(closes_at=None, now=now)
    minutes = account.agent_outcome_window_minutes
    return Window(closes_at=conversation.ended_at + timedelta(minutes=minutes), now=now)


def survey_timeout_minutes(conversation: Conversation, survey: AgentSurvey) -> int:
    """The skill's override when it has one, else the survey's own timeout."""
    skill = conversation.skill
    if skill is not None and skill.survey_timeout_minutes is not None:
        return skill.survey_timeout_minutes
    return survey.timeout_minutes


def survey_window(conversation: Conversation, *, survey: AgentSurvey, now: datetime) -> Window:
    if conversation.ended_at is None:
        return Window(closes_at=None, now=now)
    minutes = survey_timeout_minutes(conversation, survey)
    return Window(closes_at=conversation.ended_at + timedelta(minutes=minutes), now=now)


def skill_ids_for(conversation: Conversation) -> list[int]:
    """The conversation's skill, or for one without a skill the assigned agent's skills."""
    if conversation.skill_id:
        return [conversation.skill_id]
    if conversation.agent_id:
        return list(
            User.skills.through.objects.filter(user_id=conversation.agent_id)
            .order_by("skill__name")
            .values_list("skill_id", flat=True)
        )
    return []
