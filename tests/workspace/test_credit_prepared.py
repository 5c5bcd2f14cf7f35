"""On PostgreSQL the writers' credit statements are prepared: parsed and planned once per
connection instead of on every write. Nothing else is (a report's plan depends on its values)."""

import pytest
from django.db import connection

from tests.workspace.conftest import NOW
from workspace.models import Conversation
from workspace.services.ingest import engagement_attributes_ingest

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _ingest(n: int) -> None:
    sde = {"type": "purchase", "total": "10.00", "currency": "EUR", "orderId": f"P-{n}"}
    engagement_attributes_ingest(connector=None, raw_sdes=[sde], visitor_id=f"visitor-{n}", now=NOW)


def test_the_credit_statement_is_prepared_from_its_second_run():
    _ingest(1)
    assert not [s for s in _prepared() if s.startswith("INSERT INTO workspace_credit ")]
    _ingest(2)
    _ingest(3)
    credit = [s for s in _prepared() if s.startswith("INSERT INTO workspace_credit ")]
    assert len(credit) == 1  # one statement, planned once, run for both ingests


def test_statements_outside_the_credit_writers_are_not_prepared():
    _ingest(1)
    for _ in range(4):
        Conversation.objects.filter(external_id="nobody").count()
    assert not [s for s in _prepared() if "workspace_conversation" in s and "COUNT" in s]
    assert connection.connection.prepare_threshold is None  # as Django left it


def test_the_widgets_key_lookups_are_prepared_and_a_report_read_is_not(
    agent_client, detail_url, purchase_config, admin_client
):
    fragment = {"HX-Request": "true", "HX-Target": "summary-outcomes"}
    for _ in range(3):
        assert agent_client.get(detail_url, headers=fragment).status_code == 200
    events = [
        s
        for s in _prepared()
        if s.startswith("SELECT") and "FROM workspace_engagementattributeevent" in s
    ]
    assert events  # the outcomes the widget lists, read by conversation
    before = set(_prepared())
    for _ in range(3):
        assert admin_client.get("/reports/goal-tracker/").status_code == 200
    assert set(_prepared()) == before  # the report's statements were planned with their values
