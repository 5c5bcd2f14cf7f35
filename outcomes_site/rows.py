"""Rows written by statements built once per process: the ingest's events, an outcome and its
audit entry.

An ingest of ten SDEs inserted its new events with ``bulk_create`` and wrote each merged row
with ``save(update_fields=...)``: the ORM compiles the same statements again on every request,
and on PostgreSQL psycopg adapted every value of every row in Python and parsed a statement of
hundreds of placeholders (7,200 of the 19,000 Python calls an ingest then made;
``bench/README.md``, "Statements built once"). Here the statement text depends only on the
model (and on SQLite the number of rows). On PostgreSQL the rows travel as one JSON document
that the server turns into rows (``jsonb_to_recordset``), so Python neither adapts each value
nor parses a statement of hundreds of placeholders; on SQLite each value is adapted by its
field's own ``get_db_prep_save``, as the ORM would. Model signals are sent only when asked
(``bulk_create`` sends none; the events have no receivers).
"""

import json
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache
from itertools import batched
from uuid import UUID

from django.db import connection, router
from django.db.models import Field, Model
from django.db.models.signals import post_save

# Rows per INSERT: SQLite allows 32,766 parameters, 23 columns a row.
BATCH = 500


@cache
def _columns(model: type[Model]) -> tuple[tuple[Field, ...], str]:
    """The concrete fields an insert writes (all but the automatic key) and their column list."""
    fields = tuple(f for f in model._meta.concrete_fields if f is not model._meta.pk)
    quote = connection.ops.quote_name
    return fields, ", ".join(quote(f.column) for f in fields)


@cache
def _insert_sql(model: type[Model], rows: int) -> str:
    fields, columns = _columns(model)
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # bandit: table and column names come from the model; values are bound parameters.
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608
        f"VALUES {', '.join([row] * rows)} RETURNING {quote(model._meta.pk.column)}"
    )


@cache
def _insert_json_sql(model: type[Model]) -> str:
    """PostgreSQL: the rows from one JSON array of objects keyed by column."""
    fields, columns = _columns(model)
    quote = connection.ops.quote_name
    # Types without their length: the column itself checks it, with the error the ORM's gives.
    types = ", ".join(
        f"{quote(f.column)} {re.sub(r'\(.*\)', '', f.cast_db_type(connection))}" for f in fields
    )
    # bandit: table and column names come from the model; the rows are one bound parameter.
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608
        f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS r({types}) "
        f"RETURNING {quote(model._meta.pk.column)}"
    )


def _json_value(value: object) -> str:
    """What ``json.dumps`` cannot write itself: as PostgreSQL reads each type from text."""
    if isinstance(value, datetime | Decimal | UUID):
        return value.isoformat() if isinstance(value, datetime) else str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


def insert_rows(objs: Sequence[Model], *, signal: bool = False) -> None:
    """Insert ``objs`` (new instances of one model, none saved) in one statement per ``BATCH``
    rows and set their primary keys, as ``bulk_create`` does. ``signal``: then send each one's
    ``post_save`` as ``save()`` would (a revision's receiver queues its webhook)."""
    if not objs:
        return
    model = type(objs[0])
    fields, _columns_sql = _columns(model)
    for chunk in batched(objs, BATCH):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                names = [f.column for f in fields]
                attnames = [f.attname for f in fields]
                rows = [
                    dict(zip(names, [getattr(o, a) for a in attnames], strict=True)) for o in chunk
                ]
                cursor.execute(_insert_json_sql(model), [json.dumps(rows, default=_json_value)])
            else:
                params = [
                    f.get_db_prep_save(getattr(o, f.attname), connection)
                    for o in chunk
                    for f in fields
                ]
                cursor.execute(_insert_sql(model, len(chunk)), params)
            keys = cursor.fetchall()
        for obj, (pk,) in zip(chunk, keys, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
            if signal:
                post_save.send(
                    model,
                    instance=obj,
                    created=True,
                    update_fields=None,
                    raw=False,
                    using=connection.alias,
                )


@cache
def _update_sql(model: type[Model], names: tuple[str, ...]) -> tuple[tuple[Field, ...], str]:
    fields = tuple(model._meta.get_field(name) for name in names)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # bandit: table and column names come from the model; values are bound parameters.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608  # nosec B608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    return fields, sql


def update_row(obj: Model, names: tuple[str, ...]) -> None:
    """``obj.save(update_fields=names)`` for a row known to exist."""
    fields, sql = _update_sql(type(obj), names)
    params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])


@cache
def _by_key_sql(model: type[Model], lock: bool) -> str:
    quote = connection.ops.quote_name
    suffix = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    # bandit: table and column names come from the model; the key is a bound parameter.
    return (
        f"SELECT * FROM {quote(model._meta.db_table)} "  # noqa: S608  # nosec B608
        f"WHERE {quote(model._meta.pk.column)} = %s{suffix}"
    )


def row_by_key[M: Model](model: type[M], pk: object, *, lock: bool = False) -> M | None:
    """The row of ``model`` whose primary key is ``pk``, or None; ``lock``: locked until the
    transaction ends (PostgreSQL; SQLite writes one at a time). ``Model.objects.get(pk=...)``
    compiles its statement anew on every call (bench/README.md, "Statements built once")."""
    return first_row(model, _by_key_sql(model, lock), [pk], write=lock)


def first_row[M: Model](model: type[M], sql: str, params: list, *, write: bool = False) -> M | None:
    """The first row ``sql`` (a statement of ours on ``model``'s table) answers, as a ``model``
    instance, or None. ``write``: the statement locks or writes, so it goes where writes go
    (even inside report reads, which the router sends to the replica)."""
    using = router.db_for_write(model) if write else None
    return next(iter(model.objects.raw(sql, params, using=using)), None)
