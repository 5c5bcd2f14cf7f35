"""What every engagement attribute event needs, whoever reports it (widget, survey, manager or
API): typed columns derived from the SDE values, the de-duplication key, and the last-reported
time that the Campaign Builder's data indicator reads."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import caches
from django.db import transaction

from campaigns.catalogue import AttributeType
from campaigns.models import AttributeActivity

# The data indicator says whether a type was reported in the last 24 hours, so its time need not
# be exact to the second: each app process writes a type's time at most once a minute. That
# keeps one row per type from being written (and locked) by every outcome of every agent
# (bench/README.md). The time this process wrote is kept in its own memory, the "local" cache.
ACTIVITY_RESOLUTION = timedelta(minutes=1)
ACTIVITY_CACHE = "local"


def _activity_key(attribute_type: str) -> str:
    return f"attribute-activity:v1:{attribute_type}"


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


def activity_due(attribute_types: Iterable[str], *, at: datetime) -> set[str]:
    """The types whose last-reported time this process has not written in the minute before
    ``at``: the others are left alone (``ACTIVITY_RESOLUTION``)."""
    attribute_types = set(attribute_types)
    written = caches[ACTIVITY_CACHE].get_many([_activity_key(t) for t in attribute_types])
    due = set()
    for attribute_type in attribute_types:
        last = written.get(_activity_key(attribute_type))
        if last is None or not last <= at < last + ACTIVITY_RESOLUTION:
            due.add(attribute_type)
    return due


def activity_written(attribute_types: set[str], *, at: datetime) -> None:
    """Remember the write once the transaction commits (a rolled-back one wrote nothing), for
    as long as it holds the next ones back."""
    written = {_activity_key(attribute_type): at for attribute_type in attribute_types}
    if written:
        timeout = ACTIVITY_RESOLUTION.total_seconds()
        transaction.on_commit(lambda: caches[ACTIVITY_CACHE].set_many(written, timeout=timeout))


def attribute_activity_touch(attribute_types: set[str], *, at: datetime) -> None:
    """Record that these types were reported at ``at`` (kept as the latest time seen), at most
    once a minute per type and process."""
    attribute_types = activity_due(attribute_types, at=at)
    activity_written(attribute_types, at=at)
    for attribute_type in attribute_types:
        updated = AttributeActivity.objects.filter(
            attribute_type=attribute_type, last_reported_at__lt=at
        ).update(last_reported_at=at)
        if not updated:
            AttributeActivity.objects.get_or_create(
                attribute_type=attribute_type, defaults={"last_reported_at": at}
            )
