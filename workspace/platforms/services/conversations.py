"""What every platform's conversation events come down to: a state (open or closed, who, which
skill) applied through the conversations feed (``workspace.services.ingest_conversations``),
the same service as ``POST /api/v1/conversations``, so transfers, closing and the transcript
follow one set of rules whoever sends them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from campaigns.models import Skill, User
from workspace.models import Conversation
from workspace.platforms.models import ExternalRef, PlatformAccount, RefKind
from workspace.platforms.services.refs import current_conversation_ref, our_conversation_id
from workspace.services.ingest_conversations import conversation_feed


@dataclass
class ConversationState:
    """A platform conversation as one delivery describes it."""

    external_id: str
    visitor_id: str
    started_at: datetime
    is_open: bool
    changed_at: datetime
    version: int | None = None  # the platform's last-changed time, microseconds
    agent: ExternalRef | None = None
    skill: Skill | None = None
    channel: str = Conversation.Channel.CHAT
    notes: list[str] = field(default_factory=list)


@dataclass
class Applied:
    conversation: Conversation | None
    note: str


@dataclass(frozen=True)
class Arrival:
    """A platform conversation the feed is about to see for the first time, as ours will be."""

    account: PlatformAccount
    external_id: str
    conversation_id: str  # ``our_conversation_id``
    visitor_id: str
    started_at: datetime
    agent: User | None
    skill: Skill | None


# Ways to take over a conversation made for these platform ids before the feed was connected
# (the desktop panels' provisional conversations): each returns True when it did. The apps that
# make such conversations register here (they depend on this one, not the other way round).
takeovers: list[Callable[[Arrival, datetime], bool]] = []


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _mapped_agent(state: ConversationState) -> User | None:
    """Our agent for the platform's, when it is mapped to someone who is an agent here."""
    user = state.agent.agent if state.agent is not None else None
    if user is not None and User.objects.agents().filter(pk=user.pk).exists():
        return user
    return None


def _assignment(agent: User | None, skill: Skill | None) -> dict[str, str]:
    names = {}
    if agent is not None:
        names["agent"] = agent.username
    if skill is not None:
        names["skill"] = skill.name
    return names


def conversation_state_apply(
    *, account: PlatformAccount, state: ConversationState, now: datetime
) -> Applied:
    """Create, update, transfer or close our conversation for ``state``. A state older than one
    already applied is skipped; an open state for a conversation we closed starts a new one."""
    current = current_conversation_ref(account, state.external_id)
    if current is not None and _is_stale(current, state):
        return Applied(current.conversation, "stale")
    reopened = current is not None and current.conversation.ended_at is not None
    if reopened and not state.is_open:
        return Applied(current.conversation, "already closed")
    creating = current is None or reopened
    sequence = 1 if current is None else current.sequence + (1 if reopened else 0)
    changed_at = min(state.changed_at, now)
    raw = {"conversationId": our_conversation_id(account, state.external_id, sequence)}
    agent = _mapped_agent(state)
    raw.update(_assignment(agent, state.skill))
    if current is None:
        arrival = Arrival(
            account=account,
            external_id=state.external_id,
            conversation_id=raw["conversationId"],
            visitor_id=state.visitor_id,
            started_at=min(state.started_at, now),
            agent=agent,
            skill=state.skill,
        )
        # Taken over, the conversation is ours under the feed's id: the feed updates it below.
        any(takeover(arrival, now) for takeover in takeovers)
    if creating:
        started = changed_at if reopened else min(state.started_at, now)
        raw.update(visitorId=state.visitor_id, channel=state.channel, startTime=_iso(started))
    else:
        started = current.conversation.started_at
    if not state.is_open:
        raw["endTime"] = _iso(max(changed_at, started))
    result = conversation_feed(raw=raw, now=now)
    _remember(account, state, current if not creating else None, sequence, result.conversation, now)
    note = "reopened" if reopened else "created" if creating else "updated"
    if result.transferred:
        note += ", transferred"
    if result.closed:
        note += ", closed"
    return Applied(result.conversation, note)


def _remember(
    account: PlatformAccount,
    state: ConversationState,
    current: ExternalRef | None,
    sequence: int,
    conversation: Conversation,
    now: datetime,
) -> None:
    """Link a new conversation to the platform's id, or note the newest state applied."""
    if current is None:
        # get_or_create: a delivery about the same new conversation may have won the race (the
        # feed then found its conversation and updated it instead).
        ExternalRef.objects.get_or_create(
            account=account,
            kind=RefKind.CONVERSATION,
            external_id=state.external_id,
            sequence=sequence,
            defaults={
                "conversation": conversation,
                "visitor": conversation.visitor,
                "state_version": state.version,
                "first_seen_at": now,
                "last_seen_at": now,
            },
        )
        return
    current.state_version = state.version or current.state_version
    current.last_seen_at = now
    current.save(update_fields=["state_version", "last_seen_at"])


def _is_stale(current: ExternalRef, state: ConversationState) -> bool:
    return (
        current.state_version is not None
        and state.version is not None
        and state.version < current.state_version
    )


def messages_apply(
    *,
    account: PlatformAccount,
    external_id: str,
    messages: list[tuple[str, str, datetime]],
    now: datetime,
) -> int:
    """Append ``(sent_by, text, sent_at)`` to our newest conversation for ``external_id``
    (which must exist: apply the conversation's state first). Returns how many were new."""
    current = current_conversation_ref(account, external_id)
    if current is None or not messages:
        return 0
    raw = {
        "conversationId": current.conversation.external_id,
        "messages": [
            {"sentBy": by, "text": text, "time": _iso(min(at, now))} for by, text, at in messages
        ],
    }
    return conversation_feed(raw=raw, now=now).messages_added
