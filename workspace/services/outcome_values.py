"""An agent-reported outcome's values: validated against its configuration and the catalogue,
read back from the event's typed columns, and shaped as the LivePerson SDE it stands for."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns.catalogue import CATALOGUE, AttributeType, PropertyKind, ServiceStatus
from campaigns.models import AttributeConfig
from campaigns.money import minor_units, parse_money, validate_currency
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


def clean_values(
    config: AttributeConfig, values: dict[str, Any], currency: str
) -> tuple[dict[str, Any], str]:
    """Keep only the configured fields, validated as the catalogue says (strict money)."""
    definition = CATALOGUE[config.attribute_type]
    currency = validate_currency(currency)
    cleaned: dict[str, Any] = {}
    for field in config.fields.all():
        value = values.get(field.property_key)
        if value in (None, ""):
            continue
        prop = definition.property(field.property_key)
        if prop.kind == PropertyKind.MONEY:
            value = parse_money(value, currency)
        elif prop.kind == PropertyKind.STATUS:
            if int(value) not in ServiceStatus.values:
                raise ValidationError(_("Choose a status from the list."), code="status")
            value = int(value)
        elif len(str(value)) > prop.max_length:
            raise ValidationError(_("That text is too long."), code="max_length")
        cleaned[field.property_key] = value
    if not cleaned:
        raise ValidationError(_("Fill in at least one field."), code="empty")
    if any(key in cleaned for key in MONEY_KEYS.values()):
        cleaned["currency"] = currency
    return cleaned, currency
