"""Demo data: one Chatwoot account with its mappings and two deliveries received through the
real receiver's services (called from ``manage.py seed_demo``)."""

from datetime import datetime, timedelta

from campaigns.models import Skill, User
from workspace.platforms.models import ExternalRef, Platform, PlatformAccount, RefKind
from workspace.platforms.services.chatwoot import chatwoot_apply
from workspace.platforms.services.receiving import delivery_receive

DEMO_SLUG = "demo-chatwoot"
# The demo account's webhook secret, so that a developer can sign a sample delivery by hand
# (docs/integrations.md, "Trying it"); real accounts get the secret their Chatwoot shows.
DEMO_SECRET = "demo-chatwoot-secret"  # noqa: S105 - demo data only
# (kind, Chatwoot id, label, e-mail, our agent's username or skill name; "" = needs mapping)
REFS = [
    (RefKind.AGENT, "12", "Sara Silva", "agent7@example.com", "agent7"),
    (RefKind.AGENT, "14", "Jo Temp", "jo.temp@example.net", ""),
    (RefKind.INBOX, "1", "Website", "", "Sales"),
    (RefKind.TEAM, "3", "Billing EU", "", "Billing"),
    (RefKind.INBOX, "2", "WhatsApp", "", ""),
]


def seed_platforms(*, now: datetime) -> PlatformAccount:
    """The demo Chatwoot account (idempotent)."""
    account, _created = PlatformAccount.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "platform": Platform.CHATWOOT,
            "name": "Acme support (Chatwoot)",
            "account_ref": "1",
            "signing_secret": DEMO_SECRET,
            "created_at": now,
            "created_by": User.objects.filter(username="admin").first(),
        },
    )
    for kind, external_id, label, email, target in REFS:
        fields = {"label": label, "email": email, "first_seen_at": now, "last_seen_at": now}
        if kind == RefKind.AGENT:
            fields["agent"] = User.objects.filter(username=target).first() if target else None
        else:
            fields["skill"] = Skill.objects.filter(name=target).first() if target else None
        ExternalRef.objects.get_or_create(
            account=account, kind=kind, external_id=external_id, sequence=1, defaults=fields
        )
    for key, document in _deliveries(now):
        delivery_receive(
            account=account,
            key=key,
            event=document["event"],
            now=now,
            apply=lambda document=document: chatwoot_apply(
                account=account, document=document, now=now
            ),
        )
    return account


def _deliveries(now: datetime) -> list[tuple[str, dict]]:
    started = now - timedelta(hours=2)
    conversation = {
        "id": 1001,
        "inbox_id": 1,
        "channel": "Channel::WebWidget",
        "status": "open",
        "meta": {
            "sender": {"id": 88, "name": "Rui Lopes", "identifier": None, "type": "contact"},
            "assignee": {"id": 12, "name": "Sara Silva", "type": "user"},
            "team": None,
        },
        "created_at": int(started.timestamp()),
        "updated_at": started.timestamp(),
        "account_id": 1,
        "event": "conversation_created",
    }
    message = {
        "id": 50001,
        "content": "Hi! Do you ship the blue kettle to Porto?",
        "created_at": (started + timedelta(minutes=1)).isoformat(),
        "message_type": "incoming",
        "private": False,
        "sender": {"id": 88, "name": "Rui Lopes", "type": "contact"},
        "inbox": {"id": 1, "name": "Website"},
        "conversation": {k: v for k, v in conversation.items() if k != "event"},
        "account": {"id": 1, "name": "Acme"},
        "event": "message_created",
    }
    return [("demo-delivery-1", conversation), ("demo-delivery-2", message)]
