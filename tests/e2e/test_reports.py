"""The demo agent manager reads the goal tracker: filters without a reload, drills down from a
number to the events behind it, and downloads them as CSV."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Campaign, Goal, GoalType, Skill, User
from workspace.models import Conversation, EngagementAttributeEvent, Segment, Visitor
from workspace.services.credit import credit_conversations


@pytest.fixture
def e2e_order(demo):
    """An order the test can recognise, reported by the demo agent yesterday."""
    agent = User.objects.get(username="agent")
    goal = Goal.objects.create(name="E2E any sale", goal_type=GoalType.SELL)
    campaign = Campaign.objects.create(name="E2E sales", goal=goal)
    started = timezone.now() - timedelta(days=1)
    talk = Conversation.objects.create(
        external_id="e2e-report-1",
        visitor=Visitor.objects.create(external_id="e2e-visitor-1"),
        skill=Skill.objects.get(name="Sales"),
        campaign=campaign,
        agent=agent,
        started_at=started,
        ended_at=started + timedelta(minutes=9),
    )
    Segment.objects.create(conversation=talk, agent=agent, skill=talk.skill, started_at=started)
    EngagementAttributeEvent.objects.create(
        attribute_type="purchase",
        source="agent_widget",
        conversation=talk,
        visitor=talk.visitor,
        agent=agent,
        reported_by=agent,
        skill=talk.skill,
        occurred_at=started + timedelta(minutes=3),
        received_at=started + timedelta(minutes=3),
        amount=Decimal("123.45"),
        currency="USD",
        action_id="E2E-ORDER-1",
        dedupe_key="purchase:e2e-order-1",
    )
    credit_conversations([talk.pk])  # its handling and its events, as the services do
    return agent


def test_manager_filters_drills_down_and_downloads_csv(e2e_order, page, login, shot):
    login("manager")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_role("navigation", name="Reports").get_by_role(
        "link", name="Agent goal tracker"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent goal tracker")
    expect(page.locator("#tracker-table")).to_contain_text("Sam Sutton")
    page.evaluate("window.__marker = 1")

    # Filter by agent: htmx swaps the report body and pushes the filters into the URL.
    with page.expect_response(lambda r: "agent=" in r.url and r.request.headers.get("hx-request")):
        page.get_by_label("Agent", exact=True).select_option(label="Alex Agent")
    table = page.locator("#tracker-table")
    expect(table).not_to_contain_text("Sam Sutton")
    expect(table.locator("tbody tr")).to_have_count(1)
    assert f"agent={e2e_order.pk}" in page.url
    assert page.evaluate("window.__marker") == 1  # no full reload
    shot("reports-goal-tracker-filtered")

    # Drill down from the agent's conversions to the events behind them.
    conversions = table.locator("tbody tr").first.locator("td").nth(2).get_by_role("link")
    expected = conversions.inner_text()
    conversions.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events behind the number")
    expect(page.locator(".stat").nth(1)).to_contain_text(expected)
    expect(page.get_by_role("cell", name="E2E-ORDER-1")).to_be_visible()
    shot("reports-drilldown-events")

    # The CSV has the same rows as the drill-down, with titles and times a spreadsheet reads.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[0].startswith("Credited conversation start (")
    assert len(body) == int(page.locator(".stat").first.locator(".stat__value").inner_text())
    ours = next(row for row in body if "E2E-ORDER-1" in row)
    record = dict(zip(header, ours, strict=True))
    assert record["Value"] == "123.45"
    assert record["Credited agent"] == "Alex Agent"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", record[header[0]])


def test_agent_reads_their_own_summary(e2e_order, page, login, shot):
    login("agent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent Workspace")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My summary")
    expect(page.get_by_role("cell", name="E2E-ORDER-1")).to_be_visible()
    shot("reports-my-summary")
