"""Monthly targets: attainment and pace computed by hand; who may set them."""

import html as html_lib
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import AuditEntry, GoalType
from reporting.models import Target
from reporting.selectors.targets import attainment_for
from tests.factories import AgentFactory
from tests.reporting.factories import T0, context_for, conversation, event

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)
MID_MARCH = datetime(2026, 3, 16, 0, 0, tzinfo=UTC)  # 15 of 31 days have passed


@pytest.fixture
def sales(default_sell, agent, sales_group):
    """``agent`` sold twice in March (10 USD and 20 EUR); a teammate once (5 USD)."""
    teammate = AgentFactory(agent_group=sales_group)
    talk = conversation(agent, started=T0)
    event(conversation=talk, amount="10.00", action_id="A-1")
    event(conversation=talk, amount="20.00", currency="EUR", action_id="A-2")
    event(conversation=conversation(teammate, started=T0), amount="5.00", action_id="A-3")
    return teammate


def test_attainment_and_pace_of_an_agent_target(sales, agent):
    Target.objects.create(
        month=MARCH,
        agent=agent,
        goal_type=GoalType.SELL,
        count_target=4,
        value_target=Decimal("100.00"),
        currency="USD",
    )
    [item] = attainment_for(context_for(now=MID_MARCH), MARCH)
    assert item.actual_count == 2
    assert item.count_percent == 50
    assert item.actual_value == Decimal("10.00")  # USD only: the EUR sale is another currency
    assert item.value_percent == 10
    assert item.expected_count == Decimal("1.94")  # 4 x 15/31
    assert item.pace == "ahead"
    assert item.projected_count == Decimal("4.1")  # 2 / (15/31)


def test_a_group_target_adds_up_its_current_members(sales, agent, sales_group):
    Target.objects.create(month=MARCH, group=sales_group, goal_type=GoalType.SELL, count_target=6)
    [item] = attainment_for(context_for(now=MID_MARCH), MARCH)
    assert item.actual_count == 3
    assert item.count_percent == 50
    assert item.pace == "ahead"  # 3 >= 6 x 15/31 = 2.9


def test_pace_after_and_before_the_month(sales, agent):
    Target.objects.create(month=MARCH, agent=agent, goal_type=GoalType.SELL, count_target=3)
    [after] = attainment_for(context_for(now=datetime(2026, 4, 2, tzinfo=UTC)), MARCH)
    [before] = attainment_for(context_for(now=datetime(2026, 2, 2, tzinfo=UTC)), MARCH)
    assert after.pace == "missed"
    assert before.pace == ""


def test_managers_see_targets_of_their_groups_only(sales, agent, other_agent, agent_manager):
    Target.objects.create(month=MARCH, agent=agent, goal_type=GoalType.SELL, count_target=3)
    Target.objects.create(month=MARCH, agent=other_agent, goal_type=GoalType.SELL, count_target=3)
    items = attainment_for(context_for(agent_manager, now=MID_MARCH), MARCH)
    assert [item.target.agent for item in items] == [agent]


def test_a_manager_sets_a_target_for_their_agent(agent_manager_client, agent):
    response = agent_manager_client.post(
        reverse("reporting:target-create"),
        {
            "month": "2026-03",
            "who": f"agent:{agent.pk}",
            "goal_type": "sell",
            "count_target": "5",
            "value_target": "1000.00",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.agent, target.count_target, target.value_target, target.currency) == (
        agent,
        Decimal(5),
        Decimal("1000.00"),
        "EUR",
    )
    assert AuditEntry.objects.filter(action="target.save").count() == 1


def test_a_manager_cannot_set_a_target_for_another_group(
    agent_manager_client, other_agent, billing_group
):
    for who in (f"agent:{other_agent.pk}", f"group:{billing_group.pk}"):
        response = agent_manager_client.post(
            reverse("reporting:target-create"),
            {"month": "2026-03", "who": who, "goal_type": "sell", "count_target": "5"},
        )
        assert response.status_code == 422
    assert not Target.objects.exists()


def test_a_manager_cannot_edit_another_groups_target(agent_manager_client, other_agent):
    target = Target.objects.create(month=MARCH, agent=other_agent, goal_type="sell", count_target=3)
    assert (
        agent_manager_client.get(reverse("reporting:target-update", args=[target.pk])).status_code
        == 404
    )
    assert (
        agent_manager_client.post(reverse("reporting:target-delete", args=[target.pk])).status_code
        == 404
    )
    assert Target.objects.filter(pk=target.pk).exists()


def test_campaign_managers_read_targets_but_do_not_set_them(campaign_manager_client):
    assert campaign_manager_client.get(reverse("reporting:target-list")).status_code == 200
    assert campaign_manager_client.get(reverse("reporting:target-create")).status_code == 403


def test_bad_target_input_shows_errors_and_saves_nothing(admin_client, agent):
    response = admin_client.post(
        reverse("reporting:target-create"),
        {
            "month": "2026-03",
            "who": f"agent:{agent.pk}",
            "goal_type": "service",
            "value_target": "1e3",
            "currency": "USD",
        },
    )
    assert response.status_code == 422
    assert "Only selling and leads targets have a value." in response.content.decode()
    response = admin_client.post(
        reverse("reporting:target-create"),
        {
            "month": "2026-03",
            "who": f"agent:{agent.pk}",
            "goal_type": "sell",
            "value_target": "10.001",
            "currency": "USD",
        },
    )
    assert "at most 2 decimals" in response.content.decode()
    assert not Target.objects.exists()


def test_saving_the_same_month_agent_and_goal_type_updates_the_target(admin_client, agent):
    data = {
        "month": "2026-03",
        "who": f"agent:{agent.pk}",
        "goal_type": "sell",
        "count_target": "5",
    }
    admin_client.post(reverse("reporting:target-create"), data)
    admin_client.post(reverse("reporting:target-create"), {**data, "count_target": "7"})
    assert list(Target.objects.values_list("count_target", flat=True)) == [Decimal(7)]


def test_agents_see_their_own_targets_in_their_summary(agent_client, agent, other_agent, sales):
    Target.objects.create(month=MARCH, agent=agent, goal_type="sell", count_target=3)
    Target.objects.create(month=MARCH, agent=other_agent, goal_type="leads", count_target=9)
    html = agent_client.get(
        reverse("reporting:my-summary"), {"start": "2026-03-01", "end": "2026-03-31"}
    ).content.decode()
    assert '<td class="num">3</td>' in html  # their own target
    assert '<td class="num">9</td>' not in html  # someone else's


def test_target_actuals_drill_down_to_their_events(sales, agent, sales_group, admin_client):
    Target.objects.create(
        month=MARCH,
        group=sales_group,
        goal_type=GoalType.SELL,
        count_target=6,
        value_target=Decimal("100.00"),
        currency="USD",
    )
    page = admin_client.get(reverse("reporting:target-list"), {"month": "2026-03"}).content.decode()
    links = [html_lib.unescape(u) for u in re.findall(r'href="(/reports/events/\?[^"]+)"', page)]
    count_link = next(u for u in links if "measure=conversions" in u)
    value_link = next(u for u in links if "measure=revenue" in u)
    assert admin_client.get(count_link).context["events"].weight == 3
    assert admin_client.get(value_link).context["events"].money == [("USD", Decimal("15.00"))]
