"""Reads for the audit log page."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.audit_wording import SIGN_IN_PREFIX, describe
from campaigns.models import AuditEntry, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


def _shown(value: Any) -> Any:
    """Lists (skills, fields, options) read as "a, b, c" rather than Python's repr."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return value


def audit_changes(entry: AuditEntry) -> list[Change]:
    """The fields that differ between ``before`` and ``after`` (all of them for a create or
    a delete), in a stable order."""
    before, after = entry.before or {}, entry.after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [
        Change(name, _shown(before.get(name)), _shown(after.get(name)))
        for name in names
        if before.get(name) != after.get(name) or not (entry.before and entry.after)
    ]


def audit_entries(
    *,
    actor: User | None = None,
    object_type: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    query: str = "",
    kind: str = "changes",
) -> QuerySet[AuditEntry]:
    """Entries matching the filters, newest first. ``kind``: "changes" (the default: sign-ins
    and sign-outs would flood it), "sign_ins" (only those), or "all"."""
    entries = AuditEntry.objects.select_related("actor")
    if action:
        pass  # a chosen action says which kind it is
    elif kind == "changes":
        entries = entries.exclude(action__startswith=SIGN_IN_PREFIX)
    elif kind == "sign_ins":
        entries = entries.filter(action__startswith=SIGN_IN_PREFIX)
    if actor is not None:
        entries = entries.filter(actor=actor)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if action:
        entries = entries.filter(action=action)
    zone = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, zone))
    if date_to:
        entries = entries.filter(
            at__lt=datetime.combine(date_to + timedelta(days=1), time.min, zone)
        )
    if query:
        entries = entries.filter(object_repr__icontains=query)
    return entries.order_by("-at", "-id")


def audit_page(entries: QuerySet[AuditEntry], number: object) -> Page:
    """One page of entries, each with its ``changes`` worked out."""
    page = Paginator(entries, PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.changes = audit_changes(entry)
        entry.description = describe(entry)
    return page


def audit_filter_choices() -> dict[str, list]:
    """The object types and actions present, and the people who made changes."""
    return {
        "object_types": list(
            AuditEntry.objects.order_by("object_type")
            .values_list("object_type", flat=True)
            .distinct()
        ),
        "actions": list(
            AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        ),
    }
