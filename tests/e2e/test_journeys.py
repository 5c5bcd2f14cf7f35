"""The three people's journeys, clicked as they would click them (issue 9).

Each journey signs in through the login form and goes where a person would go. At every page and
state it visits, ``look`` runs axe-core (no serious or critical violation may remain) and saves a
screenshot at desktop and at narrow width under test-artifacts/screenshots/ for people to review
(``make screenshots``). Each test reports every accessibility problem it met at its end, so one run
shows them all.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template.loader import render_to_string
from playwright.sync_api import expect

from campaigns.models import AgentSurvey, AttributeConfig
from tests.e2e.conftest import DESKTOP, NARROW, SCREENSHOTS
from workspace.models import Conversation, EngagementAttributeEvent

AXE = Axe()
BLOCKING = {"serious", "critical"}
AXE_REPORTS = SCREENSHOTS.parent / "axe"


class Look:
    """``look("name")``: axe on the page as it is now, then a desktop and a narrow screenshot."""

    def __init__(self, page, journey: str):
        self.page, self.journey = page, journey
        self.count = 0
        self.problems: list[str] = []
        self.summary: dict[str, dict[str, int]] = {}

    def __call__(self, name: str) -> None:
        self.count += 1
        label = f"{self.journey}-{self.count:02d}-{name}"
        self.page.wait_for_load_state("networkidle")
        violations = AXE.run(self.page).response["violations"]
        impacts: dict[str, int] = {}
        for violation in violations:
            impact = violation.get("impact") or "minor"
            impacts[impact] = impacts.get(impact, 0) + len(violation["nodes"])
            if impact in BLOCKING:
                targets = ", ".join(str(n["target"]) for n in violation["nodes"][:5])
                self.problems.append(
                    f"{label}: {violation['id']} ({impact}) {violation['help']} at {targets}"
                )
        self.summary[label] = impacts
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self._shot(f"{label}-desktop", DESKTOP)
        self._shot(f"{label}-narrow", NARROW)
        self.page.set_viewport_size(DESKTOP)

    def _shot(self, name: str, size: dict) -> None:
        # A window as tall as the page, rather than a full-page capture, so that a sticky footer
        # is drawn at the bottom where people see it, not in the middle of the picture.
        self.page.set_viewport_size(size)
        height = self.page.evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    def finish(self) -> None:
        AXE_REPORTS.mkdir(parents=True, exist_ok=True)
        report = {"pages": self.summary, "blocking": self.problems}
        (AXE_REPORTS / f"{self.journey}.json").write_text(json.dumps(report, indent=2))
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def look(page, request):
    """A ``Look`` named after the journey; the test calls ``look.finish()`` at its end."""
    return Look(page, request.node.name.removeprefix("test_").split("_")[0])


def fulfil_with(body: str, status: int):
    """A route handler answering with ``body``: the 500 and 503 pages, which no view serves."""
    return lambda route: route.fulfill(status=status, body=body, content_type="text/html")


def swapped_in_place(page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"


def mark_page(page) -> None:
    page.evaluate("window.__marker = 1")


# --- The campaign manager ----------------------------------------------------------------------


def test_campaigns_configure_outcomes_and_a_survey(demo, page, login, look, live_server):
    AttributeConfig.objects.filter(attribute_type="lead").delete()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    look("sign-in")
    page.get_by_label("Username").fill("campaigns")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    look("sign-in-refused")
    login("campaigns")
    expect(page.get_by_role("heading", level=1)).to_have_text("Campaign Builder")
    look("builder")

    page.get_by_role("contentinfo").get_by_role("link", name="Data Sources").click()
    expect(page.get_by_role("heading", name="Engagement attributes")).to_be_visible()
    look("data-sources")

    journey = page.locator(".category").filter(
        has=page.get_by_role("heading", name="Visitor journey")
    )
    journey.get_by_role("link", name="Configure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visitor journey")
    look("configure-category")

    page.locator("#attribute-lead").get_by_text("Lead", exact=True).click()
    form = page.locator("#attribute-config-lead")
    mark_page(page)
    form.get_by_role("switch", name="Submit by agent").check()
    form.get_by_role("button", name="Save", exact=True).click()
    expect(form.get_by_text("You must select at least one property")).to_be_visible()
    skills = form.get_by_role("group", name="Skills")
    expect(skills).to_have_attribute("aria-describedby", "id_lead-skills_error")
    look("configure-errors")

    form.get_by_label("Sales", exact=True).check()
    form.get_by_role("button", name="Add field to widget (Topic)").click()
    expect(form.get_by_label("Display name for Topic")).to_be_focused()
    form.get_by_label("Display name for Topic").fill("Interested in")
    form.get_by_role("button", name="Add field to widget (Value)").click()
    form.get_by_label("Display name for Value").fill("Estimated value")
    form.get_by_label("Required before close").check()
    form.get_by_role("button", name="Save", exact=True).click()
    expect(form.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    swapped_in_place(page)
    look("configure-saved")
    config = AttributeConfig.objects.get(attribute_type="lead")
    assert config.submit_by_agent
    assert config.required_before_close

    page.get_by_role("link", name="Campaign Builder").first.click()
    page.get_by_role("navigation", name="Campaign Builder").get_by_role(
        "link", name="Agent surveys"
    ).click()
    expect(page.get_by_role("table")).to_contain_text("General survey")
    look("survey-library")

    page.get_by_role("link", name="Add survey").click()
    page.get_by_role("button", name="Save").click()
    name = page.get_by_role("textbox", name="Name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    look("survey-errors")

    name.fill("Billing follow-up")
    page.get_by_label("Timeout after conversation close").fill("90")
    page.get_by_label("Billing", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit survey Billing follow-up")
    expect(page.get_by_role("status")).to_contain_text("Saved survey Billing follow-up")
    look("survey-saved")

    page.get_by_role("link", name="Add question").click()
    page.get_by_role("textbox", name="Question", exact=True).fill("Was the refund explained?")
    page.get_by_role("combobox", name="Type", exact=True).select_option(label="Single choice")
    page.get_by_role("textbox", name="Options", exact=True).fill("Yes\nNo\nNot needed")
    page.get_by_label("Required", exact=True).check()
    look("question-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#survey-questions")).to_contain_text("Was the refund explained?")
    look("survey-with-question")

    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_role("radio", name="Not needed")).to_be_visible()
    look("survey-preview")
    survey = AgentSurvey.objects.get(name="Billing follow-up")
    assert survey.questions.count() == 1
    look.finish()


# --- The agent ---------------------------------------------------------------------------------


def test_agent_handles_two_conversations(demo, page, login, look):
    login("agent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent Workspace")
    look("workspace")

    # A Sales conversation, with the mouse: outcomes and the survey.
    open_now = page.get_by_role("list", name="Open")
    open_now.get_by_role("link", name="demo-live-visitor-1").click()
    expect(page.get_by_role("heading", name="Conversation summary")).to_be_visible()
    look("sales-conversation")

    mark_page(page)
    outcomes = page.locator("#summary-outcomes")
    transaction = outcomes.get_by_role("group", name="Transaction")
    transaction.get_by_label("Order total").fill("-5")
    transaction.get_by_label("Order number").fill("WEB-2001")
    transaction.get_by_role("button", name="Submit").click()
    total = transaction.get_by_label("Order total")
    expect(total).to_be_focused()
    expect(total).to_have_attribute("aria-invalid", "true")
    error_id = total.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_have_text("Enter an amount of zero or more.")
    look("outcome-error")

    total.fill("249.90")
    transaction.get_by_role("button", name="Submit").click()
    expect(outcomes.locator(".outcome").first).to_contain_text("WEB-2001")
    expect(outcomes.get_by_role("status")).to_have_text("Saved.")
    expect(outcomes.get_by_role("status")).to_be_focused()
    swapped_in_place(page)
    look("outcome-saved")

    survey = page.locator("#summary-survey")
    survey.get_by_label("Conversation topic").select_option(label="Pricing")
    survey.get_by_role("radio", name="Sale made").check()
    survey.get_by_role("radio", name="Ready now").check()
    survey.get_by_role("button", name="Submit").click()
    expect(page.locator("#summary-survey")).to_contain_text("Submitted by Alex Agent")
    swapped_in_place(page)
    look("survey-submitted")

    page.get_by_role("button", name="Close conversation").click()
    expect(page.locator("#messages")).to_contain_text("Conversation closed.")
    look("sales-closed")

    # A General conversation, with the keyboard only: the survey, then closing it.
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role(
        "link", name="Agent Workspace"
    ).click()
    general = page.get_by_role("list", name="Open").get_by_role("link", name="demo-live-visitor-3")
    tab_to(page, general)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Conversation summary")).to_be_visible()
    expect(page.locator("#summary-outcomes")).to_have_count(0)
    look("general-conversation")

    mark_page(page)
    survey = page.locator("#summary-survey")
    tab_to(page, survey.get_by_role("radio", name="Yes"))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(survey.get_by_label("Conversation topic")).to_be_focused()
    page.keyboard.type("Other")
    tab_to(page, survey.get_by_label("Anything we should improve?"))
    page.keyboard.type("Opening hours, answered from the help page.")
    tab_to(page, survey.get_by_role("button", name="Submit"))
    page.keyboard.press("Enter")
    survey = page.locator("#summary-survey")
    expect(survey).to_contain_text("Submitted by Alex Agent")
    expect(survey).to_contain_text("Opening hours, answered from the help page.")
    swapped_in_place(page)
    expect(survey.get_by_role("status")).to_be_focused()  # the keyboard user stays in place
    look("general-survey-submitted")

    tab_to(page, page.get_by_role("button", name="Close conversation"))
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("Conversation closed.")
    look("general-closed")
    assert not Conversation.objects.filter(external_id__startswith="demo-live-", ended_at=None)
    look.finish()


def tab_to(page, locator, limit: int = 300) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {locator} with the keyboard")


# --- The agent manager -------------------------------------------------------------------------


def test_manager_tracks_drills_exports_and_amends(
    demo, page, login, look, live_server, settings, tmp_path, monkeypatch
):
    settings.REPORT_EXPORTS_DIR = str(tmp_path)
    login("manager")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    look("reports-home")

    page.get_by_role("navigation", name="Reports").get_by_role(
        "link", name="Agent goal tracker"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent goal tracker")
    look("goal-tracker")

    mark_page(page)
    with page.expect_response(lambda r: "agent=" in r.url and r.request.headers.get("hx-request")):
        page.get_by_label("Agent", exact=True).select_option(label="Alex Agent")
    table = page.locator("#tracker-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    swapped_in_place(page)
    look("goal-tracker-filtered")

    # Conversions are the bold number in the agent's row.
    table.locator("tbody tr").first.locator("td a:has(strong)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events behind the number")
    look("drill-down")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0].startswith("Credited conversation start (")
    assert len(rows) > 1

    # A large export is prepared in the background with a progress bar (tests run it at once).
    monkeypatch.setattr("reporting.views.exports.STREAM_LIMIT", 1)
    page.get_by_role("link", name="Download CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Large export")
    look("large-export")
    page.get_by_role("button", name="Prepare the file").click()
    expect(page.get_by_role("progressbar", name="Export progress")).to_be_visible()
    look("large-export-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert Path(download.value.path()).read_text(encoding="utf-8-sig") == text
    page.go_back()
    page.go_back()

    # Amend an agent-reported outcome, with a reason, from the events behind the number.
    reported = (
        page.locator("tbody tr").filter(has_text="Agent-reported").filter(has_text="Transaction")
    )
    reported.first.locator("td").last.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Conversation summary")).to_be_visible()
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumbs")
    expect(breadcrumbs.get_by_role("link", name="Reports")).to_be_visible()
    look("conversation")

    mark_page(page)
    outcomes = page.locator("#summary-outcomes")
    outcome = outcomes.locator(".outcome").first
    outcome.get_by_text("Amend", exact=True).click()
    edit = outcome.locator("details[open]")
    edit.get_by_label("Order total").fill("-999")
    edit.get_by_label("Reason").fill("Customer upgraded to the annual plan")
    edit.get_by_role("button", name="Save amendment").click()
    edit = outcomes.locator(".outcome").first.locator("details[open]")
    expect(edit.get_by_text("Enter an amount of zero or more.")).to_be_visible()
    expect(edit.get_by_label("Order total")).to_be_focused()
    look("amend-errors")
    edit.get_by_label("Order total").fill("999.00")
    edit.get_by_role("button", name="Save amendment").click()
    expect(outcomes.locator(".outcome").first).to_contain_text("999.00")
    outcomes.locator(".outcome").first.locator(".outcome__history summary").click()
    expect(outcomes.locator(".history").first).to_contain_text(
        "Customer upgraded to the annual plan"
    )
    swapped_in_place(page)
    look("amended")
    assert EngagementAttributeEvent.objects.filter(amount="999.00").exists()

    # Friendly error pages in the product's style.
    page.goto(f"{live_server.url}/workspace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    look("error-403")
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    look("error-404")
    for status in (500, 503):
        body = render_to_string(f"errors/{status}.html")
        url = f"{live_server.url}/error-{status}/"
        page.route(url, fulfil_with(body, status))
        page.goto(url)
        expect(page.locator(".errorpage__code")).to_have_text(str(status))
        look(f"error-{status}")
    look.finish()
