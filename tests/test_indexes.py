"""No index repeats the start of another on the same table.

Every insert and every update of an indexed column writes each index of its table, so an index
that another one already covers only slows the writes (the ingest writes the events table most:
it had 15 indexes, four of them repeats). A foreign key that a composite index starts with
takes ``db_index=False``; a column matched whole, never by prefix, takes a ``Meta`` index rather
than ``db_index`` (which on PostgreSQL adds a second one, for ``LIKE``).

Read from the migrated database itself, so both databases are checked (CI runs the suite on
each), and migrations written by hand (the partial index ``event_dedupe_first``) count too.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection

APPS = ("campaigns", "workspace", "reporting")


@dataclass(frozen=True)
class IndexShape:
    name: str
    keys: tuple[str, ...]  # columns, each with its operator class where it is not the default
    unique: bool
    partial: bool


def _postgresql(table: str) -> list[IndexShape]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, ix.indisunique, ix.indpred IS NOT NULL,
                ARRAY(
                    SELECT a.attname || CASE WHEN oc.opcdefault THEN '' ELSE ' ' || oc.opcname END
                    FROM unnest(ix.indkey, ix.indclass) WITH ORDINALITY AS k(attnum, opclass, n)
                    JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
                    JOIN pg_opclass oc ON oc.oid = k.opclass
                    ORDER BY k.n)
            FROM pg_index ix
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_class t ON t.oid = ix.indrelid
            WHERE t.relname = %s
            """,
            [table],
        )
        return [
            IndexShape(name, tuple(keys), unique, partial) for name, unique, partial, keys in cursor
        ]


def _sqlite(table: str) -> list[IndexShape]:
    shapes = []
    with connection.cursor() as cursor:
        cursor.execute(f'PRAGMA index_list("{table}")')
        for _seq, name, unique, _origin, partial in cursor.fetchall():
            cursor.execute(f'PRAGMA index_info("{name}")')
            keys = tuple(column for _n, _cid, column in cursor.fetchall())
            shapes.append(IndexShape(name, keys, bool(unique), bool(partial)))
    return shapes


def index_shapes(table: str) -> list[IndexShape]:
    return _postgresql(table) if connection.vendor == "postgresql" else _sqlite(table)


def repeats(shapes: list[IndexShape]) -> list[str]:
    """Each plain index whose keys start another full index's keys (or equal them)."""
    found = []
    for shape in shapes:
        if shape.unique or shape.partial:  # a constraint, or rows the others may not hold
            continue
        for other in shapes:
            if other.name == shape.name or other.partial:
                continue
            if other.keys[: len(shape.keys)] == shape.keys and (
                len(other.keys) > len(shape.keys) or other.unique or other.name < shape.name
            ):
                found.append(f"{shape.name} {shape.keys} repeats {other.name} {other.keys}")
                break
    return found


def test_the_rule_finds_a_repeat():
    shapes = [
        IndexShape("event_conv_type", ("conversation_id", "attribute_type"), False, False),
        IndexShape("event_conversation_id", ("conversation_id",), False, False),
        IndexShape("event_dedupe_first", ("dedupe_key", "occurred_at"), False, True),
        IndexShape("event_dedupe_key", ("dedupe_key",), False, False),
        IndexShape("event_dedupe_key_like", ("dedupe_key varchar_pattern_ops",), False, False),
    ]
    assert repeats(shapes) == [
        "event_conversation_id ('conversation_id',) repeats event_conv_type "
        "('conversation_id', 'attribute_type')"
    ]
    twins = [IndexShape("a", ("x",), False, False), IndexShape("b", ("x",), False, False)]
    assert repeats(twins) == ["b ('x',) repeats a ('x',)"]


@pytest.mark.django_db
def test_no_index_repeats_another():
    tables = sorted(
        {model._meta.db_table for name in APPS for model in apps.get_app_config(name).get_models()}
    )
    found = {table: repeats(index_shapes(table)) for table in tables}
    assert {table: lines for table, lines in found.items() if lines} == {}
    # What the reads need is still there (the partial index is PostgreSQL's alone).
    events = {shape.name for shape in index_shapes("workspace_engagementattributeevent")}
    assert {"event_conv_type", "event_visitor_type", "event_dedupe_key"} <= events
    assert ("event_dedupe_first" in events) == (connection.vendor == "postgresql")
