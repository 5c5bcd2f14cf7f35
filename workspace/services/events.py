"""What every engagement attribute event needs, whoever reports it (widget, survey, manager or
API): typed columns derived from the SDE values, the de-duplication key, and the last-reported
time that the Campaign Builder's data indicator reads."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from campaigns.catalogue import AttributeType
from campaigns.models import AttributeActivity


def dedupe_key_for(attribute_type: str, values: dict[str, Any]) -> str:
    """Same order ID, lead ID, or service ID + topic + status (trimmed, case-insensitive) is the
    same business fact, whoever reported it. Empty when the event carries no id."""

    def norm(value: Any) -> str:
        return str(value if value is not None else "").strip().casefold()

    if attribute_type == AttributeType.PURCHASE and norm(values.get("orderId")):
        return f"purchase:{norm(values['orderId'])}"
    if attribute_type == AttributeType.LEAD and norm(values.get("leadId")):
        return f"lead:{norm(values['leadId'])}"
    if attribute_type == AttributeType.SERVICE and norm(values.get("serviceId")):
        return "service:" + "|".join(norm(values.get(k)) for k in ("serviceId", "topic", "status"))
    return ""


def typed_columns(attribute_type: str, values: dict[str, Any], *, currency: str) -> dict[str, Any]:
    """The event's typed columns from already-validated values (amounts are Decimal).

    ``values`` uses LivePerson's property keys flattened: ``total``/``orderId`` for a purchase,
    ``topic``/``value``/``leadId`` for a lead, ``topic``/``status``/``category``/``serviceId``
    for a service activity.
    """
    columns: dict[str, Any] = {
        "amount": None,
        "currency": "",
        "action_id": "",
        "topic": "",
        "status": None,
        "category": "",
    }
    if attribute_type == AttributeType.PURCHASE:
        columns.update(action_id=values.get("orderId") or "")
        amount = values.get("total")
    elif attribute_type == AttributeType.LEAD:
        columns.update(action_id=values.get("leadId") or "", topic=values.get("topic") or "")
        amount = values.get("value")
    elif attribute_type == AttributeType.SERVICE:
        columns.update(
            action_id=values.get("serviceId") or "",
            topic=values.get("topic") or "",
            category=values.get("category") or "",
            status=values.get("status"),
        )
        amount = None
    else:
        amount = None
    if amount is not None:
        columns.update(amount=Decimal(amount), currency=currency)
    columns["dedupe_key"] = dedupe_key_for(attribute_type, values)
    return columns


def attribute_activity_touch(attribute_types: set[str], *, at: datetime) -> None:
    """Record that these types were reported at ``at`` (kept as the latest time seen)."""
    for attribute_type in attribute_types:
        updated = AttributeActivity.objects.filter(
            attribute_type=attribute_type, last_reported_at__lt=at
        ).update(last_reported_at=at)
        if not updated:
            AttributeActivity.objects.get_or_create(
                attribute_type=attribute_type, defaults={"last_reported_at": at}
            )
