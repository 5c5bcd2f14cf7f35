"""Demo data: one example endpoint, switched off, so the pages show what an admin sees (called
from ``manage.py seed_demo``)."""

from datetime import datetime

from workspace.webhooks.models import Endpoint, EventType
from workspace.webhooks.signing import secret_generate

DEMO_URL = "https://crm.example.com/hooks"


def seed_webhooks(*, now: datetime) -> Endpoint:
    """The example CRM endpoint (idempotent). Switched off: example.com receives nothing."""
    endpoint, _created = Endpoint.objects.get_or_create(
        url=DEMO_URL,
        defaults={
            "description": "Example CRM (switch on once it points at your own receiver)",
            "event_types": sorted(EventType.values),
            "secret": secret_generate(),
            "enabled": False,
            "disabled_reason": Endpoint.DisabledReason.ADMIN,
            "disabled_at": now,
            "created_at": now,
        },
    )
    return endpoint
