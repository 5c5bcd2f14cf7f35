"""The money fields of the goal library and the targets page read the person's number format,
as the widget's do: a decimal-comma writer types "1.234,50"; the stored amount is the same."""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Goal
from campaigns.models.people import NumberFormat
from reporting.models import Target
from tests.campaigns.test_goals_and_campaigns import GOAL_CREATE, goal_post

pytestmark = pytest.mark.django_db


def _comma(user) -> None:
    user.number_format = NumberFormat.COMMA
    user.save(update_fields=["number_format"])


def _sell_more_than(amount: str) -> dict:
    return goal_post(sell_condition="more_than", sell_more_than=amount, sell_currency="EUR")


def test_a_decimal_comma_manager_types_a_goal_amount_as_they_write_it(
    campaign_manager, campaign_manager_client
):
    _comma(campaign_manager)
    response = campaign_manager_client.post(GOAL_CREATE, _sell_more_than("1.234,50"))
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.sell_more_than, goal.sell_currency) == (Decimal("1234.50"), "EUR")
    # Shown back as they write it, without grouping, so that it reads back unchanged.
    edit = campaign_manager_client.get(reverse("campaigns:goal-update", args=[goal.pk]))
    assert 'value="1234,50"' in edit.content.decode()


def test_a_decimal_point_manager_gets_the_message_beside_the_goal_amount(
    campaign_manager_client,
):
    response = campaign_manager_client.post(GOAL_CREATE, _sell_more_than("1.234,50"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "1,234.50" in html  # the format's own example
    assert 'id="id_sell_more_than_error"' in html
    assert not Goal.objects.exists()


def test_a_decimal_comma_manager_sets_a_target_value_as_they_write_it(
    agent_manager, agent_manager_client, agent
):
    _comma(agent_manager)
    response = agent_manager_client.post(
        reverse("reporting:target-create"),
        {
            "month": "2026-03",
            "who": f"agent:{agent.pk}",
            "goal_type": "sell",
            "value_target": "2.500,75",
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.value_target, target.currency) == (Decimal("2500.75"), "EUR")
    edit = agent_manager_client.get(reverse("reporting:target-update", args=[target.pk]))
    assert 'value="2500,75"' in edit.content.decode()
