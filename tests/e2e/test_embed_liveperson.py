"""The Conversation summary as a LivePerson Agent Workspace custom widget, as an agent uses it: a
host page on another site frames /embed/liveperson/, in a Chromium that blocks third-party
cookies. LivePerson's widget SDK (https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js) is
answered by Playwright with tests/e2e/fakes/liveperson_sdk.js, which has exactly the documented
methods and talks to the host page as the real one talks to the Agent Workspace; the host holds
the public model (``chatInfo``, ``chattingAgentInfo``, ``agentInfo``, ``visitorInfo``, shaped
as LivePerson's "Public Model Structure" page) and pushes a new ``chatInfo.rtSessionId`` when
the agent opens another conversation."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.catalogue import AttributeType
from campaigns.models import AuditEntry
from campaigns.roles import Role
from tests.e2e.embed_host import (
    PANEL_WIDTH,
    Host,
    answer_survey,
    assert_no_horizontal_scrolling,
    assert_survey_submitted,
    assert_third_party_cookies_blocked,
    shot,
    sign_in_through_window,
)
from tests.factories import ConversationFactory, SkillFactory, UserFactory
from tests.workspace.factories import agent_survey, attribute_config
from workspace.embed.models import Desktop, DesktopPanel, PanelConversation
from workspace.models import Conversation, EngagementAttributeEvent
from workspace.platforms.models import ExternalRef, Platform, RefKind
from workspace.platforms.services.accounts import platform_account_create

SDK = "https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js"
FAKE_SDK = Path(__file__).parent / "fakes" / "liveperson_sdk.js"
SITE = "90412345"
FIRST, SECOND, OTHERS = (
    "6c1f4d0e-2b7a-4f0c-9a51-3e8d7c2b1a01",
    "6c1f4d0e-2b7a-4f0c-9a51-3e8d7c2b1a02",
    "6c1f4d0e-2b7a-4f0c-9a51-3e8d7c2b1a99",
)
HOST_PAGE = """<!doctype html><html><head><title>Agent Workspace (stand-in)</title></head>
<body style="margin:0;display:flex;font-family:sans-serif">
<main style="flex:1;padding:16px"><h1>Messaging conversation</h1></main>
<iframe id="lp-widget" src="%(src)s" title="Conversation summary"
  style="width:%(width)spx;height:900px;border:0;border-left:1px solid #ccc"></iframe>
<script>
window.lpModel = %(model)s;
window.lpCommands = [];
var frame = document.getElementById("lp-widget");
window.addEventListener("message", function (e) {
  if (e.source !== frame.contentWindow || !e.data || !e.data.lpFake) { return; }
  if (e.data.lpFake === "init") {
    frame.contentWindow.postMessage({lpFake: "model", model: window.lpModel}, "*");
  } else if (e.data.lpFake === "command") {
    window.lpCommands.push(e.data);
  }
});
window.lpSet = function (key, value) {
  var parts = key.split("."), node = window.lpModel;
  for (var i = 0; i < parts.length - 1; i++) { node = node[parts[i]]; }
  node[parts[parts.length - 1]] = value;
  frame.contentWindow.postMessage({lpFake: "update", key: key, newValue: value}, "*");
};
</script></body></html>"""


def public_model(conversation_id: str) -> dict:
    """The Agent Workspace's public model for a messaging conversation of agent 1001."""
    agent = {"agentName": "Ana Agent", "agentNickname": "Ana", "agentGroupName": "Main Group"}
    return {
        "chatInfo": {
            "rtSessionId": conversation_id,
            "accountId": SITE,
            "chatRequestedTime": 1_780_000_000_000,
            "chatStartTime": 1_780_000_000_000,
            "spectatedEngagement": False,
            "isMessaging": True,
            "chatSkill": "Sales",
        },
        "chattingAgentInfo": {**agent, "agentId": 1001},
        "agentInfo": {
            **agent,
            "accountId": SITE,
            "agentId": 1001,
            "agentEmail": "ana@example.com",
            "employeeId": "E-1001",
            "maxChats": 3,
        },
        "visitorInfo": {"visitorId": "Yk4ZTBmNjM5", "visitorName": "Jo Visitor"},
    }


@pytest.fixture
def workspace(live_server, embed_host, blocked_browser):
    """The agent and a colleague, the widget turned on for the stand-in Agent Workspace, and
    LivePerson's SDK address answered by the fake."""
    sales = SkillFactory(name="Sales")
    attribute_config(AttributeType.PURCHASE, skills=[sales])
    agent_survey(skills=[sales], name="Sales wrap-up")
    agent = UserFactory(username="ana", first_name="Ana", last_name="Agent", roles=[Role.AGENT])
    agent.skills.set([sales])
    agent.set_password("panel-pass-1")
    agent.save()
    other = UserFactory(username="otto", roles=[Role.AGENT], skills=[sales])
    DesktopPanel.objects.create(
        desktop=Desktop.LIVEPERSON, enabled=True, allowed_origins=f"http://localhost:{embed_host}"
    )
    sdk_requests = []

    def answer_sdk(route):
        sdk_requests.append(route.request.url)
        route.fulfill(path=str(FAKE_SDK), content_type="application/javascript")

    blocked_browser.route(SDK, answer_sdk)
    app = live_server.url.replace("localhost", "127.0.0.1")
    Host.pages["/workspace"] = HOST_PAGE % {
        "src": f"{app}/embed/liveperson/",
        "width": PANEL_WIDTH,
        "model": json.dumps(public_model(FIRST)),
    }
    return {"agent": agent, "other": other, "sales": sales, "sdk_requests": sdk_requests}


def _feed(workspace) -> dict[str, Conversation]:
    """A LivePerson receiver for the site, with three conversations it delivered."""
    admin = UserFactory(username="root", roles=[Role.ADMIN])
    feed, _token = platform_account_create(
        actor=admin,
        now=timezone.now(),
        platform=Platform.LIVEPERSON,
        name="Acme",
        account_ref=SITE,
        auth="signature",
        client_id="lp-client-1",
        secret="lp-secret-0123456789",
    )
    started = timezone.now() - timedelta(minutes=5)
    owners = (
        (FIRST, workspace["agent"]),
        (SECOND, workspace["agent"]),
        (OTHERS, workspace["other"]),
    )
    conversations = {}
    for external_id, owner in owners:
        conversation = ConversationFactory(
            external_id=f"{feed.namespace}:{external_id}",
            agent=owner,
            skill=workspace["sales"],
            started_at=started,
        )
        ExternalRef.objects.create(
            account=feed,
            kind=RefKind.CONVERSATION,
            external_id=external_id,
            conversation=conversation,
            visitor=conversation.visitor,
            first_seen_at=started,
            last_seen_at=started,
        )
        conversations[external_id] = conversation
    return conversations


def _open(page, port: int):
    page.goto(f"http://localhost:{port}/workspace")
    return page.frame_locator("#lp-widget"), page.locator("#lp-widget")


def _switch(page, conversation_id: str) -> None:
    page.evaluate(f"window.lpSet('chatInfo.rtSessionId', {json.dumps(conversation_id)})")


def test_an_agent_reports_an_outcome_from_the_liveperson_widget(
    blocked_browser, embed_host, workspace
):
    conversations = _feed(workspace)
    page = blocked_browser.new_page()
    assert_third_party_cookies_blocked(page, embed_host)

    panel, frame_box = _open(page, embed_host)
    panel.get_by_role("heading", name="Sign in to report outcomes").wait_for()
    shot(frame_box, "embed-liveperson-1-sign-in")
    sign_in_through_window(page, panel, "ana", "panel-pass-1")

    first = conversations[FIRST]
    panel.get_by_text(first.external_id).wait_for()
    assert workspace["sdk_requests"], "the page did not load LivePerson's SDK"
    shot(frame_box, "embed-liveperson-2-widget")
    assert_no_horizontal_scrolling(frame_box, panel)
    panel.get_by_label("Order total").fill("25.00")
    panel.get_by_label("Order number").fill("A-1001")
    page.keyboard.press("Enter")
    panel.get_by_text("Saved.").wait_for()
    event = EngagementAttributeEvent.objects.get(conversation=first)
    assert event.reported_by == workspace["agent"]
    answer_survey(panel, "Asked about delivery")
    assert_survey_submitted(first, workspace["agent"], "Asked about delivery")
    shot(frame_box, "embed-liveperson-3-reported")

    # The agent opens another conversation: the SDK's bind calls back with its rtSessionId.
    _switch(page, SECOND)
    panel.get_by_text(conversations[SECOND].external_id).wait_for()
    assert panel.get_by_text(first.external_id).count() == 0
    assert not EngagementAttributeEvent.objects.filter(conversation=conversations[SECOND])
    shot(frame_box, "embed-liveperson-4-switched")

    # A context naming another agent's conversation shows nothing of it.
    _switch(page, OTHERS)
    panel.get_by_text("Nothing to show for this conversation").wait_for()
    assert conversations[OTHERS].external_id not in panel.locator("body").inner_text()
    assert page.evaluate("window.lpCommands") == []  # the panel writes nothing into the chat

    # Signed in once: a reload keeps the panel's session (its partitioned cookie).
    _switch(page, FIRST)
    page.reload()
    panel.get_by_text(first.external_id).wait_for()


def test_without_a_feed_the_widget_creates_the_conversation_with_livepersons_skill(
    blocked_browser, embed_host, workspace
):
    page = blocked_browser.new_page()
    panel, frame_box = _open(page, embed_host)
    sign_in_through_window(page, panel, "ana", "panel-pass-1")
    panel.get_by_text("Created from the agent desktop").wait_for()
    panel.get_by_label("Order total").wait_for()  # the Sales skill's outcome is offered
    shot(frame_box, "embed-liveperson-5-provisional")
    conversation = Conversation.objects.get()
    assert conversation.external_id == f"liveperson-desktop-{SITE}:{FIRST}"
    assert conversation.skill == workspace["sales"]
    assert conversation.agent == workspace["agent"]
    assert conversation.visitor.external_id.endswith(":contact:Yk4ZTBmNjM5")

    _switch(page, SECOND)
    panel.get_by_text(f"liveperson-desktop-{SITE}:{SECOND}").wait_for()
    assert PanelConversation.objects.count() == 2


def test_an_admin_turns_the_liveperson_widget_on(demo, page, login, shot, live_server):
    login("admin")
    page.goto(f"{live_server.url}/campaign-builder/data-sources/platforms/")
    page.get_by_role("link", name="Desktop panels").click()
    card = page.locator("#desktop-liveperson")
    expect(card.get_by_role("heading", name="LivePerson Agent Workspace widget")).to_be_visible()
    expect(card.get_by_text(f"{live_server.url}/embed/liveperson/")).to_be_visible()
    card.get_by_label("Turn on this desktop's panel").check()
    card.get_by_label("Allowed origins").fill("https://agents.example.com/")
    card.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the desktop panel settings.")).to_be_visible()
    expect(page.locator("#desktop-liveperson").get_by_text("On", exact=True)).to_be_visible()
    shot("embed-liveperson-6-settings")
    panel = DesktopPanel.objects.get(desktop=Desktop.LIVEPERSON)
    assert (panel.enabled, panel.origins) == (True, ["https://agents.example.com"])
    entry = AuditEntry.objects.get(action="embed.desktop_save")
    assert entry.actor.username == "admin"
