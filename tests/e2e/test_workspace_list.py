"""The Agent Workspace list and the deadline countdown in a real browser (issue 14, findings 5
and 7): search, filter and pages swap the results in place and stay in the address; without
JavaScript the same form works by plain GET; transferred conversations sit under their own
heading; the countdown is in the agent's zone and its script keeps it current."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Skill, User
from tests.e2e.conftest import DESKTOP, NARROW
from tests.factories import ConversationFactory, VisitorFactory
from tests.workspace.factories import attribute_config
from workspace.models import Segment
from workspace.selectors.inbox import PAGE_SIZE


@pytest.fixture
def inbox(demo):
    """The demo agent in Berlin with a page and a half of closed conversations, one just closed
    (its outcome window open) and one transferred to another agent."""
    agent, other = User.objects.get(username="agent"), User.objects.get(username="agent2")
    agent.time_zone = "Europe/Berlin"
    agent.save(update_fields=["time_zone"])
    sales = Skill.objects.get(name="Sales")
    attribute_config("purchase", skills=[sales], required=True)
    now = timezone.now()
    for i in range(PAGE_SIZE + 5):
        ConversationFactory(
            agent=agent,
            skill=sales,
            external_id=f"old-{i:03d}",
            started_at=now - timedelta(days=20 + i, minutes=10),
            ended_at=now - timedelta(days=20 + i),
        )
    just_closed = ConversationFactory(
        agent=agent,
        skill=sales,
        external_id="just-closed",
        visitor=VisitorFactory(external_id="visitor-marta"),
        started_at=now - timedelta(minutes=12),
        ended_at=now - timedelta(minutes=2),
    )
    gone = ConversationFactory(agent=other, skill=sales, external_id="handed-over")
    Segment.objects.create(
        conversation=gone,
        agent=agent,
        skill=sales,
        started_at=gone.started_at - timedelta(minutes=5),
        ended_at=gone.started_at,
        end_reason=Segment.EndReason.TRANSFER,
    )
    return just_closed


def results(page):
    return page.locator("#conversation-results")


def test_agent_searches_filters_and_pages_the_list(inbox, page, live_server, login, shot):
    login("agent")
    page.goto(f"{live_server.url}/workspace/")
    expect(page.get_by_text("Times are in CET (Europe/Berlin).")).to_be_visible()
    expect(results(page).get_by_text("Closed 2\u00a0minutes ago")).to_be_visible()
    shot("workspace-list-1366")
    results(page).get_by_role("link", name="1 transferred to someone else").click()
    expect(page.get_by_role("heading", name="Transferred to someone else")).to_be_visible()
    expect(results(page).get_by_text("handed-over")).to_be_visible()
    expect(results(page).get_by_text("Now with Sam Sutton")).to_be_visible()
    expect(results(page).get_by_text("Outcome pending")).to_have_count(0)
    shot("workspace-list-transferred-1366")
    page.get_by_role("link", name="Clear").click()
    page.evaluate("window.__marker = 1")

    page.get_by_label("Search by conversation or visitor ID").fill("marta")
    expect(page).to_have_url(re.compile(r"q=marta"))
    expect(results(page).locator(".conv-list a")).to_have_count(1)
    expect(results(page).get_by_text("visitor-marta")).to_be_visible()
    expect(results(page).get_by_text("Outcome pending")).to_be_visible()
    assert page.evaluate("window.__marker") == 1, "the search reloaded the page"

    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Show").select_option("closed")
    expect(page).to_have_url(re.compile(r"status=closed"))
    page.evaluate("window.__marker = 1")
    expect(results(page)).to_contain_text(re.compile(r"Page 1 of \d+"))
    results(page).get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"status=closed&page=2"))
    expect(results(page)).to_contain_text(re.compile(r"Page 2 of \d+"))
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"
    expect(results(page).get_by_text("handed-over")).to_have_count(0)

    page.reload()  # the address alone brings the same page back
    expect(results(page)).to_contain_text(re.compile(r"Page 2 of \d+"))
    expect(page.get_by_label("Show")).to_have_value("closed")

    page.set_viewport_size(NARROW)
    page.goto(f"{live_server.url}/workspace/")
    shot("workspace-list-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the list is {width} px wide at 390 px"
    page.set_viewport_size(DESKTOP)


def test_the_list_works_without_javascript(inbox, browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/workspace/")
    page.get_by_label("Search by conversation or visitor ID").fill("just-closed")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=just-closed"))
    expect(results(page).locator(".conv-list a")).to_have_count(1)
    context.close()


def test_the_deadline_counts_down_in_the_agents_zone(inbox, page, live_server, login, shot):
    login("agent")
    page.goto(f"{live_server.url}/workspace/conversations/{inbox.pk}/")
    deadline = page.locator("#summary-outcomes [data-deadline]")
    expect(deadline).to_contain_text(re.compile(r"until \d\d:\d\d CET, 2[78] min left"))
    expect(page.locator(".usermenu__zone")).to_have_text("CET")
    deadline.scroll_into_view_if_needed()
    page.screenshot(path=str(shot("workspace-countdown-1366")))  # the widget scrolls on its own
    # The script refreshes what is left from the deadline alone: move it three minutes away.
    page.evaluate(
        """() => {
            const d = document.querySelector('[data-deadline]');
            d.setAttribute('data-deadline', new Date(Date.now() + 185000).toISOString());
            document.dispatchEvent(new Event('htmx:afterSettle'));
        }"""
    )
    expect(deadline.locator("[data-deadline-left]")).to_have_text("3 min left")
    page.evaluate(
        """() => {
            const d = document.querySelector('[data-deadline]');
            d.setAttribute('data-deadline', new Date(Date.now() - 1000).toISOString());
            document.dispatchEvent(new Event('htmx:afterSettle'));
        }"""
    )
    expect(deadline.locator("[data-deadline-left]")).to_have_text("time is up")
    page.set_viewport_size(NARROW)
    page.reload()
    expect(deadline).to_be_visible()
    deadline.scroll_into_view_if_needed()
    page.screenshot(path=str(shot("workspace-countdown-390")))


def test_agent_chooses_a_zone_and_number_format(inbox, page, live_server, login, shot):
    login("agent")
    page.goto(f"{live_server.url}/workspace/")
    page.get_by_role("link", name=re.compile("Alex Agent")).click()
    expect(page.get_by_role("heading", name="Preferences")).to_be_visible()
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_label("1.234,50 (decimal comma)").check()
    shot("preferences-1366")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Preferences saved.")).to_be_visible()
    page.get_by_role("link", name="Agent Workspace").first.click()
    expect(page.get_by_text("Times are in JST (Asia/Tokyo).")).to_be_visible()
    assert User.objects.get(username="agent").number_format == "comma"
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server.url}/preferences/")
    shot("preferences-390")
