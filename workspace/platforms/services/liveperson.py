"""LivePerson messaging: the conversation state change notifications
(``cqm.ExConversationChangeNotification``) that LivePerson's webhooks deliver to an installed
application.

Shapes and signature: LivePerson developer center, "Webhooks: notification protocol and
security" (``x-liveperson-account-id``, ``x-liveperson-client-id``,
``x-liveperson-signature: sha1=<base64 HMAC-SHA1 of the raw body with the client secret>``; some
accounts use ``sha256=`` and hex) and the conversation change notification pages
(``body.changes[].result.convId`` and ``conversationDetails``). Assumptions are in
docs/integrations.md.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from workspace.models import Conversation
from workspace.platforms.models import PlatformAccount, RefKind
from workspace.platforms.services.conversations import ConversationState, conversation_state_apply
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

NOTIFICATION = "cqm.ExConversationChangeNotification"
ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
NO_SKILL = "-1"


def liveperson_signature_check(
    *, account: PlatformAccount, signature: str, account_id: str, client_id: str, body: bytes
) -> None:
    """The account and client headers name this installation, and the signature is the
    installation secret's HMAC of the raw body; raises ``DeliveryRefused`` (401) otherwise."""
    if not account.signing_secret:
        raise DeliveryRefused(401, "no_secret", "No client secret is set for this account yet.")
    if not signature:
        raise DeliveryRefused(401, "unsigned", "Unsigned deliveries are refused.")
    if account_id.strip() != account.account_ref:
        raise DeliveryRefused(401, "wrong_account", "x-liveperson-account-id is not this site.")
    if account.client_id and client_id.strip() != account.client_id:
        raise DeliveryRefused(401, "wrong_client", "x-liveperson-client-id is not this app.")
    name, _eq, sent = signature.strip().partition("=")
    algorithm = ALGORITHMS.get(name.lower())
    if algorithm is None or not sent:
        raise DeliveryRefused(401, "bad_signature", "The signature does not match.")
    digest = hmac.new(account.signing_secret.encode(), body, algorithm).digest()
    expected = (base64.b64encode(digest).decode(), digest.hex())
    if not any(hmac.compare_digest(value.encode(), sent.encode()) for value in expected):
        raise DeliveryRefused(401, "bad_signature", "The signature does not match.")


def _participants(details: dict[str, Any]) -> dict[str, list[str]]:
    """Ids by role, from a list of ``{id, role}`` or from ``{ROLE: [ids]}``."""
    raw = details.get("participants")
    found: dict[str, list[str]] = {}
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and text_id(item.get("id")):
                found.setdefault(str(item.get("role", "")).upper(), []).append(text_id(item["id"]))
    elif isinstance(raw, dict):
        for role, ids in raw.items():
            if isinstance(ids, list):
                found[str(role).upper()] = [text_id(i) for i in ids if text_id(i)]
    return found


def _ms(value: Any) -> datetime | None:
    millis = number(value)
    if millis is None or millis <= 946_684_800_000:  # after 2000
        return None
    return datetime.fromtimestamp(float(millis) / 1000, tz=UTC)


def _state(
    account: PlatformAccount, result: dict[str, Any], handled: Handled, now: datetime, path: str
) -> ConversationState:
    conversation_id = text_id(result.get("convId"))
    details = result.get("conversationDetails")
    if not conversation_id or not isinstance(details, dict):
        raise InputRejected([Problem(path, "required", "Needs convId and conversationDetails.")])
    roles = _participants(details)
    consumer = (roles.get("CONSUMER") or [""])[0]
    agent_id = (roles.get("ASSIGNED_AGENT") or [""])[0]
    skill_id = text_id(details.get("skillId"))
    agent = agent_id and ref_seen(
        account=account, kind=RefKind.AGENT, external_id=agent_id, now=now
    )
    skill_ref = None
    if skill_id and skill_id != NO_SKILL:
        skill_ref = ref_seen(account=account, kind=RefKind.SKILL, external_id=skill_id, now=now)
    handled.note_refs(agent or None, skill_ref)
    started = _ms(details.get("startTs")) or now
    is_open = str(details.get("state", "")).upper() != "CLOSE"
    changed = (None if is_open else _ms(details.get("endTs"))) or _ms(
        details.get("metaDataLastUpdateTs")
    )
    visitor = namespaced_visitor_id(
        account, "consumer", consumer or f"conversation-{conversation_id}"
    )
    return ConversationState(
        external_id=conversation_id,
        visitor_id=visitor,
        started_at=started,
        is_open=is_open,
        changed_at=changed or now,
        version=micros(details.get("metaDataLastUpdateTs"), unit=1000),
        agent=agent or None,
        skill=skill_ref.skill if skill_ref else None,
        channel=Conversation.Channel.MESSAGING,
    )


def liveperson_apply(*, account: PlatformAccount, document: Any, now: datetime) -> Handled:
    """Act on every change of one notification; raises ``InputRejected`` (422, nothing stored)
    when a change lacks what it needs."""
    document = required_object(document, "")
    handled = Handled()
    if document.get("type") != NOTIFICATION:
        handled.outcome = "ignored"
        handled.notes.append(f"{str(document.get('type'))[:60]!r} is not a notification we use")
        return handled
    body = required_object(document.get("body"), "body")
    changes = body.get("changes")
    if not isinstance(changes, list):
        raise InputRejected([Problem("body.changes", "required", "Must be a list.")])
    for index, change in enumerate(changes):
        path = f"body.changes[{index}]"
        change = required_object(change, path)
        if change.get("type") == "DELETE":
            handled.notes.append(f"{path}: DELETE ignored")
            continue
        state = _state(account, required_object(change.get("result"), path), handled, now, path)
        applied = conversation_state_apply(account=account, state=state, now=now)
        handled.notes.append(f"conversation {state.external_id}: {applied.note}")
        if applied.conversation is not None:
            handled.conversations.append(applied.conversation.external_id)
    return handled
