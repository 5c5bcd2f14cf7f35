"""Report reads go to the reporting database (a read replica) when one is configured; writes,
sessions and the reports' own tables stay on the primary. In tests the ``reporting`` alias is a
mirror of the test database, so these tests commit their rows (``transaction=True``)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes_site.db_router import ReportingRouter, report_reads, reporting_alias
from reporting.models import ReportExport
from tests.reporting.factories import conversation, event
from workspace.models import Conversation, EngagementAttributeEvent

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_the_router_sends_only_report_reads_to_the_replica(settings):
    settings.REPORT_READS_ON_REPLICA = True
    router = ReportingRouter()
    assert router.db_for_read(Conversation) == "default"
    with report_reads():
        assert reporting_alias() == "reporting"
        assert router.db_for_read(EngagementAttributeEvent) == "reporting"
        assert router.db_for_read(ReportExport) == "default"  # written and read back at once
        assert router.db_for_write(EngagementAttributeEvent) == "default"
    assert reporting_alias() == "default"
    assert router.allow_migrate("reporting", "workspace") is False


def test_without_a_replica_everything_uses_the_primary(settings):
    settings.REPORT_READS_ON_REPLICA = False
    with report_reads():
        assert reporting_alias() == "default"
        assert ReportingRouter().db_for_read(Conversation) == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "reporting"])
def test_report_pages_read_from_the_reporting_database(settings, admin_client, default_sell):
    settings.REPORT_READS_ON_REPLICA = True
    talk = conversation()
    event(conversation=talk, amount="10.00", action_id="ORD-R")
    params = {"start": "2026-03-01", "end": "2026-03-31"}
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["reporting"]) as replica,
    ):
        response = admin_client.get(reverse("reporting:event-list"), params)
    assert response.status_code == 200
    assert "ORD-R" in response.content.decode()
    on_replica = [q["sql"] for q in replica.captured_queries]
    assert any("workspace_engagementattributeevent" in sql for sql in on_replica)
    assert not any(sql.lstrip().upper().startswith(WRITES) for sql in on_replica)
    assert any("django_session" in q["sql"] for q in primary.captured_queries)
    assert not any("django_session" in sql for sql in on_replica)
