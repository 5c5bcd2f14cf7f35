"""The read-only **Customer-reported data** panel: engagement attributes the customer's systems
sent through the ingest API for one conversation, with their connector and both times."""

from dataclasses import dataclass

from campaigns.catalogue import AttributeType
from workspace.models import Conversation, EngagementAttributeEvent, EventSource
from workspace.selectors.display import (
    flatten_payload,
    format_money,
    format_property,
    property_label,
)
from workspace.services.outcome_values import event_values

PANEL_LIMIT = 100


@dataclass
class CustomerEvent:
    event: EngagementAttributeEvent
    label: str
    rows: list[tuple[str, str]]


def _rows(event: EngagementAttributeEvent) -> list[tuple[str, str]]:
    """Typed columns where the type has them, then every other value of the received payload."""
    rows: list[tuple[str, str]] = []
    typed = event_values(event) if event.attribute_type in ("purchase", "lead", "service") else {}
    for key in typed:
        if key != "currency":
            label = property_label(event.attribute_type, key, {})
            rows.append((label, format_property(event.attribute_type, key, typed)))
    if not typed and event.amount is not None:
        rows.append(
            (property_label("purchase", "total", {}), format_money(event.amount, event.currency))
        )
    shown = set(typed) | ({"total", "currency"} if event.amount is not None else set())
    for path, value in flatten_payload(event.payload):
        if path.rsplit(".", 1)[-1] not in shown:
            rows.append((path, value))
    return rows


def customer_events_for(conversation: Conversation) -> list[CustomerEvent]:
    """Server API events of the conversation, newest first (at most ``PANEL_LIMIT``)."""
    events = (
        EngagementAttributeEvent.objects.filter(
            conversation=conversation, source=EventSource.SERVER_API
        )
        .select_related("connector")
        .order_by("-occurred_at", "-id")[:PANEL_LIMIT]
    )
    return [
        CustomerEvent(
            event=event,
            label=str(AttributeType(event.attribute_type).label)
            if event.attribute_type in AttributeType.values
            else event.attribute_type,
            rows=_rows(event),
        )
        for event in events
    ]
