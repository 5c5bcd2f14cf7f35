"""Which events reach which goal, counted by hand on small fixtures (SPEC sections 2 and 7)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from campaigns.catalogue import AttributeType, ServiceStatus
from campaigns.models import GoalType
from reporting.selectors.events import Drill, Measure, event_page
from tests.factories import AgentFactory
from tests.reporting.factories import T0, campaign, context_for, conversation, event, goal

pytestmark = pytest.mark.django_db


def test_sell_any_value_counts_every_transaction_and_nothing_else(default_sell, tracker):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="10.00", action_id="A-1")
    event(conversation=talk, amount="0.00", action_id="A-2")
    event(AttributeType.LEAD, conversation=talk, amount="99.00", action_id="L-1")
    rows, _ = tracker(context_for())
    assert rows[agent.pk].conversions == 2
    assert rows[agent.pk].revenue == {"USD": Decimal("10.00")}
    assert rows[agent.pk].lead_value == {"USD": Decimal("99.00")}


def test_sell_more_than_x_needs_more_than_x_in_xs_currency(tracker):
    agent = AgentFactory()
    over_100 = campaign(goal(GoalType.SELL, sell_more_than=Decimal(100), sell_currency="USD"))
    talk = conversation(agent, campaign=over_100)
    event(conversation=talk, amount="150.00", action_id="A-1")  # reaches
    event(conversation=talk, amount="100.00", action_id="A-2")  # not more than 100
    event(conversation=talk, amount="500.00", currency="EUR", action_id="A-3")  # other currency
    rows, _ = tracker(context_for())
    assert rows[agent.pk].conversions == 1
    # Revenue counts every de-duplicated transaction, whether or not the threshold was met,
    # and never adds currencies together.
    assert rows[agent.pk].revenue == {"USD": Decimal("250.00"), "EUR": Decimal("500.00")}


def test_leads_goal_counts_leads(tracker):
    agent = AgentFactory()
    talk = conversation(agent, campaign=campaign(goal(GoalType.LEADS)))
    event(AttributeType.LEAD, conversation=talk, amount="20.00", action_id="L-1")
    event(AttributeType.LEAD, conversation=talk, action_id="L-2")
    event(conversation=talk, amount="5.00", action_id="A-1")
    rows, _ = tracker(context_for())
    assert rows[agent.pk].conversions == 2
    assert rows[agent.pk].lead_value == {"USD": Decimal("20.00")}


def test_service_goal_matches_a_status_box_by_topic_case_insensitively_and_status(tracker):
    agent = AgentFactory()
    service = goal(GoalType.SERVICE, boxes=[("Refund", ServiceStatus.COMPLETE)])
    talk = conversation(agent, campaign=campaign(service))
    kind = AttributeType.SERVICE
    event(kind, conversation=talk, topic="  rEFUND ", status=0, action_id="S-1")  # reaches
    event(kind, conversation=talk, topic="Refund", status=1, action_id="S-2")  # other status
    event(kind, conversation=talk, topic="Billing", status=0, action_id="S-3")  # other topic
    rows, _ = tracker(context_for())
    assert rows[agent.pk].conversions == 1
    assert rows[agent.pk].service == {0: 2, 1: 1}


def test_interact_with_visitors_is_reached_by_every_handled_conversation(tracker):
    agent = AgentFactory()
    interact = campaign(goal(GoalType.INTERACT))
    for day in range(3):
        talk = conversation(agent, campaign=interact, started=T0 + timedelta(days=day))
        event(conversation=talk, amount="5.00", action_id=f"A-{day}")
    rows, _ = tracker(context_for())
    assert rows[agent.pk].handled == 3
    assert rows[agent.pk].interactions == 3
    assert rows[agent.pk].conversions == 0  # an assisting goal is not a conversion
    assert rows[agent.pk].revenue == {"USD": Decimal("15.00")}


def test_a_conversation_without_campaign_uses_the_default_campaigns_goal(default_sell, tracker):
    agent = AgentFactory()
    leads = campaign(goal(GoalType.LEADS))
    event(conversation=conversation(agent), amount="5.00", action_id="A-1")  # default: sell
    event(conversation=conversation(agent, campaign=leads), amount="5.00", action_id="A-2")
    rows, _ = tracker(context_for())
    assert rows[agent.pk].conversions == 1
    page = event_page(context_for(), Drill(Measure.CONVERSIONS))
    assert [row.goal_name for row in page.rows] == [default_sell.goal.name]


def test_retracted_events_leave_the_reports(default_sell, tracker):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="5.00", action_id="A-1", retracted=True)
    event(conversation=talk, amount="7.00", action_id="A-2")
    rows, _ = tracker(context_for())
    assert rows[agent.pk].conversions == 1
    assert rows[agent.pk].revenue == {"USD": Decimal("7.00")}


def test_goal_type_and_source_filters(default_sell, tracker):
    agent = AgentFactory()
    talk = conversation(agent)
    event(conversation=talk, amount="5.00", action_id="A-1")
    event(conversation=talk, amount="7.00", action_id="A-2", source="server_api")
    assert tracker(context_for(source="agent"))[0][agent.pk].revenue == {"USD": Decimal("5.00")}
    assert tracker(context_for(source="customer"))[0][agent.pk].revenue == {"USD": Decimal("7.00")}
    assert tracker(context_for(goal_type=GoalType.LEADS))[0][agent.pk].conversions == 0
