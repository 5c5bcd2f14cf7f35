"""Customer-reported engagement attributes (SDEs) from the ingest API: check them all, attach them
to a conversation, store them in bulk with typed columns, all or nothing (SPEC sections 3 and 6).

Queries per request are constant in the number of SDEs: the visitor, the conversation and its
segments, and existing merge/replace rows are read once; new rows are inserted in one statement
and each merge/replace type's row updated in one (``outcomes_site/rows.py``).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from campaigns.catalogue import CATALOGUE, RepeatRule
from campaigns.models import AccountSettings, AttributeActivity, Connector
from outcomes_site.rows import first_row, insert_rows, update_row
from workspace.models import Conversation, EngagementAttributeEvent, EventSource, Segment, Visitor
from workspace.services.credit import GOAL_TYPES, credit_events
from workspace.services.events import (
    activity_due,
    activity_written,
    attribute_activity_touch,
    typed_columns,
)
from workspace.services.ingest_problems import InputNotFound, InputRejected, Problem
from workspace.services.ingest_sde import TYPE_FIELD, CleanSde, is_impression, sde_check
from workspace.webhooks.services.outbox import outbox_attributes_received

ATTACH_AFTER_END = timedelta(hours=12)
UPDATED_FIELDS = (
    "payload",
    "conversation",
    "connector",
    "agent",
    "skill",
    "occurred_at",
    "received_at",
    "version",
)


@dataclass(frozen=True)
class StoredSde:
    index: int
    event: EngagementAttributeEvent
    result: str  # "created", "updated" (merged) or "replaced"

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "id": self.event.pk,
            "type": self.event.attribute_type,
            "result": self.result,
        }


@dataclass
class IngestResult:
    visitor: Visitor | None  # None when nothing was stored (only impression events were sent)
    conversation: Conversation | None
    stored: list[StoredSde] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def created_any(self) -> bool:
        return any(item.result == "created" for item in self.stored)


@dataclass
class CheckedSdes:
    """The SDEs to store (with their index in the request) and the warnings about them."""

    sdes: list[tuple[int, CleanSde]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def sdes_check(raw_sdes: list[Any], *, path: str, now: datetime) -> CheckedSdes:
    """Check every SDE, collecting all problems (paths like ``engagementAttributes[2].lead``);
    raises ``InputRejected`` with them. LivePerson's impression events are skipped with a
    warning each."""
    checked, errors = CheckedSdes(), []
    default_currency = cache(lambda: AccountSettings.load().default_currency)
    for index, raw in enumerate(raw_sdes):
        here = f"{path}[{index}]"
        if is_impression(raw):
            checked.warnings.append(
                Problem(
                    f"{here}.{TYPE_FIELD}",
                    "skipped",
                    "An impression event, not an engagement attribute: skipped.",
                )
            )
            continue
        item = sde_check(
            raw,
            here,
            now=now,
            default_currency=default_currency,
            errors=errors,
            warnings=checked.warnings,
        )
        if item is not None:
            checked.sdes.append((index, item))
    if errors:
        raise InputRejected(errors)
    return checked


@transaction.atomic(savepoint=False)  # inside the API's transaction a savepoint buys nothing
def engagement_attributes_ingest(
    *,
    connector: Connector | None,
    raw_sdes: list[Any],
    visitor_id: str | None,
    now: datetime,
    conversation_id: str | None = None,
    occurred_at: datetime | None = None,
    path: str = "engagementAttributes",
) -> IngestResult:
    """Store customer-reported SDEs for a visitor. Raises ``InputRejected`` (nothing stored) for
    bad input and ``InputNotFound`` for an unknown conversation. A request of impression events
    only stores nothing (and reads nothing)."""
    checked = sdes_check(raw_sdes, path=path, now=now)
    if not checked.sdes:
        return IngestResult(visitor=None, conversation=None, warnings=checked.warnings)
    at = occurred_at or now
    conversation = _named_conversation(conversation_id, visitor_id)
    if conversation is None and not visitor_id:
        raise InputRejected([Problem("visitorId", "required", "Give visitorId.")])
    visitor = _visitor_locked(conversation.visitor.external_id if conversation else visitor_id)
    if conversation is None:
        conversation = _conversation_at(visitor, at)
    agent_id, skill_id = _credit_at(conversation, at)
    common = {
        "source": EventSource.SERVER_API,
        "visitor": visitor,
        "conversation": conversation,
        "connector": connector,
        "agent_id": agent_id,
        "skill_id": skill_id,
        "occurred_at": at,
        "received_at": now,
    }
    result = IngestResult(visitor=visitor, conversation=conversation, warnings=checked.warnings)
    _store(checked.sdes, common, result)
    _activity_touch({item.type for _index, item in checked.sdes}, at=now)
    return result


def _activity_touch(types: set[str], *, at: datetime) -> None:
    """The data indicator's last-reported times: one UPDATE for every type in the usual case
    (rows exist and are older); ``attribute_activity_touch`` for the rest (rows not created yet,
    or already newer). Last in the transaction, so the rows stay locked only briefly; at most
    once a minute per type and process (``activity_due``)."""
    types = activity_due(types, at=at)
    if not types:
        return
    activity_written(types, at=at)
    touched = AttributeActivity.objects.filter(
        attribute_type__in=types, last_reported_at__lt=at
    ).update(last_reported_at=at)
    if touched < len(types):
        for attribute_type in sorted(types):
            attribute_activity_touch({attribute_type}, at=at)


def _named_conversation(conversation_id: str | None, visitor_id: str | None):
    if not conversation_id:
        return None
    conversation = (
        Conversation.objects.select_related("visitor").filter(external_id=conversation_id).first()
    )
    if conversation is None:
        raise InputNotFound([Problem("conversationId", "not_found", "No such conversation.")])
    if visitor_id and conversation.visitor.external_id != visitor_id:
        raise InputRejected(
            [Problem("visitorId", "mismatch", "The conversation belongs to another visitor.")]
        )
    return conversation


def _visitor_locked(external_id: str) -> Visitor:
    """The visitor, created when new, its row locked until the transaction ends: the lock
    serialises requests for one visitor, so merge and replace never lose an update. NO KEY
    UPDATE: rows that merely reference the visitor (events, conversations) are not held. A new
    visitor's row is locked by its insert; when another request inserts it first, ours waits
    for that one to end, then reads and locks it."""
    for sql, params in (
        (_VISITOR_LOCKED, [external_id]),
        (_VISITOR_NEW, [external_id, *_datetimes(timezone.now())]),
        (_VISITOR_LOCKED, [external_id]),
    ):
        visitor = first_row(Visitor, sql, params, write=True)
        if visitor is not None:
            return visitor
    raise RuntimeError(f"visitor {external_id!r} neither found nor created")


def _conversation_at(visitor: Visitor, at: datetime) -> Conversation | None:
    """The visitor's conversation open at ``at`` or ended within 12 hours before it, the most
    recent one if several."""
    since = at - ATTACH_AFTER_END
    return first_row(Conversation, _CONVERSATION_AT, [visitor.pk, *_datetimes(at, since)])


def _credit_at(conversation: Conversation | None, at: datetime):
    """The agent and skill assigned at ``at``: the segment running then (the last one after the
    end, the first one before the start)."""
    if conversation is None:
        return None, None
    segments = list(Segment.objects.filter(conversation=conversation).order_by("started_at", "pk"))
    if not segments:
        return conversation.agent_id, conversation.skill_id
    current = segments[0]
    for segment in segments:
        if segment.started_at <= at:
            current = segment
    return current.agent_id, current.skill_id


def _store(sdes: list[tuple[int, CleanSde]], common: dict[str, Any], result: IngestResult) -> None:
    """Append new rows; merge into or replace the visitor's row for update/replace types."""
    keyed = {
        item.type for _i, item in sdes if CATALOGUE[item.type].repeat_rule != RepeatRule.APPEND
    }
    rows = _existing_rows(common["visitor"], keyed) if keyed else {}
    new, updated = [], {}
    for index, item in sdes:
        rule = CATALOGUE[item.type].repeat_rule
        row = rows.get(item.type)
        if rule == RepeatRule.APPEND or row is None:
            row = _new_event(item, common)
            new.append(row)
            outcome = "created"
            if rule != RepeatRule.APPEND:
                rows[item.type] = row
        else:
            _refresh(row, item, common, merge=rule == RepeatRule.MERGE)
            if row.pk is not None:
                updated[row.pk] = row
            outcome = "updated" if rule == RepeatRule.MERGE else "replaced"
        result.stored.append(StoredSde(index, row, outcome))
    insert_rows(new)
    # At most one row per merge/replace type (four types), however many SDEs were sent: plain
    # UPDATEs cost less than bulk_update's CASE expressions and stay constant in the SDE count.
    for row in updated.values():
        update_row(row, UPDATED_FIELDS)
    credited = [row for row in [*new, *updated.values()] if row.attribute_type in GOAL_TYPES]
    if credited:
        keys = {row.dedupe_key for row in credited} - {""}
        credit_events(
            [row.pk for row in credited], dedupe_keys=keys, created=[row.pk for row in new]
        )
    outbox_attributes_received([*new, *updated.values()], at=common["received_at"])  # webhooks


def _existing_rows(visitor: Visitor, types: set[str]) -> dict[str, EngagementAttributeEvent]:
    rows: dict[str, EngagementAttributeEvent] = {}
    params = [visitor.pk, EventSource.SERVER_API, *sorted(types)]
    for row in EngagementAttributeEvent.objects.raw(_existing_sql(len(types)), params):
        rows.setdefault(row.attribute_type, row)
    return rows


# As SQL: the ORM's get_or_create cost four statements for a new visitor (a savepoint around
# its insert) and compiled them on every request (bench/README.md, "Statements built once").
_VISITOR_LOCKED = f"""SELECT * FROM {Visitor._meta.db_table} WHERE external_id = %s
{"FOR NO KEY UPDATE" if connection.features.has_select_for_update else ""}"""  # noqa: S608  # nosec B608
_VISITOR_NEW = f"""INSERT INTO {Visitor._meta.db_table} (external_id, created_at) VALUES (%s, %s)
ON CONFLICT (external_id) DO NOTHING RETURNING *"""  # noqa: S608  # nosec B608


# The ingest's two reads by key, as SQL: the ORM compiled them anew on every request, about
# 0.6 ms each in process (bench/README.md, "Statements built once"). What they pick is in the
# docstrings of ``_conversation_at`` and ``_existing_rows``.
_CONVERSATION_AT = f"""SELECT * FROM {Conversation._meta.db_table}
WHERE visitor_id = %s AND started_at <= %s AND (ended_at IS NULL OR ended_at >= %s)
ORDER BY started_at DESC, id DESC LIMIT 1"""  # noqa: S608  # nosec B608


@cache
def _existing_sql(types: int) -> str:
    """The visitor's standing rows of the API's merge and replace types, latest first."""
    # bandit: the table name is the model's; values are bound parameters.
    return f"""SELECT * FROM {EngagementAttributeEvent._meta.db_table}
WHERE visitor_id = %s AND source = %s AND attribute_type IN ({", ".join(["%s"] * types)})
    AND retracted_at IS NULL
ORDER BY occurred_at DESC, id DESC"""  # noqa: S608  # nosec B608


def _datetimes(*values: datetime) -> list:
    """Datetimes as the ORM binds them on the connection's database."""
    return [connection.ops.adapt_datetimefield_value(value) for value in values]


def _new_event(item: CleanSde, common: dict[str, Any]) -> EngagementAttributeEvent:
    columns = typed_columns(item.type, item.values, currency=item.currency)
    return EngagementAttributeEvent(
        attribute_type=item.type, payload=item.payload, **common, **columns
    )


def _refresh(row, item: CleanSde, common: dict[str, Any], *, merge: bool) -> None:
    row.payload = deep_merge(row.payload, item.payload) if merge else item.payload
    for name in ("connector", "agent_id", "skill_id", "occurred_at", "received_at"):
        setattr(row, name, common[name])
    if common["conversation"] is not None:
        row.conversation = common["conversation"]
    if row.pk is not None:
        row.version += 1


def deep_merge(old: Any, new: Any) -> Any:
    """Objects merge key by key (recursively); anything else sent replaces what was there."""
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = deep_merge(old.get(key), value)
        return merged
    return new
