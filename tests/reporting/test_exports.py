"""CSV exports: the screen's filters, every row (not only the page shown), a header row, ISO
dates; streamed up to the limit, built by a background task above it."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from reporting.models import ReportExport
from reporting.services import exports
from tests.factories import AgentFactory
from tests.reporting.factories import T0, conversation, event

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31", "dataset": "events", "measure": "conversions"}


@pytest.fixture
def thirty_orders(default_sell):
    agent = AgentFactory(first_name="Ada", last_name="Export")
    for i in range(30):
        talk = conversation(agent, started=T0 + timedelta(hours=i))
        event(conversation=talk, amount=f"{i + 1}.50", action_id=f"ORD-{i:02d}", topic="=SUM(A1)")
    return agent


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_streams_every_row_with_a_header_and_iso_dates(admin_client, thirty_orders):
    response = admin_client.get(reverse("reporting:export"), MARCH)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="events-2026-03-01-to-2026-03-31.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == [
        "credited_conversation_start",
        "event_id",
        "reported_at",
        "credited_agent",
    ]
    assert len(body) == 30  # more than one page (25) of the screen
    first = dict(zip(header, body[-1], strict=True))
    assert first["credited_conversation_start"] == "2026-03-10T12:00:00+00:00"
    assert first["credited_agent"] == "Ada Export"
    assert (first["value"], first["currency"], first["action_id"]) == ("1.50", "USD", "ORD-00")
    assert first["source"] == "agent-reported"
    assert first["reporting_agent"] == "Ada Export"
    assert first["topic"] == "'=SUM(A1)"  # a formula is never handed to a spreadsheet


def test_export_uses_the_report_time_zone(admin_client, thirty_orders):
    rows = _rows(admin_client.get(reverse("reporting:export"), {**MARCH, "tz": "UTC+05:30"}))
    assert rows[-1][0] == "2026-03-10T17:30:00+05:30"


def test_export_of_conversations_behind_a_number(admin_client, thirty_orders):
    params = {**MARCH, "dataset": "conversations", "family": "handled"}
    rows = _rows(admin_client.get(reverse("reporting:export"), params))
    assert rows[0][:3] == ["conversation_id", "started_at", "ended_at"]
    assert len(rows) == 31


def test_large_exports_offer_a_background_task(admin_client, thirty_orders, monkeypatch):
    monkeypatch.setattr(exports, "STREAM_LIMIT", 10)
    monkeypatch.setattr("reporting.views.exports.STREAM_LIMIT", 10)
    response = admin_client.get(reverse("reporting:export"), MARCH)
    assert response.status_code == 200
    assert not response.streaming
    html = response.content.decode()
    assert "This export has 30 rows" in html
    assert 'action="/reports/exports/"' in html
    assert ReportExport.objects.count() == 0  # a GET starts nothing


def test_background_export_runs_as_a_task_and_is_downloaded_by_its_requester(
    admin,
    admin_client,
    campaign_manager_client,
    thirty_orders,
    tmp_path,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.REPORT_EXPORTS_DIR = str(tmp_path)
    query = "start=2026-03-01&end=2026-03-31&dataset=events&measure=conversions"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("reporting:export-create"), {"query": query})
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:export-detail", args=[export.pk])
    assert (export.status, export.rows_total, export.rows_done) == ("done", 30, 30)
    assert export.task_id
    detail = admin_client.get(
        reverse("reporting:export-detail", args=[export.pk]),
        headers={"HX-Request": "true", "HX-Target": "export-progress"},
    )
    assert "<html" not in detail.content.decode()
    assert "Download CSV" in detail.content.decode()
    download = admin_client.get(reverse("reporting:export-download", args=[export.pk]))
    body = b"".join(download.streaming_content).decode()
    assert len(list(csv.reader(io.StringIO(body)))) == 31
    # Someone else's export is not theirs to see.
    other = campaign_manager_client.get(reverse("reporting:export-download", args=[export.pk]))
    assert other.status_code == 404


def test_a_running_export_polls_its_progress(admin, admin_client):
    export = ReportExport.objects.create(
        requested_by=admin,
        dataset="events",
        status="running",
        rows_total=200,
        rows_done=50,
        created_at=T0,
    )
    html = admin_client.get(reverse("reporting:export-detail", args=[export.pk])).content.decode()
    assert '<progress max="100" value="25"' in html
    assert 'hx-trigger="every 2s"' in html
    assert f'href="/reports/exports/{export.pk}/"' in html


def test_the_task_applies_the_requesters_scope(
    agent_manager, other_agent, default_sell, tmp_path, settings
):
    settings.REPORT_EXPORTS_DIR = str(tmp_path)
    talk = conversation(other_agent)
    event(conversation=talk, amount="9.00", action_id="ORD-OTHER-TEAM")
    export = ReportExport.objects.create(
        requested_by=agent_manager,
        dataset="events",
        created_at=T0,
        params={"start": "2026-03-01", "end": "2026-03-31", "dataset": "events"},
    )
    assert exports.export_build(export_id=export.pk) == 0
    export.refresh_from_db()
    assert "ORD-OTHER-TEAM" not in (tmp_path / export.file_name).read_text()


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_worker_builds_the_file(
    admin, default_sell, tmp_path, settings
):
    """Production's path: the request queues a row for ``manage.py db_worker``, which runs it."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.REPORT_EXPORTS_DIR = str(tmp_path)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    talk = conversation(AgentFactory())
    event(conversation=talk, amount="9.00", action_id="ORD-QUEUED")
    export = exports.export_start(
        user=admin, dataset="events", params={"start": "2026-03-01", "end": "2026-03-31"}, now=T0
    )
    export.refresh_from_db()
    assert export.status == "queued"
    assert DBTaskResult.objects.filter(id=export.task_id, status="READY").exists()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    export.refresh_from_db()
    assert (export.status, export.rows_done) == ("done", 1)
    assert "ORD-QUEUED" in (tmp_path / export.file_name).read_text()
