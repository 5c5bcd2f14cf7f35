"""The Conversation summary widget on the conversation page: when it shows, what it shows."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from campaigns.catalogue import AttributeType
from campaigns.models import AccountSettings
from tests.factories import ConversationFactory, SkillFactory, UserFactory
from tests.workspace.conftest import NOW
from tests.workspace.factories import agent_survey, attribute_config
from workspace.services.outcomes import outcome_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def page(client, conversation):
    response = client.get(reverse("workspace:conversation-detail", args=[conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_no_configuration_means_no_widget(agent_client, conversation):
    html = page(agent_client, conversation)
    assert "Conversation summary" not in html
    assert 'id="summary-outcomes"' not in html


def test_outcomes_only_shows_outcomes_section_without_survey(
    agent_client, conversation, purchase_config
):
    html = page(agent_client, conversation)
    assert "Conversation summary" in html
    assert 'id="summary-outcomes"' in html
    assert 'id="summary-survey"' not in html


def test_survey_only_shows_survey_section_without_outcomes(agent_client, conversation, survey):
    html = page(agent_client, conversation)
    assert 'id="summary-survey"' in html
    assert 'id="summary-outcomes"' not in html
    assert "Was the customer satisfied?" in html


def test_default_survey_applies_to_a_skill_without_its_own(agent_client, conversation):
    agent_survey(default=True, name="Everyone")
    assert 'id="summary-survey"' in page(agent_client, conversation)


def test_attribute_of_another_skill_is_not_shown(agent_client, conversation, billing_skill):
    attribute_config(AttributeType.PURCHASE, skills=[billing_skill])
    assert "Conversation summary" not in page(agent_client, conversation)


def test_submit_by_agent_off_hides_the_section(agent_client, conversation, sales_skill):
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill], enabled=False)
    assert 'id="summary-outcomes"' not in page(agent_client, conversation)


def test_skill_less_conversation_uses_the_agents_skills(agent_client, agent, purchase_config):
    conversation = ConversationFactory(agent=agent, skill=None, started_at=NOW)
    assert 'id="summary-outcomes"' in page(agent_client, conversation)


def test_agent_lacking_every_configured_skill_sees_no_widget(client, billing_skill):
    attribute_config(AttributeType.PURCHASE, skills=[billing_skill])
    loner = UserFactory(username="loner", roles=["Agent"], skills=[SkillFactory(name="Other")])
    conversation = ConversationFactory(agent=loner, skill=None, started_at=NOW)
    client.force_login(loner)
    assert "Conversation summary" not in page(client, conversation)


def test_fields_are_the_configured_ones_in_order_under_display_names(
    agent_client, conversation, sales_skill
):
    attribute_config(
        AttributeType.SERVICE,
        skills=[sales_skill],
        fields=[("serviceId", "Ticket number"), ("status", "Where is it")],
    )
    html = page(agent_client, conversation)
    assert html.index("Ticket number") < html.index("Where is it")
    assert 'name="add-service-topic"' not in html
    assert 'name="add-service-category"' not in html


def test_status_is_a_dropdown_of_the_fourteen_labels(agent_client, conversation, service_config):
    html = page(agent_client, conversation)
    select = re.search(r'<select name="add-service-status".*?</select>', html, re.S).group(0)
    assert len(re.findall(r'<option value="\d+"', select)) == 14
    assert "Waiting for Customer Response" in select
    assert '<label for="id_add-service-status">Status</label>' in html


def test_money_has_a_currency_with_the_account_default_preselected(
    agent_client, conversation, purchase_config
):
    account = AccountSettings.load()
    account.default_currency = "EUR"
    account.save()
    html = page(agent_client, conversation)
    assert re.search(r'<option value="EUR" selected>EUR</option>', html)


def test_every_visible_input_has_a_label(
    agent_client, conversation, purchase_config, service_config, survey
):
    html = page(agent_client, conversation)
    widget = html[html.index('id="conversation-summary"') :]
    controls = re.findall(r"<(input|select|textarea)\b([^>]*)>", widget)
    visible = [attrs for tag, attrs in controls if 'type="hidden"' not in attrs]
    assert len(visible) >= 8
    for attrs in visible:
        field_id = re.search(r'\bid="([^"]+)"', attrs).group(1)
        assert f'for="{field_id}"' in widget, field_id


def test_submitted_outcome_shows_values_time_and_reporter(
    agent_client, agent, conversation, purchase_config
):
    outcome_submit(
        conversation=conversation,
        attribute_type=AttributeType.PURCHASE,
        values={"total": Decimal("1234.5"), "orderId": "ORD-1"},
        currency="USD",
        actor=agent,
        token=None,
        now=NOW,
    )
    html = page(agent_client, conversation)
    assert "$1,234.50" in html
    assert "ORD-1" in html
    assert f"Reported by <bdi>{agent.display_name}</bdi>" in html
    assert "Add another transaction" in html


def test_historical_events_keep_display_names_as_reported(
    agent_client, agent, conversation, purchase_config
):
    outcome_submit(
        conversation=conversation,
        attribute_type=AttributeType.PURCHASE,
        values={"total": Decimal(10), "orderId": "A"},
        currency="USD",
        actor=agent,
        token=None,
        now=NOW,
    )
    purchase_config.fields.filter(property_key="orderId").update(display_name="Renamed ref")
    html = page(agent_client, conversation)
    outcome = html[html.index('class="outcome"') :]
    assert "<dt>Order number</dt>" in outcome
    assert "<dt>Renamed ref</dt>" not in outcome


def test_disabled_attribute_keeps_reported_outcomes_visible_read_only(
    agent_client, agent, conversation, purchase_config
):
    event = outcome_submit(
        conversation=conversation,
        attribute_type=AttributeType.PURCHASE,
        values={"total": Decimal(10), "orderId": "KEEP-1"},
        currency="USD",
        actor=agent,
        token=None,
        now=NOW,
    )
    purchase_config.submit_by_agent = False
    purchase_config.save()
    html = page(agent_client, conversation)
    assert "KEEP-1" in html
    assert reverse("workspace:outcome-update", args=[conversation.pk, event.pk]) not in html
    assert "Add another transaction" not in html
