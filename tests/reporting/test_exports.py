"""CSV exports: the screen's filters, every row (not only the page shown), a header row of
translated titles, UTF-8 with a byte order mark, times a spreadsheet reads in the report's zone;
streamed up to the limit, built by a background task above it; invalid filters answer 400."""

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
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_streams_every_row_with_a_header_and_spreadsheet_times(admin_client, thirty_orders):
    response = admin_client.get(reverse("reporting:export"), MARCH)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="events-2026-03-01-to-2026-03-31.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == [
        "Credited conversation start (UTC)",
        "Event ID",
        "Reported at (UTC)",
        "Credited agent",
    ]
    assert len(body) == 30  # more than one page (25) of the screen
    first = dict(zip(header, body[-1], strict=True))
    assert first["Credited conversation start (UTC)"] == "2026-03-10 12:00:00"
    assert first["Credited agent"] == "Ada Export"
    assert (first["Value"], first["Currency"], first["Action ID"]) == ("1.50", "USD", "ORD-00")
    assert first["Source"] == "Agent-reported"
    assert first["Goal reached"] == "Yes"
    assert first["Reporting agent"] == "Ada Export"
    assert first["Topic"] == "'=SUM(A1)"  # a formula is never handed to a spreadsheet


def test_export_uses_the_report_time_zone(admin_client, thirty_orders):
    rows = _rows(admin_client.get(reverse("reporting:export"), {**MARCH, "tz": "+05:30"}))
    assert rows[0][0] == "Credited conversation start (UTC+05:30)"
    assert rows[-1][0] == "2026-03-10 17:30:00"


def test_export_of_conversations_behind_a_number(admin_client, thirty_orders):
    params = {**MARCH, "dataset": "conversations", "family": "handled"}
    rows = _rows(admin_client.get(reverse("reporting:export"), params))
    assert rows[0][:3] == ["Conversation ID", "Started at (UTC)", "Ended at (UTC)"]
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
    body = b"".join(download.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffCredited conversation start (UTC),")
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


# The goal tracker's table as a spreadsheet ------------------------------------------------------

TABLE = {"start": "2026-03-01", "end": "2026-03-31", "tz": "UTC"}


@pytest.fixture
def shared_sale(default_sell):
    """Under "all agents get full credit": Ann then Bob on one 100.01 USD order (so the sum of
    rows differs from the de-duplicated total), and a 7 EUR lead of Ann's."""
    from datetime import date

    from tests.reporting.factories import policy

    ann, bob = AgentFactory(first_name="Ann", last_name="Één"), AgentFactory(first_name="Bob")
    talk = conversation(ann, bob)
    event(conversation=talk, source="server_api", amount="100.01", action_id="ORD-1")
    event("lead", conversation=conversation(ann), amount="7", currency="EUR", action_id="L-1")
    policy(date(2026, 1, 1), "all")
    return ann, bob


def _table_export(client, **params):
    return client.get(reverse("reporting:goal-tracker-export"), {**TABLE, **params})


def _page_table(client, **params) -> tuple[list[str], list[list[str]]]:
    """The goal tracker page's table: header titles, and each row's cell texts."""
    import re

    html = client.get(reverse("reporting:goal-tracker"), {**TABLE, **params}).content.decode()
    table = re.search(r'<table class="report-table" id="tracker-table">(.*?)</table>', html, re.S)

    def texts(row_html: str) -> list[str]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
        # Screen-reader-only words ("n/a", the sort hint) and the sort arrows are not the text.
        cells = [
            re.sub(r'<span class="(visually-hidden|sort-link__arrow)"[^>]*>.*?</span>', "", c)
            for c in cells
        ]
        return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]

    rows = [texts(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table[1], re.S)]
    return rows[0], rows[1:]


def test_table_csv_has_a_bom_and_the_screens_titles_and_rows(admin_client, shared_sale):
    response = _table_export(admin_client, format="csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    name = "goal-tracker-2026-03-01-to-2026-03-31.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles, page_rows = _page_table(admin_client)
    percent = titles.index("Conversion rate")
    assert rows[0] == [t + " (%)" if i == percent else t for i, t in enumerate(titles)]
    assert rows[0][:4] == ["Agent", "Conversations handled", "Conversions", "Conversion rate (%)"]
    assert "Revenue (USD)" in rows[0]
    assert "Lead value (EUR)" in rows[0]
    # The same rows in the same order, the two totals rows last; numbers written plainly.
    assert [r[0] for r in rows[1:]] == [r[0] for r in page_rows]
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    ann = by_name["Ann Één"]
    assert (ann["Conversions"], ann["Revenue (USD)"], ann["Lead value (EUR)"]) == (
        "1",
        "100.01",
        "7.00",
    )
    assert by_name["Sum of rows"]["Revenue (USD)"] == "200.02"
    assert by_name["Each event once (de-duplicated total)"]["Revenue (USD)"] == "100.01"
    assert by_name["Sum of rows"]["Conversion rate (%)"] == "66.7"  # 2 of 3 handled


def test_table_xlsx_has_typed_cells_and_the_pages_totals(admin_client, shared_sale):
    from decimal import Decimal

    from openpyxl import load_workbook

    from reporting.templatetags.report_figures import rate
    from reporting.templatetags.reports import count, money

    response = _table_export(admin_client, format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "goal-tracker-2026-03-01-to-2026-03-31.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in ws.iter_rows()]
    assert values[0][0].value == "Agent goal tracker"
    assert values[0][0].font.b
    assert "UTC" in values[1][0].value  # the subtitle names the period and the zone
    period = values[2]
    assert period[1].is_date
    assert period[1].value.date().isoformat() == "2026-03-01"
    assert period[3].is_date
    assert period[3].value.date().isoformat() == "2026-03-31"
    assert period[5].value == "UTC"
    header_at = next(i for i, row in enumerate(values) if row[0].value == "Agent")
    header = [c.value for c in values[header_at] if c.value is not None]
    titles, page_rows = _page_table(admin_client)
    assert header == titles
    assert all(c.font.b for c in values[header_at][: len(header)])
    assert ws.freeze_panes == f"A{header_at + 2}"
    body = values[header_at + 1 :]
    assert len(body) == len(page_rows)
    column = {title: index for index, title in enumerate(header)}
    for row, page_row in zip(body, page_rows, strict=True):
        cells = row[: len(header)]
        handled = cells[column["Conversations handled"]]
        assert handled.data_type == "n"
        assert isinstance(handled.value, int)
        usd = cells[column["Revenue (USD)"]]
        if usd.value is not None:
            assert usd.data_type == "n"
            assert '"USD"' in usd.number_format
        # What the cell holds, formatted as the page formats it, is what the page shows.
        shown = [
            count(cells[column["Conversations handled"]].value),
            count(cells[column["Conversions"]].value),
            rate(cells[column["Conversion rate"]].value) or "—",
            money(Decimal(str(usd.value)), "USD") if usd.value is not None else "—",
        ]
        page = [page_row[column[t]] for t in ("Conversations handled", "Conversions")]
        page += [page_row[column["Conversion rate"]], page_row[column["Revenue (USD)"]]]
        assert shown == page
    totals = body[-2:]
    assert [r[0].value for r in totals] == ["Sum of rows", "Each event once (de-duplicated total)"]
    assert all(r[0].font.b for r in totals)
    rate_cell = totals[0][column["Conversion rate"]]
    assert rate_cell.number_format == "0.0%"
    assert rate_cell.data_type == "n"


def test_table_follows_the_breakdown_and_the_sort_of_the_page(admin_client, shared_sale):
    response = _table_export(admin_client, format="csv", by="campaign", sort="-conversions")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles, page_rows = _page_table(admin_client, by="campaign", sort="-conversions")
    assert rows[0][:2] == ["Agent", "Campaign"] == titles[:2]
    assert [r[:2] for r in rows[1:]] == [[r[0], r[1] or ""] for r in page_rows]


def test_a_name_that_looks_like_a_formula_stays_text(admin_client, default_sell):
    from openpyxl import load_workbook

    AgentFactory(first_name="=HYPERLINK(1)", last_name="")
    body = _table_export(admin_client, format="csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body
    ws = load_workbook(io.BytesIO(_table_export(admin_client, format="xlsx").content)).active
    cell = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYP"))
    assert cell.data_type == "s"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_table_export_per_role(
    kind,
    shared_sale,
    agent,
    admin_client,
    campaign_manager_client,
    agent_manager_client,
    agent_client,
    client,
):
    for reader in (admin_client, campaign_manager_client):
        assert _table_export(reader, format=kind).status_code == 200
    mine = _table_export(agent_manager_client, format="csv").content.decode("utf-8-sig")
    assert agent.display_name in mine  # their group's agent
    assert "Ann Één" not in mine  # not in their groups
    assert _table_export(agent_client, format=kind).status_code == 403
    anonymous = _table_export(client, format=kind)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


def test_the_goal_tracker_links_to_both_table_downloads(admin_client, default_sell):
    html = admin_client.get(
        reverse("reporting:goal-tracker"), {**TABLE, "sort": "-conversions"}
    ).content.decode()
    url = reverse("reporting:goal-tracker-export")
    assert "Download table (CSV)" in html
    assert "Download table (Excel)" in html
    assert "Download events (CSV)" in html
    assert (
        f'href="{url}?start=2026-03-01&amp;end=2026-03-31&amp;tz=UTC&amp;sort=-conversions' in html
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_table_export_queries_do_not_grow_with_rows(admin_client, default_sell, kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _table_export(admin_client, format=kind).status_code == 200
        return len(captured)

    def sales(n: int) -> None:
        for i in range(n):
            talk = conversation(AgentFactory(), started=T0 + timedelta(hours=i))
            event(conversation=talk, amount="5.00", action_id=f"ORD-Q{i}-{n}")
            event("lead", conversation=talk, amount="3", currency="EUR", action_id=f"L-{i}-{n}")

    sales(1)
    queries()  # the first request of a session caches the user's permissions
    few = queries()
    sales(12)
    assert queries() == few


INVALID = [
    ({"tz": "Mars/Olympus"}, "tz", "is not a time zone"),
    ({"start": "2026-02-30"}, "start", "is not a date"),
    ({"start": "2026-03-31", "end": "2026-03-01"}, "end", "on or after the start date"),
    ({"agent": "999999"}, "agent", "is not one of the choices"),
    ({"skill": "abc"}, "skill", "is not one of the choices"),
    ({"by": "moon"}, "by", "is not one of the choices"),
]


def _assert_refused(response, field: str, words: str) -> None:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert f"\n{field} (" in body
    assert words in body


@pytest.mark.parametrize(("params", "field", "words"), INVALID)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_table_export_refuses_invalid_filters(
    admin_client, thirty_orders, kind, params, field, words
):
    _assert_refused(_table_export(admin_client, format=kind, **params), field, words)


def test_table_export_refuses_an_unknown_format(admin_client):
    _assert_refused(_table_export(admin_client, format="pdf"), "format", "Choose csv or xlsx.")


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        *INVALID,
        ({"measure": "bogus"}, "measure", "is not one of the choices"),
        ({"currency": "XX"}, "currency", "ISO 4217"),
        ({"dataset": "secrets"}, "dataset", "Choose events or conversations."),
        ({"dataset": "conversations", "family": "nope"}, "family", "Choose which"),
        ({"dataset": "conversations", "family": "survey", "survey": "x"}, "survey", "survey id"),
    ],
)
def test_row_export_refuses_invalid_filters_instead_of_exporting_everything(
    admin_client, thirty_orders, params, field, words
):
    response = admin_client.get(reverse("reporting:export"), {**MARCH, **params})
    _assert_refused(response, field, words)
    assert b"ORD-" not in response.content


def test_a_refusal_is_json_when_json_is_asked_for(admin_client):
    response = admin_client.get(
        reverse("reporting:export"),
        {**MARCH, "tz": "Nowhere"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["tz"]


@pytest.mark.parametrize(("params", "field", "words"), INVALID)
def test_background_export_refuses_invalid_filters_and_queues_nothing(
    admin_client, thirty_orders, params, field, words
):
    from urllib.parse import urlencode

    query = urlencode({**MARCH, **params})
    response = admin_client.post(reverse("reporting:export-create"), {"query": query})
    _assert_refused(response, field, words)
    assert ReportExport.objects.count() == 0


def test_the_task_fails_rather_than_export_filters_no_longer_valid(
    agent_manager, other_agent, default_sell, tmp_path, settings
):
    """Queued for an agent of the manager's group who has left it since: nothing is written."""
    settings.REPORT_EXPORTS_DIR = str(tmp_path)
    event(conversation=conversation(other_agent), amount="9.00", action_id="ORD-ELSEWHERE")
    export = ReportExport.objects.create(
        requested_by=agent_manager,
        dataset="events",
        created_at=T0,
        params={**MARCH, "agent": str(other_agent.pk)},
    )
    assert exports.export_build(export_id=export.pk) == 0
    export.refresh_from_db()
    assert export.status == "failed"
    assert export.error.startswith("agent: ")
    assert not list(tmp_path.iterdir())
