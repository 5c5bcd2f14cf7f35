"""The panel as a LivePerson Agent Workspace custom widget: its page loads LivePerson's widget SDK
(allowed on this route alone), only the origins entered may frame it, and the context it posts
(LivePerson site id + ``chatInfo.rtSessionId``) shows our conversation through the LivePerson
feed's external ids, or a provisional one where that site has no feed."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import AuditEntry
from tests.factories import ConversationFactory
from tests.workspace.embed.conftest import (
    CHATWOOT_ORIGIN,
    LIVEPERSON_ORIGIN,
    LIVEPERSON_SITE,
    map_conversation,
    panel_client,
)
from workspace.embed.models import Desktop, DesktopPanel, PanelConversation
from workspace.embed.services import PROVENANCE
from workspace.models import Conversation, EngagementAttributeEvent

PANEL = reverse("embed:liveperson-panel")
CONTEXT = reverse("embed:liveperson-context")
SETTINGS = reverse("embed:desktop-settings")
SAVE = reverse("embed:desktop-save", args=[Desktop.LIVEPERSON])
SDK = "https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js"
SDK_ORIGIN = "https://lpcdn.lpsnmedia.net"
HX = {"HX-Request": "true"}
# In messaging, chatInfo.rtSessionId is the conversation id (a UUID).
CONVERSATION_ID = "4f1c2b9e-7d3a-4a55-9e0f-2b8c1d6e7a90"


def _show(client, conversation=CONVERSATION_ID, account=LIVEPERSON_SITE, **extra):
    data = {"account": account, "conversation": conversation, "contact": "visitor-abc", **extra}
    return client.post(CONTEXT, data, headers=HX)


def _directive(response, name: str) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


# The page and its policies


def test_the_page_loads_livepersons_sdk_with_the_nonce(client, liveperson_panel):
    response = client.get(PANEL)
    html = response.content.decode()
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script src="{SDK}" nonce="{nonce}" defer></script>' in html
    assert "embed/liveperson.js" in html
    assert "embed/chatwoot.js" not in html
    assert f'data-context-url="{CONTEXT}"' in html


def test_the_sdk_origin_is_allowed_on_this_route_only(
    client, agent_client, liveperson_panel, chatwoot_panel
):
    script_src = _directive(client.get(PANEL), "script-src")
    assert SDK_ORIGIN in script_src
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    for response in (
        client.get(reverse("embed:chatwoot-panel")),
        client.post(CONTEXT, {}),
        client.get(reverse("login")),
        agent_client.get(reverse("workspace:conversation-list")),
    ):
        assert SDK_ORIGIN not in response["Content-Security-Policy"]
    assert SDK not in client.get(reverse("embed:chatwoot-panel")).content.decode()


def test_only_the_origins_entered_may_frame_it(client, liveperson_panel, chatwoot_panel):
    response = client.get(PANEL)
    assert "X-Frame-Options" not in response
    assert _directive(response, "frame-ancestors") == [LIVEPERSON_ORIGIN]
    assert CHATWOOT_ORIGIN not in _directive(response, "frame-ancestors")
    assert _directive(client.post(CONTEXT, {}), "frame-ancestors") == [LIVEPERSON_ORIGIN]


def test_a_widget_turned_off_is_404_and_unframable(client, agent_panel, liveperson_panel):
    liveperson_panel.enabled = False
    liveperson_panel.save()
    response = client.get(PANEL)
    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
    assert _directive(response, "frame-ancestors") == ["'none'"]
    assert SDK_ORIGIN not in response["Content-Security-Policy"]
    assert _show(agent_panel).status_code == 404
    assert not Conversation.objects.exists()


def test_a_widget_never_configured_is_404(client, chatwoot_panel):
    assert client.get(PANEL).status_code == 404


# Which conversation


def test_a_fed_conversation_shows_its_compact_widget(
    agent_panel, liveperson_panel, liveperson_feed, conversation, purchase_config
):
    map_conversation(liveperson_feed, CONVERSATION_ID, conversation)
    response = _show(agent_panel, skill="Some LivePerson skill")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'data-conversation="{conversation.pk}"' in html
    assert 'id="summary-outcomes"' in html
    create = reverse("embed-widget:outcome-create", args=[conversation.pk, "purchase"])
    assert f'action="{create}"' in html
    assert "Created from the agent desktop" not in html
    assert not PanelConversation.objects.exists()


def test_an_outcome_reported_there_is_stored_for_the_agent(
    agent_panel, agent, liveperson_panel, liveperson_feed, conversation, purchase_config
):
    map_conversation(liveperson_feed, CONVERSATION_ID, conversation)
    assert _show(agent_panel).status_code == 200
    _report(agent_panel, conversation, 0)
    event = EngagementAttributeEvent.objects.get(conversation=conversation)
    assert event.reported_by == agent


def test_a_conversation_the_feed_has_not_sent_yet_is_awaited(
    agent_panel, liveperson_panel, liveperson_feed
):
    response = _show(agent_panel)
    assert response.status_code == 404
    assert "has not reached" in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_chatwoot_feed_never_stands_behind_livepersons_ids(
    agent_panel, admin, agent, liveperson_panel, chatwoot_feed, conversation, sales_skill
):
    chatwoot_feed.account_ref = LIVEPERSON_SITE
    chatwoot_feed.save()
    map_conversation(chatwoot_feed, CONVERSATION_ID, conversation)
    html = _show(agent_panel).content.decode()
    assert f'data-conversation="{conversation.pk}"' not in html
    assert "Created from the agent desktop" in html


def test_without_a_feed_a_provisional_conversation_is_created_once_with_its_skill(
    agent_panel, agent, liveperson_panel, sales_skill, purchase_config
):
    first = _show(agent_panel, skill="Sales")
    assert first.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.agent == agent
    assert conversation.skill == sales_skill
    assert conversation.external_id == f"liveperson-desktop-{LIVEPERSON_SITE}:{CONVERSATION_ID}"
    visitor = f"liveperson-desktop-{LIVEPERSON_SITE}:contact:visitor-abc"
    assert conversation.visitor.external_id == visitor
    html = first.content.decode()
    assert "Created from the agent desktop" in html
    assert 'id="summary-outcomes"' in html
    entry = AuditEntry.objects.get(action="embed.conversation_create")
    assert (entry.actor, entry.reason) == (agent, PROVENANCE)
    assert entry.after == {"desktop": "liveperson", "account": LIVEPERSON_SITE}
    assert _show(agent_panel, skill="Sales").status_code == 200
    assert Conversation.objects.count() == 1
    row = PanelConversation.objects.get()
    assert (row.desktop, row.conversation_ref) == (Desktop.LIVEPERSON, CONVERSATION_ID)


def test_a_livepersons_skill_we_do_not_have_leaves_the_skill_empty(agent_panel, liveperson_panel):
    assert _show(agent_panel, skill="Nobody's skill").status_code == 200
    assert Conversation.objects.get().skill is None


# Refusals


def test_anonymous_gets_the_sign_in_offer_and_nothing_is_created(client, liveperson_panel):
    page = client.get(PANEL).content.decode()
    assert 'id="panel-sign-in"' in page
    response = _show(client)
    assert response.status_code == 200
    assert 'id="panel-sign-in"' in response.content.decode()
    assert not Conversation.objects.exists()


def test_the_app_session_is_not_read_by_the_widget(agent_client, liveperson_panel):
    agent_client.get(PANEL)
    assert 'id="panel-sign-in"' in _show(agent_client).content.decode()
    assert not Conversation.objects.exists()


def test_another_agents_conversation_shows_nothing_of_it(
    other_agent_panel, liveperson_panel, liveperson_feed, conversation, purchase_config
):
    map_conversation(liveperson_feed, CONVERSATION_ID, conversation)
    response = _show(other_agent_panel)
    html = response.content.decode()
    assert response.status_code == 404
    assert conversation.external_id not in html
    assert "summary-outcomes" not in html
    assert "not one of yours" in html


def test_another_agents_provisional_conversation_is_not_shown(
    agent_panel, other_agent_panel, liveperson_panel
):
    assert _show(agent_panel).status_code == 200
    response = _show(other_agent_panel)
    assert response.status_code == 404
    assert "liveperson-desktop-" not in response.content.decode()
    assert Conversation.objects.count() == 1


def test_a_role_without_the_workspace_sees_and_creates_nothing(
    campaign_manager, liveperson_panel, liveperson_feed, conversation
):
    map_conversation(liveperson_feed, CONVERSATION_ID, conversation)
    manager = panel_client(campaign_manager)
    response = _show(manager)
    assert response.status_code == 404
    assert conversation.external_id not in response.content.decode()
    assert _show(manager, conversation="another-conversation").status_code == 404
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"account": LIVEPERSON_SITE},
        {"account": "le-site", "conversation": CONVERSATION_ID},
        {"account": LIVEPERSON_SITE, "conversation": "x' OR '1"},
        {"account": LIVEPERSON_SITE, "conversation": "a" * 81},
        {"account": LIVEPERSON_SITE, "conversation": CONVERSATION_ID, "contact": "<b>"},
        {"account": LIVEPERSON_SITE, "conversation": CONVERSATION_ID, "skill": "s" * 81},
    ],
)
def test_a_bad_context_is_422_and_creates_nothing(agent_panel, liveperson_panel, data):
    response = agent_panel.post(CONTEXT, data, headers=HX)
    assert response.status_code == 422
    assert "did not say" in response.content.decode()
    assert not Conversation.objects.exists()


def test_only_post_reaches_the_context(agent_panel, liveperson_panel):
    assert agent_panel.get(CONTEXT).status_code == 405
    assert agent_panel.post(PANEL).status_code == 405


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
    agent_panel, agent, liveperson_panel, liveperson_feed, sales_skill, purchase_config
):
    few, many = (ConversationFactory(agent=agent, skill=sales_skill) for _ in range(2))
    map_conversation(liveperson_feed, "conversation-1", few)
    map_conversation(liveperson_feed, "conversation-2", many)
    _show(agent_panel, conversation="conversation-1")  # per-process configuration read once
    baseline = _queries(agent_panel, "conversation-1")
    for index in range(3):
        _report(agent_panel, many, index)
    assert _queries(agent_panel, "conversation-2") == baseline


# The admin's settings


def test_the_settings_page_offers_liveperson_and_the_url_to_paste(admin_client):
    html = admin_client.get(SETTINGS).content.decode()
    assert "LivePerson Agent Workspace widget" in html
    assert 'name="liveperson-origins"' in html
    assert '<label for="id_liveperson-origins"' in html
    assert f"http://testserver{PANEL}</code>" in html
    assert "Agent Workspace configuration" in html


def test_saving_turns_the_widget_on_and_is_audited(admin_client, admin):
    data = {"liveperson-enabled": "on", "liveperson-origins": "https://Z1.le.LivePerson.net/"}
    response = admin_client.post(SAVE, data)
    assert response.status_code == 302
    panel = DesktopPanel.objects.get(desktop=Desktop.LIVEPERSON)
    assert panel.enabled
    assert panel.origins == [LIVEPERSON_ORIGIN]
    entry = AuditEntry.objects.get(action="embed.desktop_save")
    assert entry.actor == admin
    assert entry.after == {"enabled": True, "origins": [LIVEPERSON_ORIGIN]}
    assert admin_client.get(PANEL).status_code == 200


def test_bad_origins_are_shown_beside_liveperson_only(admin_client, chatwoot_panel):
    data = {"liveperson-enabled": "on", "liveperson-origins": "https://le.example.com/path"}
    response = admin_client.post(SAVE, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert html.count("is not an origin") == 1
    liveperson = html.split('id="desktop-liveperson"')[1]
    assert "is not an origin" in liveperson
    assert CHATWOOT_ORIGIN in html  # Chatwoot's form keeps its own saved value
    assert not DesktopPanel.objects.filter(desktop=Desktop.LIVEPERSON).exists()
    assert not AuditEntry.objects.filter(action="embed.desktop_save").exists()


@pytest.mark.parametrize("who", ["agent_client", "campaign_manager_client", "agent_manager_client"])
def test_other_roles_may_not_change_it(request, who):
    data = {"liveperson-enabled": "on", "liveperson-origins": LIVEPERSON_ORIGIN}
    assert request.getfixturevalue(who).post(SAVE, data).status_code == 403
    assert not DesktopPanel.objects.exists()
