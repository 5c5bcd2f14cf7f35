"""The panel shows the conversation the desktop names, to whoever signed the panel in, and
only if they may see it; outcomes reported there land on that conversation."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import AuditEntry
from tests.factories import ConversationFactory
from tests.workspace.embed.conftest import map_conversation
from workspace.embed.models import PanelConversation
from workspace.embed.services import PROVENANCE
from workspace.models import Conversation, EngagementAttributeEvent
from workspace.services.privacy import visitor_erase

CONTEXT = reverse("embed:chatwoot-context")
HX = {"HX-Request": "true"}


def _show(client, conversation="42", account="7", contact="9"):
    data = {"account": account, "conversation": conversation, "contact": contact}
    return client.post(CONTEXT, data, headers=HX)


def test_a_fed_conversation_shows_its_compact_widget(
    agent_panel, chatwoot_panel, chatwoot_feed, conversation, purchase_config, survey
):
    map_conversation(chatwoot_feed, "42", conversation)
    response = _show(agent_panel)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'data-conversation="{conversation.pk}"' in html
    assert 'id="summary-outcomes"' in html
    assert 'id="summary-survey"' in html
    create = reverse("embed-widget:outcome-create", args=[conversation.pk, "purchase"])
    assert create.startswith("/embed/w/")
    assert f'action="{create}"' in html
    assert "/workspace/conversations/" not in html
    assert not PanelConversation.objects.exists()


def test_an_outcome_reported_in_the_panel_is_stored_for_the_agent(
    agent_panel, agent, chatwoot_panel, chatwoot_feed, conversation, purchase_config
):
    map_conversation(chatwoot_feed, "42", conversation)
    _show(agent_panel)
    url = reverse("embed-widget:outcome-create", args=[conversation.pk, "purchase"])
    data = {"add-purchase-total": "25.00", "add-purchase-currency": "USD"}
    data["add-purchase-orderId"] = "A-1"
    data["add-purchase-token"] = "0b9d2c3e-1f4a-4c5b-8d6e-7f8091a2b3c4"
    response = agent_panel.post(url, data, headers=HX)
    assert response.status_code == 200, response.content.decode()[:500]
    event = EngagementAttributeEvent.objects.get(conversation=conversation)
    assert event.reported_by == agent


def test_a_forged_context_naming_another_agents_conversation_shows_nothing(
    other_agent_panel, chatwoot_panel, chatwoot_feed, conversation, purchase_config
):
    map_conversation(chatwoot_feed, "42", conversation)
    response = _show(other_agent_panel)
    html = response.content.decode()
    assert response.status_code == 404
    assert conversation.external_id not in html
    assert "summary-outcomes" not in html
    assert "not one of yours" in html


def test_a_manager_sees_their_agents_conversation(
    agent_manager_panel, chatwoot_panel, chatwoot_feed, conversation, purchase_config
):
    map_conversation(chatwoot_feed, "42", conversation)
    html = _show(agent_manager_panel).content.decode()
    assert "Submit on behalf" in html


def test_a_conversation_the_feed_has_not_sent_yet_is_awaited(
    agent_panel, chatwoot_panel, chatwoot_feed
):
    response = _show(agent_panel)
    assert response.status_code == 404
    assert "has not reached" in response.content.decode()
    assert not Conversation.objects.exists()


def test_without_a_feed_the_panel_creates_a_provisional_conversation_once(
    agent_panel, agent, chatwoot_panel, sales_skill
):
    first = _show(agent_panel)
    assert first.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.agent == agent
    assert conversation.external_id == "chatwoot-desktop-7:42"
    assert conversation.visitor.external_id == "chatwoot-desktop-7:contact:9"
    assert "Created from the agent desktop" in first.content.decode()
    entry = AuditEntry.objects.get(action="embed.conversation_create")
    assert entry.reason == PROVENANCE
    assert entry.actor == agent
    assert _show(agent_panel).status_code == 200
    assert Conversation.objects.count() == 1
    assert PanelConversation.objects.count() == 1


def test_another_agents_provisional_conversation_is_not_shown(
    agent_panel, other_agent_panel, chatwoot_panel
):
    assert _show(agent_panel).status_code == 200
    response = _show(other_agent_panel)
    assert response.status_code == 404
    assert "chatwoot-desktop-7" not in response.content.decode()
    assert Conversation.objects.count() == 1


def test_a_manager_creates_no_provisional_conversation(agent_manager_panel, chatwoot_panel):
    assert _show(agent_manager_panel).status_code == 404
    assert not Conversation.objects.exists()


def test_an_api_conversation_with_the_same_id_is_never_taken_over(
    agent_panel, other_agent, chatwoot_panel, sales_skill
):
    ConversationFactory(external_id="chatwoot-desktop-7:42", agent=other_agent)
    assert _show(agent_panel).status_code == 404
    assert not PanelConversation.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"account": "7"},
        {"account": "x", "conversation": "1"},
        {"account": "7", "conversation": "1 OR 1"},
    ],
)
def test_a_bad_context_is_422(agent_panel, chatwoot_panel, data):
    response = agent_panel.post(CONTEXT, data, headers=HX)
    assert response.status_code == 422
    assert "did not say" in response.content.decode()


def test_anonymous_gets_the_sign_in_offer(client, chatwoot_panel):
    response = client.post(CONTEXT, {"account": "7", "conversation": "42"}, headers=HX)
    assert response.status_code == 200
    assert 'id="panel-sign-in"' in response.content.decode()


def test_a_panel_turned_off_answers_nothing(agent_panel, chatwoot_panel):
    chatwoot_panel.enabled = False
    chatwoot_panel.save()
    assert _show(agent_panel).status_code == 404
    assert not Conversation.objects.exists()


def _report(client, conversation, index: int) -> None:
    url = reverse("embed-widget:outcome-create", args=[conversation.pk, "purchase"])
    data = {"add-purchase-total": "25.00", "add-purchase-currency": "USD"}
    data["add-purchase-orderId"] = f"A-{index}"
    data["add-purchase-token"] = str(uuid.UUID(int=index + 1))
    assert client.post(url, data, headers=HX).status_code == 200


def _queries(client, conversation_ref: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert _show(client, conversation=conversation_ref).status_code == 200
    return len(captured)


def test_the_context_reads_a_fixed_number_of_queries(
    agent_panel, agent, chatwoot_panel, chatwoot_feed, sales_skill, purchase_config
):
    few, many = (ConversationFactory(agent=agent, skill=sales_skill) for _ in range(2))
    map_conversation(chatwoot_feed, "1", few)
    map_conversation(chatwoot_feed, "2", many)
    _show(agent_panel, conversation="1")  # per-process configuration read once
    baseline = _queries(agent_panel, "1")
    for index in range(3):
        _report(agent_panel, many, index)
    assert EngagementAttributeEvent.objects.filter(conversation=many).count() == 3
    assert _queries(agent_panel, "2") == baseline


def test_erasing_the_visitor_erases_the_panel_mapping(agent_panel, admin, chatwoot_panel, now):
    assert _show(agent_panel).status_code == 200
    visitor = Conversation.objects.get().visitor
    visitor_erase(visitor=visitor, actor=admin, now=now)
    assert not PanelConversation.objects.exists()
