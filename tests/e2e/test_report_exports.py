"""A manager types a time zone as people write it and downloads the goal tracker's table as
Excel and CSV; a zone that does not exist is named beside its field, and nothing is applied.

Screenshots go to test-artifacts/screenshots/ (``reports-table-*``).
"""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

TRACKER = "/reports/goal-tracker/"


@pytest.mark.e2e
def test_manager_types_a_zone_and_downloads_the_table(demo, page, login, live_server, shot):
    login("manager")
    page.goto(f"{live_server.url}{TRACKER}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent goal tracker")

    page.get_by_label("Time zone").fill("utc")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"tz=utc"))
    expect(page.locator(".report-period")).to_contain_text("times in UTC")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download table (Excel)").click()
    assert download.value.suggested_filename.startswith("goal-tracker-")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = [[cell for cell in row] for row in sheet.iter_rows()]  # noqa: C416
    header_at = next(i for i, row in enumerate(rows) if row[0].value == "Agent")
    titles = [cell.value for cell in rows[header_at] if cell.value is not None]
    headers = page.locator("#tracker-table thead th")
    expect(headers).to_have_count(len(titles))
    for index, title in enumerate(titles):  # the screen's titles, in its order
        expect(headers.nth(index)).to_contain_text(title)
    total = rows[-1] if rows[-1][0].value == "Sum of rows" else rows[-2]
    assert total[0].value == "Sum of rows"
    assert isinstance(total[1].value, int)  # a number, not text
    assert rows[2][1].is_date  # the period's first day is a date cell

    with page.expect_download() as download:
        page.get_by_role("link", name="Download table (CSV)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\xef\xbb\xbfAgent,")
    shot("reports-table-downloads")

    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#id_tz_error")).to_contain_text("“Mars/Olympus” is not a time zone")
    expect(page.locator("#filters-not-applied")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Mars/Olympus")
    shot("reports-table-invalid-zone")
