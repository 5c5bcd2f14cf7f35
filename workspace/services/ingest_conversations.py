"""The conversations feed (``POST /api/v1/conversations``, SPEC section 6): a chat platform
creates or updates a conversation by its ``conversationId``. A different agent or skill is a
transfer, messages are appended without duplicates, and an ``endTime`` closes the conversation
through the one closing rule."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from django.db import transaction
from pydantic import Field, ValidationError

from campaigns.models import Campaign, Skill, User
from campaigns.services.audit import audit_record
from workspace.models import Conversation, Segment, Visitor
from workspace.services.conversations import (
    CloseWay,
    conversation_close,
    conversation_transfer,
    messages_append,
)
from workspace.services.credit import credit_conversations
from workspace.services.ingest_payload import json_safe
from workspace.services.ingest_problems import InputRejected, Problem
from workspace.services.ingest_types import (
    REQUIRED,
    Model,
    choice,
    date_time,
    problems_of,
    text,
)

MAX_MESSAGES = 1000


class FeedMessage(Model):
    sentBy: Annotated[choice(("consumer", "agent")), REQUIRED]
    text: Annotated[text(10_000, min_length=1), REQUIRED]
    time: Annotated[date_time("When the message was sent"), REQUIRED]


class ConversationRequest(Model):
    """A conversation to create or update"""

    conversationId: Annotated[text(120, "Your platform's conversation ID", min_length=1), REQUIRED]
    visitorId: text(120, "The visitor's ID (required to create)", min_length=1) = None
    channel: choice(tuple(Conversation.Channel.values), "Default: chat") = None
    skill: text(80, "Skill name, as in People > Skills", min_length=1) = None
    agent: text(150, "The assigned agent's username", min_length=1) = None
    campaign: text(120, "Campaign name (optional)", min_length=1) = None
    startTime: date_time("When the conversation started (default: now)") = None
    endTime: date_time("When it ended, not before it started; closes the conversation") = None
    messages: Annotated[list[FeedMessage], Field(max_length=MAX_MESSAGES)] | None = None


@dataclass
class FeedResult:
    conversation: Conversation
    created: bool
    messages_added: int = 0
    transferred: bool = False
    closed: bool = False
    warnings: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.conversation.pk,
            "conversationId": self.conversation.external_id,
            "created": self.created,
            "status": "closed" if self.conversation.ended_at else "open",
            "messagesAdded": self.messages_added,
            "transferred": self.transferred,
            "closed": self.closed,
            "warnings": [problem.as_json() for problem in self.warnings],
        }


def _checked(raw: Any, now: datetime) -> tuple[dict[str, Any], list[Problem]]:
    """The request's values (None for those not sent) and its warnings; raises
    ``InputRejected`` with every problem."""
    errors: list[Problem] = []
    request = None
    try:
        request = ConversationRequest.model_validate(raw, context={"now": now})
    except ValidationError as exc:
        errors.extend(problems_of(exc))
    json_safe(raw, "", errors)
    start, end = (request.startTime, request.endTime) if request else (None, None)
    if start and end and end < start:
        errors.append(Problem("endTime", "before_start", "Must not be before startTime."))
    if errors or request is None:
        raise InputRejected(list(dict.fromkeys(errors)))
    data = {name: getattr(request, name) for name in ConversationRequest.model_fields}
    data["messages"] = [m.model_dump() for m in request.messages or []]
    warnings = [
        Problem(name, "unknown_field", "Not a documented field; ignored.")
        for name in request.model_extra or {}
    ]
    return data, warnings


def _end_before_start(end: datetime | None, start: datetime) -> None:
    """An end before the conversation started would close it before anyone could act."""
    if end is not None and end < start:
        raise InputRejected(
            [Problem("endTime", "before_start", "Must not be before the conversation started.")]
        )


def _named(data: dict[str, Any]) -> dict[str, Any]:
    """Skill, agent and campaign by name; an unknown name is a 400 naming the field."""
    lookups = {
        "skill": lambda name: Skill.objects.filter(name=name).first(),
        "agent": lambda name: User.objects.agents().filter(username=name).first(),
        "campaign": lambda name: Campaign.objects.filter(name=name).first(),
    }
    found, problems = {}, []
    for key, lookup in lookups.items():
        if data.get(key):
            found[key] = lookup(data[key])
            if found[key] is None:
                problems.append(Problem(key, "unknown", f"No {key} named {data[key]!r}."))
    if problems:
        raise InputRejected(problems)
    return found


@transaction.atomic
def conversation_feed(*, raw: Any, now: datetime) -> FeedResult:
    """Create or update a conversation from the platform's JSON. Raises ``InputRejected``
    (nothing stored) for bad input."""
    data, warnings = _checked(raw, now)
    named = _named(data)
    conversation = (
        Conversation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("visitor")
        .filter(external_id=data["conversationId"])
        .first()
    )
    _end_before_start(
        data["endTime"], conversation.started_at if conversation else data["startTime"] or now
    )
    if conversation is None:
        result = _create(data, named, now)
    else:
        result = FeedResult(conversation=conversation, created=False)
        _update(result, data, named, now)
    result.warnings = warnings
    messages = [(m["sentBy"], m["text"], m["time"]) for m in data.get("messages", [])]
    result.messages_added = messages_append(conversation=result.conversation, messages=messages)
    if data.get("endTime") and result.conversation.ended_at is None:
        result.conversation = conversation_close(
            conversation=result.conversation, actor=None, at=data["endTime"], way=CloseWay.API
        )
        result.closed = True
    return result


def _create(data: dict[str, Any], named: dict[str, Any], now: datetime) -> FeedResult:
    if not data.get("visitorId"):
        raise InputRejected([Problem("visitorId", "required", "Needed to create a conversation.")])
    visitor, _new = Visitor.objects.get_or_create(external_id=data["visitorId"])
    started = data.get("startTime") or now
    conversation, created = Conversation.objects.select_for_update(no_key=True).get_or_create(
        external_id=data["conversationId"],
        defaults={
            "visitor": visitor,
            "channel": data.get("channel") or Conversation.Channel.CHAT,
            "skill": named.get("skill"),
            "agent": named.get("agent"),
            "campaign": named.get("campaign"),
            "started_at": started,
        },
    )
    result = FeedResult(conversation=conversation, created=created)
    if not created:  # created meanwhile by a concurrent request: this one updates it
        _update(result, data, named, now)
        return result
    Segment.objects.create(
        conversation=conversation,
        agent=conversation.agent,
        skill=conversation.skill,
        started_at=started,
    )
    credit_conversations([conversation.pk])
    audit_record(
        actor=None,
        action="conversation.create",
        obj=conversation,
        at=now,
        after={"source": "api", "visitor": visitor.external_id},
    )
    return result


def _update(result: FeedResult, data: dict[str, Any], named: dict[str, Any], now: datetime):
    conversation = result.conversation
    if data.get("visitorId") and data["visitorId"] != conversation.visitor.external_id:
        raise InputRejected(
            [Problem("visitorId", "mismatch", "The conversation belongs to another visitor.")]
        )
    changed = [
        name
        for name, value in (("channel", data.get("channel")), ("campaign", named.get("campaign")))
        if value is not None and getattr(conversation, name) != value
    ]
    for name in changed:
        setattr(conversation, name, data["channel"] if name == "channel" else named[name])
    if changed:
        conversation.save(update_fields=changed)
        if "campaign" in changed:  # the campaign's goal decides what its events reach
            credit_conversations([conversation.pk])
    agent, skill = named.get("agent"), named.get("skill")
    if (agent and agent != conversation.agent) or (skill and skill != conversation.skill):
        if conversation.ended_at is not None:
            field_name = "agent" if agent and agent != conversation.agent else "skill"
            raise InputRejected(
                [Problem(field_name, "closed", "A closed conversation cannot be transferred.")]
            )
        at = min(now, data["endTime"]) if data.get("endTime") else now
        result.conversation = conversation_transfer(
            conversation=conversation,
            actor=None,
            at=max(at, conversation.started_at),
            agent=agent,
            skill=skill,
        )
        result.transferred = True
