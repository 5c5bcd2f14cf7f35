"""De-duplication per type by order ID, lead ID, or service ID + topic + status: counted once,
valued by the first report, every provenance kept, conflicts flagged; currencies kept apart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.catalogue import AttributeType
from reporting.selectors.duplicates import duplicate_groups
from tests.factories import AgentFactory
from tests.reporting.factories import T0, context_for, conversation, event

pytestmark = pytest.mark.django_db
API = "server_api"


def test_same_order_from_agent_and_customer_counts_once_valued_by_the_first(default_sell, tracker):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="120.00", action_id="ORD-7", at=T0 + timedelta(minutes=3))
    event(
        conversation=talk,
        source=API,
        amount="99.00",
        action_id=" ord-7 ",
        at=T0 + timedelta(minutes=4),
    )
    rows, result = tracker(context_for())
    assert rows[agent.pk].conversions == 1
    assert rows[agent.pk].revenue == {"USD": Decimal("120.00")}
    assert result.distinct_total.revenue == {"USD": Decimal("120.00")}


def test_the_first_report_may_be_outside_the_period(default_sell, tracker):
    """A duplicate in April of a March order does not count again in April."""
    agent = AgentFactory()
    march = conversation(agent, started=T0)
    april = conversation(agent, started=T0 + timedelta(days=25))
    event(conversation=march, amount="10.00", action_id="ORD-1")
    event(conversation=april, amount="10.00", action_id="ORD-1")
    from datetime import date

    rows, _ = tracker(context_for(start=date(2026, 4, 1), end=date(2026, 4, 30)))
    assert rows[agent.pk].conversions == 0


def test_retracting_the_first_report_lets_the_next_one_count(default_sell, tracker):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="120.00", action_id="ORD-7", retracted=True)
    event(
        conversation=talk, source=API, amount="99.00", action_id="ORD-7", at=T0 + timedelta(hours=1)
    )
    rows, _ = tracker(context_for())
    assert rows[agent.pk].revenue == {"USD": Decimal("99.00")}


def test_keys_are_per_type_and_service_keys_include_topic_and_status(default_sell, tracker):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="5.00", action_id="X-1")
    event(AttributeType.LEAD, conversation=talk, amount="6.00", action_id="X-1")  # other type
    kind = AttributeType.SERVICE
    event(kind, conversation=talk, topic="Refund", status=0, action_id="S-1")
    event(kind, conversation=talk, topic=" REFUND", status=0, action_id="s-1")  # duplicate
    event(kind, conversation=talk, topic="Refund", status=13, action_id="S-1")  # other status
    rows, _ = tracker(context_for())
    assert rows[agent.pk].revenue == {"USD": Decimal("5.00")}
    assert rows[agent.pk].lead_value == {"USD": Decimal("6.00")}
    assert rows[agent.pk].service == {0: 1, 13: 1}


def test_currencies_are_never_added_together(default_sell, tracker):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="10.00", currency="USD", action_id="A")
    event(conversation=talk, amount="20.00", currency="EUR", action_id="B")
    event(conversation=talk, amount="1000", currency="JPY", action_id="C")
    event(conversation=talk, amount="5.00", currency="USD", action_id="D")
    rows, _ = tracker(context_for())
    assert rows[agent.pk].revenue == {
        "USD": Decimal("15.00"),
        "EUR": Decimal("20.00"),
        "JPY": Decimal("1000"),
    }


def test_review_list_keeps_every_provenance_and_flags_differing_values(default_sell):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="120.00", action_id="ORD-7")
    event(
        conversation=talk,
        source=API,
        amount="120.00",
        currency="EUR",
        action_id="ORD-7",
        at=T0 + timedelta(hours=1),
    )
    event(conversation=talk, amount="5.00", action_id="ORD-8")
    event(
        conversation=talk, source=API, amount="5.00", action_id="ORD-8", at=T0 + timedelta(hours=1)
    )
    event(conversation=talk, amount="1.00", action_id="ORD-9")  # reported once: not listed
    groups, _page = duplicate_groups(context_for())
    flagged = {
        g.first.action_id: (g.reports, g.conflict, [e.source for e in g.events]) for g in groups
    }
    assert flagged == {
        "ORD-7": (2, True, ["agent_widget", "server_api"]),
        "ORD-8": (2, False, ["agent_widget", "server_api"]),
    }
    only_conflicts, _page = duplicate_groups(context_for(), conflicts_only=True)
    assert [g.first.action_id for g in only_conflicts] == ["ORD-7"]


def test_review_list_page_shows_both_reports(default_sell, admin_client):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="120.00", action_id="ORD-7")
    event(
        conversation=talk, source=API, amount="99.00", action_id="ORD-7", at=T0 + timedelta(hours=1)
    )
    response = admin_client.get(
        reverse("reporting:duplicate-list"), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    html = response.content.decode()
    assert "Values differ: check" in html
    assert "First report: counted" in html
    assert "Duplicate: not counted" in html
