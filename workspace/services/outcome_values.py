"""An agent-reported outcome's values: kept to the fields its configuration shows, read back
from the event's typed columns, and shaped as the LivePerson SDE it stands for. The values come
in clean (``workspace.forms.outcomes.OutcomeForm`` is their one validator)."""

from decimal import Decimal
from typing import Any

from campaigns.catalogue import AttributeType
from campaigns.models import AttributeConfig
from campaigns.money import minor_units
from workspace.models import EngagementAttributeEvent

MONEY_KEYS = {AttributeType.PURCHASE: "total", AttributeType.LEAD: "value"}
ID_KEYS = {
    AttributeType.PURCHASE: "orderId",
    AttributeType.LEAD: "leadId",
    AttributeType.SERVICE: "serviceId",
}


def event_values(event: EngagementAttributeEvent) -> dict[str, Any]:
    """The flat property values of an agent-reportable event, read from its typed columns
    (money quantized to its currency's minor unit, with ``currency``)."""
    values: dict[str, Any] = {}
    money_key = MONEY_KEYS.get(event.attribute_type)
    if money_key and event.amount is not None:
        places = minor_units(event.currency)
        values[money_key] = event.amount.quantize(Decimal(1).scaleb(-places))
        values["currency"] = event.currency
    id_key = ID_KEYS.get(event.attribute_type)
    if id_key and event.action_id:
        values[id_key] = event.action_id
    if event.topic:
        values["topic"] = event.topic
    if event.status is not None:
        values["status"] = event.status
    if event.category:
        values["category"] = event.category
    return values


def json_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def sde_payload(attribute_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """The event as a LivePerson SDE, as the API would have received it."""
    flat = json_values(values)
    if attribute_type == AttributeType.PURCHASE:
        return {"type": attribute_type, **flat}
    return {"type": attribute_type, attribute_type: flat}


def configured_values(
    config: AttributeConfig, values: dict[str, Any], currency: str
) -> dict[str, Any]:
    """The clean ``values`` of the fields configured for the type, with ``currency`` beside an
    amount. A field the configuration does not show is not stored (a tampered post, or a field
    removed since the form was drawn)."""
    kept = {
        field.property_key: values[field.property_key]
        for field in config.fields.all()
        if field.property_key in values
    }
    if MONEY_KEYS.get(config.attribute_type) in kept:
        kept["currency"] = currency
    return kept
