"""Chatwoot webhooks: the signature, and what each event means here.

Shapes (chatwoot/chatwoot): a conversation event's body is ``Conversation#webhook_data``
(``app/models/concerns/push_data_helper.rb``: the push data of
``app/presenters/conversations/event_data_presenter.rb`` with ``meta.sender`` the contact,
``meta.assignee`` and ``meta.team``) plus ``event``; ``message_created`` is
``Message#webhook_data`` (``app/models/message.rb``), which carries its conversation's
webhook data too, so a message that arrives before its conversation still creates it.
"""

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from campaigns.models import Skill
from workspace.models import Conversation, Message
from workspace.platforms.models import ExternalRef, PlatformAccount, RefKind
from workspace.platforms.services.conversations import (
    ConversationState,
    conversation_state_apply,
    messages_apply,
)
from workspace.platforms.services.receiving import (
    DeliveryRefused,
    Handled,
    micros,
    number,
    required_object,
    text_id,
)
from workspace.platforms.services.refs import namespaced_visitor_id, ref_seen
from workspace.services.ingest_problems import InputRejected, Problem

MAX_AGE_SECONDS = 300  # how old X-Chatwoot-Timestamp may be (either way, for clock skew)
CONVERSATION_EVENTS = (
    "conversation_created",
    "conversation_updated",
    "conversation_status_changed",
)
MESSAGE_EVENTS = ("message_created",)
# message_type as the webhook sends it (a name), or as push data does (the enum's number).
SENT_BY = {
    "incoming": "consumer",
    "outgoing": "agent",
    "template": "agent",
    0: "consumer",
    1: "agent",
    3: "agent",
}


def chatwoot_signature_check(
    *, secret: str, signature: str, timestamp: str, body: bytes, now: datetime
) -> None:
    """``X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{raw body}">`` with a
    fresh ``X-Chatwoot-Timestamp``; raises ``DeliveryRefused`` (401) otherwise."""
    if not secret:
        raise DeliveryRefused(401, "no_secret", "No webhook secret is set for this account yet.")
    if not signature or not timestamp:
        raise DeliveryRefused(401, "unsigned", "Unsigned deliveries are refused.")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise DeliveryRefused(401, "bad_timestamp", "X-Chatwoot-Timestamp must be Unix seconds.")
    if abs(now.timestamp() - int(timestamp)) > MAX_AGE_SECONDS:
        raise DeliveryRefused(401, "stale", "X-Chatwoot-Timestamp is too old or in the future.")
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    expected = "sha256=" + digest.hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise DeliveryRefused(401, "bad_signature", "The signature does not match.")


def _moment(value: Any) -> datetime | None:
    """Unix seconds (push data) or an ISO 8601 string (a message's ``created_at``)."""
    seconds = number(value)
    if seconds is not None and seconds > 946_684_800:  # after 2000
        return datetime.fromtimestamp(float(seconds), tz=UTC)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return None


def _visitor_id(account: PlatformAccount, contact: dict[str, Any]) -> str:
    """The contact's ``identifier`` (what the website calls the visitor, so its engagement
    attributes meet the chat), else the contact id inside this account's namespace."""
    identifier = contact.get("identifier")
    if isinstance(identifier, str) and 0 < len(identifier.strip()) <= 120:
        return identifier.strip()
    contact_id = text_id(contact.get("id"))
    if not contact_id:
        raise InputRejected([Problem("meta.sender.id", "required", "The contact has no id.")])
    return namespaced_visitor_id(account, "contact", contact_id)


def _named(value: Any) -> tuple[str, str, str]:
    """(id, name, e-mail) of an assignee, team or inbox object; ids only when it is an object."""
    if not isinstance(value, dict):
        return "", "", ""
    name = value.get("available_name") or value.get("name") or ""
    email = value.get("email") or ""
    return text_id(value.get("id")), str(name)[:200], str(email)[:254] if "@" in str(email) else ""


def _routing(
    account: PlatformAccount,
    conv: dict[str, Any],
    meta: dict[str, Any],
    handled: Handled,
    now: datetime,
    inbox_name: str,
) -> tuple[ExternalRef | None, Skill | None]:
    """The assignee's ref and the skill from the team's mapping, else the inbox's."""
    agent_id, agent_name, agent_email = _named(meta.get("assignee"))
    team_id, team_name, _email = _named(meta.get("team"))
    inbox_id = text_id(conv.get("inbox_id"))
    agent = agent_id and ref_seen(
        account=account,
        kind=RefKind.AGENT,
        external_id=agent_id,
        now=now,
        label=agent_name,
        email=agent_email,
    )
    team = team_id and ref_seen(
        account=account, kind=RefKind.TEAM, external_id=team_id, now=now, label=team_name
    )
    inbox = inbox_id and ref_seen(
        account=account, kind=RefKind.INBOX, external_id=inbox_id, now=now, label=inbox_name
    )
    # A team is the more specific routing: its skill wins over the inbox's.
    skill = (team.skill if team else None) or (inbox.skill if inbox else None)
    handled.note_refs(
        agent or None, None if skill else team or None, None if skill else inbox or None
    )
    return agent or None, skill


def _state(
    account: PlatformAccount, conv: dict[str, Any], handled: Handled, now: datetime, inbox_name: str
) -> ConversationState:
    external_id = text_id(conv.get("id"))
    if not external_id:
        raise InputRejected([Problem("id", "required", "The conversation has no id.")])
    meta = conv.get("meta") if isinstance(conv.get("meta"), dict) else {}
    contact = meta.get("sender") if isinstance(meta.get("sender"), dict) else {}
    agent, skill = _routing(account, conv, meta, handled, now, inbox_name)
    changed = _moment(conv.get("updated_at")) or _moment(conv.get("timestamp")) or now
    web = conv.get("channel") in (None, "Channel::WebWidget")
    return ConversationState(
        external_id=external_id,
        visitor_id=_visitor_id(account, contact),
        started_at=_moment(conv.get("created_at")) or now,
        is_open=conv.get("status") != "resolved",
        changed_at=changed,
        # No "last changed" time at all: no ordering either (never judged stale).
        version=micros(conv.get("updated_at")) or micros(conv.get("timestamp")),
        agent=agent,
        skill=skill,
        channel=Conversation.Channel.CHAT if web else Conversation.Channel.MESSAGING,
    )


def chatwoot_apply(*, account: PlatformAccount, document: Any, now: datetime) -> Handled:
    """Act on one Chatwoot event; raises ``InputRejected`` (422, nothing stored) when the body
    lacks what the event needs."""
    document = required_object(document, "")
    event = document.get("event")
    handled = Handled()
    if event in CONVERSATION_EVENTS:
        conv, inbox_name = document, ""
    elif event in MESSAGE_EVENTS:
        conv = required_object(document.get("conversation"), "conversation")
        inbox_name = _named(document.get("inbox"))[1]
        _sender_seen(account, document, handled, now)  # first: its e-mail may map the assignee
    else:
        handled.outcome = "ignored"
        handled.notes.append(f"{str(event)[:60]!r} is not an event we use")
        return handled
    state = _state(account, conv, handled, now, inbox_name)
    applied = conversation_state_apply(account=account, state=state, now=now)
    handled.notes.append(f"conversation {state.external_id}: {applied.note}")
    if applied.conversation is not None:
        handled.conversations.append(applied.conversation.external_id)
    if event in MESSAGE_EVENTS:
        _message(account, document, state.external_id, handled, now)
    return handled


def _sender_seen(account: PlatformAccount, message: dict[str, Any], handled: Handled, now) -> None:
    """An agent's message carries their e-mail (the assignee in push data does not)."""
    sender = message.get("sender") if isinstance(message.get("sender"), dict) else {}
    agent_id, name, email = _named(sender)
    if sender.get("type") == "user" and agent_id:
        ref = ref_seen(
            account=account,
            kind=RefKind.AGENT,
            external_id=agent_id,
            now=now,
            label=name,
            email=email,
        )
        handled.note_refs(ref)


def _message(
    account: PlatformAccount, message: dict[str, Any], conversation_id: str, handled: Handled, now
) -> None:
    content = message.get("content")
    sent_by = SENT_BY.get(message.get("message_type"))
    if message.get("private") is True:
        handled.notes.append("private note: not part of the customer transcript")
    elif sent_by is None:
        handled.notes.append("activity message: not part of the transcript")
    elif not isinstance(content, str) or not content.strip():
        handled.notes.append("message without text (an attachment): not stored")
    else:
        sent_at = _moment(message.get("created_at")) or now
        text = content[: Message._meta.get_field("text").max_length]
        added = messages_apply(
            account=account,
            external_id=conversation_id,
            messages=[(sent_by, text, sent_at)],
            now=now,
        )
        handled.notes.append("message added" if added else "message already stored")
