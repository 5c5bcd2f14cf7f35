"""A manager reads the goal tracker and the overview on a laptop (1366x768) and on a phone
(390x844): the conversion rate, columns sorted by a click and kept in the URL, the trend by day
or week, each headline's change against the previous period; on the phone the totals come first
(the filters fold behind a button) and no page is wider than the screen.

Screenshots go to test-artifacts/screenshots/ (``report-views-*``) for people to look at.
"""

import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, NARROW, SCREENSHOTS

AXE = Axe()
TRACKER = "/reports/goal-tracker/"
HOME = "/reports/"


def _sign_in(page, live_server, username: str = "manager") -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def _save(page, name: str, *, full: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"report-views-{name}.png"), full_page=full)


def _page_width(page) -> int:
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )


def _bottom(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


def _no_serious_accessibility_problems(page) -> None:
    violations = AXE.run(page).response["violations"]
    serious = [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def _conversions_column(page) -> list[Decimal]:
    """The conversions of the agents' rows, top to bottom (the unattributed row left out)."""
    headers = page.locator("#tracker-table thead th").all_inner_texts()
    index = next(i for i, text in enumerate(headers) if text.lower().startswith("conversions"))
    values = []
    for row in page.locator("#tracker-table tbody tr").all():
        if "Unattributed" in row.locator("th").inner_text():
            continue
        text = row.locator("th, td").nth(index).inner_text()
        values.append(Decimal(re.sub(r"[^\d.]", "", text) or "0"))
    return values


@pytest.mark.usefixtures("demo")
def test_manager_sorts_and_reads_the_trend_on_a_laptop(page, live_server):
    page.set_viewport_size(DESKTOP)
    _sign_in(page, live_server)
    # The overview: the headline numbers with their change, and the trend.
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.locator("#headlines").get_by_text("Conversion rate")).to_be_visible()
    expect(page.locator("#trend").get_by_role("img").first).to_be_visible()
    _no_serious_accessibility_problems(page)
    _save(page, "home-desktop")

    page.goto(f"{live_server.url}{TRACKER}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent goal tracker")
    # Wide screens show the filter form as it always was, without the "Filters" button.
    expect(page.get_by_label("Agent", exact=True)).to_be_visible()
    expect(page.locator(".filters-fold__summary")).to_be_hidden()
    headlines = page.locator("#headlines")
    expect(headlines.get_by_text("Conversion rate")).to_be_visible()
    expect(headlines.locator(".stat__change").first).to_contain_text(" vs ")
    assert _bottom(headlines) <= DESKTOP["height"] + 120  # begins within the first screen
    _no_serious_accessibility_problems(page)
    _save(page, "tracker-desktop")

    # Sort by conversions: biggest first, then the other way round, kept in the URL.
    conversions = page.locator("#tracker-table thead th", has_text="Conversions").first
    conversions.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert "sort=-conversions" in page.url
    expect(page.locator("#tracker-table thead th[aria-sort]")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(page.locator("#tracker-table thead th[aria-sort]")).to_contain_text("Conversions")
    values = _conversions_column(page)
    assert len(values) > 1
    assert values == sorted(values, reverse=True)
    page.locator("#tracker-table thead th", has_text="Conversions").first.get_by_role(
        "link"
    ).click()
    page.wait_for_load_state("networkidle")
    assert "sort=conversions" in page.url
    assert _conversions_column(page) == sorted(values)

    # Choosing a filter keeps the order (the form carries ``sort``).
    with page.expect_response(lambda r: "source=" in r.url and r.request.headers.get("hx-request")):
        page.get_by_label("Source").select_option(label="Agent-reported")
    assert "sort=conversions" in page.url
    expect(page.locator("#tracker-table thead th[aria-sort]")).to_have_attribute(
        "aria-sort", "ascending"
    )

    # The trend by week, with its numbers in a table.
    trend = page.locator("#trend")
    trend.get_by_role("link", name="By week").click()
    page.wait_for_load_state("networkidle")
    assert "trend=week" in page.url
    assert "sort=conversions" in page.url
    expect(trend.get_by_role("heading", level=2)).to_have_text("Trend by week")
    expect(trend.get_by_role("img").first).to_be_visible()
    trend.get_by_text("Show the trend as a table").click()
    expect(trend.locator("table tbody tr").first).to_be_visible()
    trend.scroll_into_view_if_needed()
    _save(page, "tracker-sorted-weekly-desktop")


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("path", [TRACKER, HOME])
def test_on_a_phone_the_totals_come_first_and_nothing_is_wider_than_the_screen(
    browser, live_server, path
):
    context = browser.new_context(
        viewport=NARROW, locale="en-GB", is_mobile=True, has_touch=True, reduced_motion="reduce"
    )
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        name = "tracker" if path == TRACKER else "home"
        _save(page, f"{name}-phone-first-screen", full=False)
        _save(page, f"{name}-phone")
        assert _page_width(page) <= NARROW["width"]
        headlines = page.locator("#headlines")
        expect(headlines).to_be_visible()
        assert page.evaluate("window.scrollY") == 0
        assert _bottom(headlines.locator(".stat").first) <= NARROW["height"]
        assert _bottom(headlines) <= NARROW["height"], "the totals end below the first screen"

        if path == TRACKER:
            # The filters wait behind a button that names the active ones.
            agent = page.get_by_label("Agent", exact=True)
            expect(agent).to_be_hidden()
            page.locator(".filters-fold__summary").click()
            expect(agent).to_be_visible()
            _save(page, "tracker-phone-filters-open", full=False)
            # The wide table scrolls inside its own focusable box, not the page.
            wrap = page.locator(".table-wrap", has=page.locator("#tracker-table"))
            expect(wrap).to_have_attribute("tabindex", "0")
            assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
            wrap.evaluate("el => { el.scrollLeft = 360; }")
            wrap.screenshot(path=str(SCREENSHOTS / "report-views-tracker-phone-table-scrolled.png"))
            assert _page_width(page) <= NARROW["width"]
        _no_serious_accessibility_problems(page)
    finally:
        context.close()
