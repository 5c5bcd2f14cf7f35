"""Demo customer-reported engagement attributes, sent through the ingest service exactly as the
API would store them: a demo connector, SDEs of most types on demo conversations, and a few left
on visitors only (for cross-session attribution). Idempotent: a second run finds them and stops.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from campaigns.models import Connector
from campaigns.services.connectors import connector_create
from workspace.demo import DEMO_PREFIX
from workspace.models import AGENT_SOURCES, Conversation, EngagementAttributeEvent, EventSource
from workspace.services.ingest import engagement_attributes_ingest

CONNECTOR_NAME = "Website (demo)"
FALLBACK_DUPLICATE_ORDER = "ORD-1001"
PRODUCTS = [
    ("Team plan", "plans", "TP-1", "124.75"),
    ("Annual plan", "plans", "AP-1", "399.00"),
    ("Extra seats", "add-ons", "XS-5", "49.50"),
]


def _demo_connector() -> Connector:
    connector = Connector.objects.filter(name=CONNECTOR_NAME).first()
    if connector is None:
        connector, _key = connector_create(name=CONNECTOR_NAME, actor=None)  # key never shown
    return connector


def _purchase(rng: random.Random, order_id: str, currency: str) -> dict[str, Any]:
    name, category, sku, price = rng.choice(PRODUCTS)
    quantity = rng.randint(1, 3)
    total = f"{float(price) * quantity:.2f}"
    product = {"name": name, "category": category, "sku": sku, "price": price}
    return {
        "type": "purchase",
        "total": total,
        "currency": currency,
        "orderId": order_id,
        "cart": {"numItems": quantity, "products": [{"product": product, "quantity": quantity}]},
    }


def _session_sdes(rng: random.Random, n: int, skill: str) -> list[dict[str, Any]]:
    """What a website reports during one conversation, by the conversation's skill."""
    sdes: list[dict[str, Any]] = [
        {"type": "mrktInfo", "info": {"channel": rng.randint(0, 6), "campaignId": "spring"}},
        {"type": "ctmrinfo", "info": {"customerId": f"CUST-{3000 + n}", "ctype": "gold"}},
    ]
    if skill == "Sales":
        sdes.append(
            {
                "type": "prodView",
                "currency": "USD",
                "products": [{"product": {"name": "Team plan", "sku": "TP-1", "price": "124.75"}}],
            }
        )
        sdes.append(_purchase(rng, f"ORD-{2000 + n}", "EUR" if n % 3 == 0 else "USD"))
        sdes.append(
            {
                "type": "lead",
                "lead": {
                    "topic": "Team plan trial",
                    "value": "300",
                    "currency": "USD",
                    "leadId": f"WEB-LEAD-{n}",
                },
            }
        )
    elif skill == "Billing":
        sdes.append(
            {
                "type": "service",
                "service": {
                    "topic": "Refund",
                    "status": 0,
                    "category": "Billing",
                    "serviceId": f"WEB-SRV-{n}",
                },
            }
        )
    elif skill == "Tech support":
        sdes.append({"type": "searchInfo", "keywords": ["app logs me out"]})
        sdes.append(
            {
                "type": "error",
                "error": {
                    "contextId": "login",
                    "code": "E-SESSION",
                    "message": "Session expired",
                    "resolved": False,
                },
            }
        )
    else:
        sdes.append({"type": "searchInfo", "keywords": ["reset password"]})
        sdes.append({"type": "personal", "personal": {"firstname": "Sam", "language": "en-US"}})
    return sdes


def _duplicate_order_id() -> str:
    """An order ID an agent already reported, so the reports show a cross-source duplicate."""
    event = (
        EngagementAttributeEvent.objects.filter(source__in=AGENT_SOURCES, attribute_type="purchase")
        .exclude(action_id="")
        .order_by("pk")
        .first()
    )
    return event.action_id if event else FALLBACK_DUPLICATE_ORDER


def seed_customer_events(*, now: datetime) -> None:
    """Customer-reported events through the ingest service, a demo connector (idempotent)."""
    connector = _demo_connector()
    if EngagementAttributeEvent.objects.filter(
        source=EventSource.SERVER_API, connector=connector
    ).exists():
        return
    rng = random.Random(20261124)  # noqa: S311 - demo data, not security
    conversations = list(
        Conversation.objects.filter(external_id__startswith=DEMO_PREFIX)
        .select_related("skill", "visitor")
        .order_by("external_id")
    )
    for n, conversation in enumerate(conversations[::4]):
        at = min(now, conversation.started_at + timedelta(minutes=rng.randint(1, 4)))
        sdes = _session_sdes(rng, n, conversation.skill.name if conversation.skill else "")
        if n == 0:
            sdes.append(_purchase(rng, _duplicate_order_id(), "USD"))
            sdes.append({"type": "cart", "total": "49.50", "currency": "USD", "numItems": 1})
        engagement_attributes_ingest(
            connector=connector,
            raw_sdes=sdes,
            visitor_id=conversation.visitor.external_id,
            conversation_id=conversation.external_id,
            occurred_at=at,
            now=now,
        )
    _seed_cross_session(connector, conversations, rng, now=now)


def _seed_cross_session(connector, conversations, rng: random.Random, *, now: datetime) -> None:
    """Purchases and leads a few days after a visitor's last conversation: no conversation is
    open or recently ended then, so they stay on the visitor."""
    last_by_visitor: dict[int, Conversation] = {}
    for conversation in sorted(conversations, key=lambda c: c.started_at):
        last_by_visitor[conversation.visitor_id] = conversation
    candidates = [
        c for c in last_by_visitor.values() if c.ended_at and c.ended_at < now - timedelta(days=4)
    ][:8]
    for n, conversation in enumerate(candidates):
        at = conversation.ended_at + timedelta(days=rng.choice([1, 2, 3]))
        sdes = [
            _purchase(rng, f"ORD-{2500 + n}", "EUR" if n % 2 else "USD")
            if n % 3 != 2
            else {"type": "lead", "lead": {"topic": "Callback", "value": "120", "leadId": f"X-{n}"}}
        ]
        engagement_attributes_ingest(
            connector=connector,
            raw_sdes=sdes,
            visitor_id=conversation.visitor.external_id,
            occurred_at=at,
            now=now,
        )
