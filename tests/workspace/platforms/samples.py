"""The platforms' own payloads, as their sources build them, for replay over HTTP.

Chatwoot (chatwoot/chatwoot):
- conversation events: ``Conversation#webhook_data`` (app/models/concerns/push_data_helper.rb)
  = ``Conversations::EventDataPresenter#push_data`` (app/presenters/conversations/
  event_data_presenter.rb) + ``id`` and ``account_id``, merged with ``event`` and, for updates
  and status changes, ``changed_attributes`` (app/listeners/webhook_listener.rb). ``meta.sender``
  is ``Contact#push_event_data`` (app/models/contact.rb), ``meta.assignee``
  ``User#push_event_data`` (app/models/user.rb: no e-mail), ``meta.team`` ``{id, name}``.
- ``message_created``: ``Message#webhook_data`` (app/models/message.rb): ``created_at`` is a
  time string, ``message_type`` a name, ``private`` a boolean, ``sender`` ``User#webhook_data``
  (with e-mail) or the contact's, ``conversation`` the conversation's webhook data.
- Signature: ``X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{raw body}">``,
  ``X-Chatwoot-Timestamp``, ``X-Chatwoot-Delivery`` (chatwoot/chatwoot PR #13573).

LivePerson (developers.liveperson.com, "Webhooks: notification protocol and security" and the
conversation state change notification pages): ``cqm.ExConversationChangeNotification`` with
``body.changes[].result.convId`` and ``conversationDetails``; the close sample's shape is the one
LivePerson's connector samples replay; ``x-liveperson-signature: sha1=<base64 HMAC-SHA1 of the
raw body with the client secret>``.
"""

import base64
import copy
import hashlib
import hmac
import json
import uuid
from datetime import datetime

CONTACT = {
    "additional_attributes": {"city": "Lisbon"},
    "custom_attributes": {},
    "email": "rita@example.net",
    "id": 501,
    "identifier": "web-visitor-8812",
    "name": "Rita Costa",
    "phone_number": None,
    "thumbnail": "",
    "type": "contact",
}
ASSIGNEE = {
    "id": 12,
    "name": "Ana Silva",
    "available_name": "Ana Silva",
    "avatar_url": "",
    "type": "user",
    "availability_status": "online",
    "thumbnail": "",
}
TEAM = {"id": 3, "name": "Sales EU"}


def chatwoot_conversation(
    event: str,
    *,
    conversation_id: int = 42,
    status: str = "open",
    at: datetime,
    created: datetime | None = None,
    assignee: dict | None = ASSIGNEE,
    team: dict | None = TEAM,
    contact: dict | None = None,
    changed: list | None = None,
) -> dict:
    created = created or at
    payload = {
        "additional_attributes": {"browser": {"browser_name": "Firefox"}},
        "can_reply": True,
        "channel": "Channel::WebWidget",
        "contact_inbox": {"id": 77, "contact_id": 501, "inbox_id": 1, "source_id": "a1b2"},
        "id": conversation_id,
        "inbox_id": 1,
        "messages": [],
        "labels": [],
        "meta": {
            "sender": copy.deepcopy(contact or CONTACT),
            "assignee": copy.deepcopy(assignee),
            "assignee_type": "User" if assignee else None,
            "team": copy.deepcopy(team),
            "hmac_verified": False,
        },
        "status": status,
        "custom_attributes": {},
        "snoozed_until": None,
        "unread_count": 0,
        "first_reply_created_at": None,
        "priority": None,
        "waiting_since": int(created.timestamp()),
        "agent_last_seen_at": 0,
        "contact_last_seen_at": 0,
        "last_activity_at": int(at.timestamp()),
        "timestamp": int(at.timestamp()),
        "created_at": int(created.timestamp()),
        "updated_at": round(at.timestamp(), 6),
        "account_id": 1,
        "event": event,
    }
    if changed is not None:
        payload["changed_attributes"] = changed
    return payload


def chatwoot_message(
    *,
    content: str,
    message_type: str = "incoming",
    private: bool = False,
    at: datetime,
    conversation: dict,
    message_id: int = 9001,
    sender: dict | None = None,
) -> dict:
    conv = {k: v for k, v in conversation.items() if k not in ("event", "changed_attributes")}
    if sender is None:
        sender = (
            {"id": 501, "name": "Rita Costa", "avatar": "", "type": "contact"}
            if message_type == "incoming"
            else {"id": 12, "name": "Ana Silva", "email": "ana@example.com", "type": "user"}
        )
    return {
        "id": message_id,
        "content": content,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "message_type": message_type,
        "content_type": "text",
        "private": private,
        "content_attributes": {},
        "source_id": None,
        "sender": sender,
        "inbox": {"id": 1, "name": "Website"},
        "conversation": conv,
        "account": {"id": 1, "name": "Acme"},
        "event": "message_created",
    }


def chatwoot_headers(body: bytes, secret: str, *, timestamp: int, delivery: str = "") -> dict:
    """Headers as Chatwoot sends them, for the Django test client (``HTTP_`` names)."""
    signed = str(timestamp).encode() + b"." + body
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {
        "HTTP_X_CHATWOOT_SIGNATURE": f"sha256={signature}",
        "HTTP_X_CHATWOOT_TIMESTAMP": str(timestamp),
        "HTTP_X_CHATWOOT_DELIVERY": delivery or str(uuid.uuid4()),
    }


def liveperson_change(
    *,
    conversation_id: str = "b8b83fe9-75f0-46f2-baaa-2930f7192cfb",
    state: str = "OPEN",
    start_ms: int,
    updated_ms: int,
    agent: str | None = "42257269.1290",
    skill: str = "1743",
    site: str = "42257269",
) -> dict:
    participants = [
        {
            "id": "2969e404f3be1c8cdda63f0b72d205ab5afb3fe3e3d7d72ab58245f564fdfd91",
            "role": "CONSUMER",
        },
        {"id": "52e05c00-d5e4-5823-acf7-62570b939a63", "role": "CONTROLLER"},
    ]
    if agent:
        participants.append({"id": agent, "role": "ASSIGNED_AGENT"})
    details = {
        "skillId": skill,
        "participants": participants,
        "dialogs": [
            {
                "dialogId": conversation_id,
                "participantsDetails": participants,
                "dialogType": "MAIN",
                "channelType": "MESSAGING",
                "state": state,
                "creationTs": start_ms,
                "metaDataLastUpdateTs": updated_ms,
            }
        ],
        "brandId": site,
        "state": state,
        "stage": state,
        "startTs": start_ms,
        "metaDataLastUpdateTs": updated_ms,
        "ttr": {"ttrType": "PRIORITIZED", "value": 600},
    }
    if state == "CLOSE":
        details.update(closeReason="AGENT", endTs=updated_ms)
    return {
        "kind": "notification",
        "body": {
            "sentTs": updated_ms,
            "changes": [
                {
                    "type": "UPSERT",
                    "result": {
                        "convId": conversation_id,
                        "effectiveTTR": -1,
                        "conversationDetails": details,
                    },
                }
            ],
        },
        "type": "cqm.ExConversationChangeNotification",
    }


def liveperson_headers(
    body: bytes, secret: str, *, site: str = "42257269", client_id: str = "lp-client"
) -> dict:
    digest = hmac.new(secret.encode(), body, hashlib.sha1).digest()
    return {
        "HTTP_X_LIVEPERSON_SIGNATURE": "sha1=" + base64.b64encode(digest).decode(),
        "HTTP_X_LIVEPERSON_ACCOUNT_ID": site,
        "HTTP_X_LIVEPERSON_CLIENT_ID": client_id,
    }


def dumps(payload: dict) -> bytes:
    return json.dumps(payload).encode()
