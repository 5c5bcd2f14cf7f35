"""After a rebuild of several ranges the day sums are written afresh (``day_sums_compact``): a
rebuild replaces each day's sums once per range of ids, and on PostgreSQL the replaced versions
kept the tables every report reads at twenty times their rows until ``VACUUM FULL``
(bench/README.md: 77 MB for 34,000 sums at a million conversations, 3 MB after). SQLite
rewrites rows in place and is left alone. These tests commit (``VACUUM`` cannot run inside a
transaction)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import ConversationFactory
from workspace.models import CreditDay, HandledDay
from workspace.services import credit
from workspace.services.credit import credit_rebuild, day_sums_compact

pytestmark = pytest.mark.django_db(transaction=True)
DAY_TABLES = (CreditDay._meta.db_table, HandledDay._meta.db_table)


def _file(table: str) -> int:
    """The table's file on disk: ``VACUUM FULL`` writes the rows to a new one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_filenode(%s)", [table])
        return cursor.fetchone()[0]


def _rebuild_statements() -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        credit_rebuild()
    return [q["sql"] for q in queries if q["sql"].startswith("VACUUM")]


def test_a_rebuild_of_one_range_leaves_the_tables_alone(sales_skill, agent):
    for _ in range(3):
        ConversationFactory(agent=agent, skill=sales_skill)
    assert _rebuild_statements() == []
    assert HandledDay.objects.exists()


def test_a_rebuild_of_several_ranges_writes_each_day_sum_once(sales_skill, agent, monkeypatch):
    for _ in range(3):
        ConversationFactory(agent=agent, skill=sales_skill)
    monkeypatch.setattr(credit, "RANGE", 2)  # three conversations: two ranges
    vacuums = _rebuild_statements()
    assert HandledDay.objects.exists()
    if connection.vendor != "postgresql":
        assert vacuums == []
        return
    assert vacuums == [f"VACUUM (FULL, ANALYZE) {DAY_TABLES[0]}, {DAY_TABLES[1]}"]
    before = [_file(table) for table in DAY_TABLES]
    day_sums_compact()  # as the app's role, the tables' owner (anyone else: skipped, a warning)
    after = [_file(table) for table in DAY_TABLES]
    assert all(new != old for new, old in zip(after, before, strict=True))
    assert HandledDay.objects.exists()


def test_inside_a_transaction_it_leaves_the_tables_alone(sales_skill, agent):
    ConversationFactory(agent=agent, skill=sales_skill)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        day_sums_compact()
    assert queries.captured_queries == []
