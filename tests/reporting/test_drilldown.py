"""Every number opens what is behind it, and what is behind it adds up to the number."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import GoalType
from reporting.filters import NONE, Breakdown
from reporting.selectors.conversations import handled_conversations
from reporting.selectors.events import Drill, Measure, event_page, event_totals
from tests.factories import AgentFactory, SkillFactory, VisitorFactory
from tests.reporting.factories import T0, campaign, context_for, conversation, event, goal

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(default_sell):
    sales, billing = SkillFactory(name="Sales"), SkillFactory(name="Billing")
    a, b = AgentFactory(), AgentFactory()
    interact = campaign(goal(GoalType.INTERACT))
    for i in range(4):
        talk = conversation(
            a, b, skill=sales if i % 2 else billing, started=T0 + timedelta(hours=i)
        )
        event(conversation=talk, amount=f"{i}.25", action_id=f"A-{i}")
        event(
            conversation=talk,
            source="server_api",
            amount="3.00",
            currency="EUR",
            action_id=f"C-{i}",
        )
        event("service", conversation=talk, topic="Refund", status=i % 2, action_id=f"S-{i}")
    conversation(b, campaign=interact, started=T0)
    visitor = VisitorFactory()
    conversation(a, visitor=visitor, started=T0 - timedelta(days=1))
    event(visitor=visitor, source="server_api", amount="8.00", at=T0)
    return a, b


@pytest.mark.parametrize(
    "by", [Breakdown.AGENT, Breakdown.SKILL, Breakdown.CAMPAIGN, Breakdown.GOAL]
)
def test_drilldowns_add_up_to_the_rows(mixed, tracker, by):
    context = context_for(by=by)
    _rows, result = tracker(context)
    sub_filter = {"skill": "skill_id", "campaign": "campaign_id", "goal": "goal_id"}.get(by)
    for row in result.rows:
        narrowed = {"agent_id": row.agent_id}
        if sub_filter:
            narrowed[sub_filter] = NONE if row.sub_id is None else row.sub_id
        row_context = context_for(by=by, **narrowed)
        m = row.measures
        assert event_page(row_context, Drill(Measure.CONVERSIONS)).weight == m.conversions
        assert event_page(row_context, Drill(Measure.CROSS_SESSION)).weight == m.cross_session
        for currency, amount in m.revenue.items():
            money = dict(event_page(row_context, Drill(Measure.REVENUE, currency=currency)).money)
            assert money[currency] == amount
        for status, value in m.service.items():
            assert event_page(row_context, Drill(Measure.SERVICE, status=status)).weight == value
        assert handled_conversations(row_context).count() == m.handled
        assert handled_conversations(row_context, interactions=True).count() == m.interactions


def test_the_table_links_every_number(mixed, admin_client):
    html = admin_client.get(
        reverse("reporting:goal-tracker"), {"start": "2026-03-01", "end": "2026-03-31"}
    ).content.decode()
    for fragment in (
        "family=handled",
        "family=interactions",
        "measure=conversions",
        "measure=in_session",
        "measure=cross_session",
        "measure=revenue&amp;currency=USD",
        "measure=lead_value" if "Lead value" in html else "measure=revenue&amp;currency=EUR",
        "measure=service&amp;status=1",
    ):
        assert fragment in html, fragment


def test_the_event_list_shows_the_numbers_total(mixed, admin_client):
    a, _b = mixed
    response = admin_client.get(
        reverse("reporting:event-list"),
        {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "agent": a.pk,
            "measure": "revenue",
            "currency": "USD",
        },
    )
    events = response.context["events"]
    assert events.money == [("USD", Decimal("8.00"))]  # only the visitor's order: last agent is b
    assert "Revenue (transactions) · USD" in response.content.decode()


def test_the_tracker_totals_of_goal_reached_events_equal_their_own_query(mixed, tracker):
    _rows, result = tracker(context_for())
    totals = event_totals(context_for(), Drill(Measure.CONVERSIONS))
    # The tracker's own totals are the sums of rows (the list adds each event once beside them).
    assert result.reached.as_event_totals() == {k: totals[k] for k in ("count", "weight", "money")}
    assert result.reached.rows > 0
