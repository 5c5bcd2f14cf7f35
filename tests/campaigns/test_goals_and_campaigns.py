"""Campaign Builder: the campaign list with goals, campaigns, the goal library."""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import AuditEntry, Campaign, Goal, GoalType, ServiceStatusBox
from tests.factories import CampaignFactory, GoalFactory, SkillFactory

pytestmark = pytest.mark.django_db

BUILDER = reverse("campaigns:builder")
GOAL_CREATE = reverse("campaigns:goal-create")
CAMPAIGN_CREATE = reverse("campaigns:campaign-create")


def goal_post(name="Big sales", goal_type="sell", boxes=(), **changes):
    data = {
        "name": name,
        "goal_type": goal_type,
        "sell_condition": "any",
        "sell_more_than": "",
        "sell_currency": "",
        "boxes-TOTAL_FORMS": "3",
        "boxes-INITIAL_FORMS": "0",
    }
    for index, (topic, status) in enumerate(boxes):
        data[f"boxes-{index}-topic"] = topic
        data[f"boxes-{index}-status"] = str(status)
    return {**data, **changes}


def test_builder_lists_campaigns_with_their_goals(campaign_manager_client):
    goal = GoalFactory(name="Over 100", sell_more_than=Decimal("100.00"), sell_currency="EUR")
    CampaignFactory(name="Spring", goal=goal, skill=SkillFactory(name="Sales"), is_default=True)
    html = campaign_manager_client.get(BUILDER).content.decode()
    assert "<h1>Campaign Builder</h1>" in html
    assert "Spring" in html
    assert "Over 100" in html
    assert "more than 100.00 EUR" in html
    assert "Default campaign" in html


def test_sell_goal_with_any_value(campaign_manager_client):
    assert campaign_manager_client.post(GOAL_CREATE, goal_post()).status_code == 302
    goal = Goal.objects.get()
    assert (goal.goal_type, goal.sell_more_than, goal.sell_currency) == ("sell", None, "")
    assert AuditEntry.objects.get(action="goal.create").after["name"] == "Big sales"


def test_sell_goal_more_than_an_amount(campaign_manager_client):
    data = goal_post(sell_condition="more_than", sell_more_than="250.50", sell_currency="USD")
    assert campaign_manager_client.post(GOAL_CREATE, data).status_code == 302
    goal = Goal.objects.get()
    assert (goal.sell_more_than, goal.sell_currency) == (Decimal("250.50"), "USD")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sell_condition": "more_than", "sell_more_than": "10"}, "Choose the currency"),
        (
            {"sell_condition": "more_than", "sell_more_than": "1e3", "sell_currency": "USD"},
            "plain number",
        ),
        (
            {"sell_condition": "more_than", "sell_more_than": "10.5", "sell_currency": "JPY"},
            "no decimals",
        ),
        (
            {"sell_condition": "more_than", "sell_more_than": "-1", "sell_currency": "USD"},
            "zero or more",
        ),
        ({"goal_type": "service"}, "Add at least one status box."),
        ({"name": "EXISTING"}, "already exists"),
    ],
    ids=["no-currency", "exponent", "jpy-decimals", "negative", "service-no-box", "duplicate"],
)
def test_bad_goal_input_shows_errors_and_saves_nothing(campaign_manager_client, changes, message):
    GoalFactory(name="Existing")
    response = campaign_manager_client.post(GOAL_CREATE, goal_post(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Goal.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_service_goal_with_status_boxes(campaign_manager_client):
    data = goal_post(goal_type="service", boxes=[("Refund", 0), ("Refund", 13)])
    assert campaign_manager_client.post(GOAL_CREATE, data).status_code == 302
    goal = Goal.objects.get()
    assert sorted(goal.status_boxes.values_list("topic", "status")) == [
        ("Refund", 0),
        ("Refund", 13),
    ]


def test_a_box_needs_both_topic_and_status(campaign_manager_client):
    data = goal_post(goal_type="service", **{"boxes-0-topic": "Refund"})
    response = campaign_manager_client.post(GOAL_CREATE, data)
    assert response.status_code == 422
    assert "Choose a status for this topic." in response.content.decode()


def test_changing_the_type_clears_conditions_of_the_old_type(campaign_manager_client):
    goal = GoalFactory(goal_type=GoalType.SERVICE)
    ServiceStatusBox.objects.create(goal=goal, topic="Refund", status=0)
    url = reverse("campaigns:goal-update", args=[goal.pk])
    data = goal_post(name=goal.name, goal_type="leads", **{"boxes-INITIAL_FORMS": "0"})
    assert campaign_manager_client.post(url, data).status_code == 302
    assert not ServiceStatusBox.objects.exists()
    entry = AuditEntry.objects.get(action="goal.update")
    assert entry.before["status_boxes"] == ["Refund: Complete"]


def test_a_goal_in_use_cannot_be_deleted(campaign_manager_client):
    used = CampaignFactory().goal
    unused = GoalFactory()
    for goal in (used, unused):
        campaign_manager_client.post(reverse("campaigns:goal-delete", args=[goal.pk]))
    assert list(Goal.objects.all()) == [used]
    assert AuditEntry.objects.filter(action="goal.delete").count() == 1


def test_create_and_edit_a_campaign(campaign_manager_client):
    goal, skill = GoalFactory(), SkillFactory(name="Sales")
    data = {"name": "Spring", "status": "active", "skill": skill.pk, "goal": goal.pk}
    assert campaign_manager_client.post(CAMPAIGN_CREATE, data).status_code == 302
    campaign = Campaign.objects.get()
    url = reverse("campaigns:campaign-update", args=[campaign.pk])
    data.update(status="inactive")
    assert campaign_manager_client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "inactive"
    entry = AuditEntry.objects.get(action="campaign.update")
    assert (entry.before["status"], entry.after["status"]) == ("active", "inactive")


def test_campaign_needs_a_goal_and_a_unique_name(campaign_manager_client):
    CampaignFactory(name="Spring")
    response = campaign_manager_client.post(CAMPAIGN_CREATE, {"name": "spring", "status": "active"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "already exists" in html
    assert "This field is required." in html
    assert Campaign.objects.count() == 1


def test_one_default_campaign(campaign_manager_client, htmx_headers):
    old = CampaignFactory(is_default=True)
    new = CampaignFactory()
    url = reverse("campaigns:campaign-default", args=[new.pk])
    response = campaign_manager_client.post(url, headers=htmx_headers)
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="campaign-list"')
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_default, new.is_default) == (False, True)


def test_default_from_the_form_takes_the_flag(campaign_manager_client):
    old = CampaignFactory(is_default=True)
    data = {"name": "New", "status": "active", "goal": old.goal_id, "is_default": "on"}
    campaign_manager_client.post(CAMPAIGN_CREATE, data)
    assert list(Campaign.objects.filter(is_default=True).values_list("name", flat=True)) == ["New"]


def test_builder_queries_do_not_grow(campaign_manager_client, django_assert_num_queries):
    def add(count):
        for _ in range(count):
            goal = GoalFactory(goal_type=GoalType.SERVICE)
            ServiceStatusBox.objects.create(goal=goal, topic="T", status=0)
            CampaignFactory(goal=goal, skill=SkillFactory())

    add(1)
    campaign_manager_client.get(BUILDER)
    with django_assert_num_queries(7):
        campaign_manager_client.get(BUILDER)
    add(4)
    with django_assert_num_queries(7):
        campaign_manager_client.get(BUILDER)


def test_goal_list_queries_do_not_grow(campaign_manager_client, django_assert_num_queries):
    url = reverse("campaigns:goal-list")
    CampaignFactory()
    campaign_manager_client.get(url)
    with django_assert_num_queries(5):
        campaign_manager_client.get(url)
    CampaignFactory.create_batch(4)
    with django_assert_num_queries(5):
        campaign_manager_client.get(url)
