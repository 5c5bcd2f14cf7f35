"""The audit log: one writer, used by every service that changes configuration or outcomes."""

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from campaigns.models import AuditEntry
from outcomes_site.rows import insert_rows


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """Write one audit entry: who (``actor``), when, what (``obj``), before and after."""
    entry = AuditEntry(
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        reason=reason,
    )
    insert_rows([entry])
    return entry


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe picture of ``fields`` of ``obj``, for an audit entry's before or after."""
    picture: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = str(value)
        elif hasattr(value, "all"):
            value = sorted(str(item) for item in value.all())
        elif not isinstance(value, (str, int, float, bool, type(None))):
            value = str(value)
        picture[name] = value
    return picture
