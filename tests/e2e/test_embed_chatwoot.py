"""The Conversation summary inside Chatwoot, as an agent uses it: a host page on another site
frames the panel and posts Chatwoot's Dashboard App context, in a Chromium that blocks
third-party cookies. The host stands in for Chatwoot's ``DashboardApp/Frame.vue``: it posts
``JSON.stringify({event: "appContext", data: {...}})`` when the frame loads and whenever the
frame posts ``chatwoot-dashboard-app:fetch-info``; the conversation is shaped as Chatwoot's push
data, the contact and agent as its store has them."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.catalogue import AttributeType
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
from workspace.embed.models import Desktop, DesktopPanel
from workspace.models import EngagementAttributeEvent
from workspace.platforms.models import ExternalRef, Platform, RefKind
from workspace.platforms.services.accounts import platform_account_create

HOST_PAGE = """<!doctype html><html><head><title>Chatwoot (stand-in)</title></head>
<body style="margin:0;display:flex;font-family:sans-serif">
<main style="flex:1;padding:16px"><h1>Conversation</h1></main>
<iframe id="dashboard-app--frame-0-0" src="%(src)s" title="Conversation summary"
  style="width:%(width)spx;height:900px;border:0;border-left:1px solid #ccc"></iframe>
<script>
window.currentChat = %(chat)s;
var frame = document.getElementById("dashboard-app--frame-0-0");
function postContext() {
  var chat = window.currentChat;
  var data = {conversation: chat, contact: chat.meta.sender,
              currentAgent: {id: 1, name: "Chatwoot agent", email: "agent@chatwoot.test"}};
  frame.contentWindow.postMessage(JSON.stringify({event: "appContext", data: data}), "*");
}
frame.addEventListener("load", postContext);
window.onmessage = function (e) {
  if (typeof e.data !== "string" || e.data !== "chatwoot-dashboard-app:fetch-info") { return; }
  postContext();
};
</script></body></html>"""


def push_data(display_id: int, contact_id: int) -> dict:
    """A conversation as Chatwoot's push data has it (no account id; the message carries it)."""
    sender = {"id": contact_id, "name": f"Contact {contact_id}", "type": "contact"}
    return {
        "additional_attributes": {},
        "can_reply": True,
        "channel": "Channel::WebWidget",
        "id": display_id,
        "inbox_id": 1,
        "messages": [{"id": 900 + display_id, "account_id": 7, "content": "Hello"}],
        "labels": [],
        "meta": {"sender": sender, "assignee": None, "team": None, "hmac_verified": False},
        "status": "open",
        "custom_attributes": {},
        "unread_count": 0,
        "timestamp": 1_780_000_000,
        "created_at": 1_780_000_000,
    }


@pytest.fixture
def desk(live_server, embed_host):
    """Two Chatwoot conversations of the agent fed in, one of another agent, the panel on."""
    sales = SkillFactory(name="Sales")
    attribute_config(AttributeType.PURCHASE, skills=[sales])
    agent_survey(skills=[sales], name="Sales wrap-up")
    agent = UserFactory(username="ana", first_name="Ana", last_name="Agent", roles=[Role.AGENT])
    agent.skills.set([sales])
    agent.set_password("panel-pass-1")
    agent.save()
    other = UserFactory(username="otto", roles=[Role.AGENT], skills=[sales])
    admin = UserFactory(username="root", roles=[Role.ADMIN])
    feed, _token = platform_account_create(
        actor=admin,
        now=timezone.now(),
        platform=Platform.CHATWOOT,
        name="Acme",
        account_ref="7",
        auth="signature",
        secret="cw-secret-0123456789",
    )
    started = timezone.now() - timedelta(minutes=5)
    conversations = {}
    for display_id, owner in ((42, agent), (43, agent), (99, other)):
        conversation = ConversationFactory(
            external_id=f"chatwoot-{feed.pk}:{display_id}",
            agent=owner,
            skill=sales,
            started_at=started,
        )
        ExternalRef.objects.create(
            account=feed,
            kind=RefKind.CONVERSATION,
            external_id=str(display_id),
            conversation=conversation,
            visitor=conversation.visitor,
            first_seen_at=started,
            last_seen_at=started,
        )
        conversations[display_id] = conversation
    DesktopPanel.objects.create(
        desktop=Desktop.CHATWOOT, enabled=True, allowed_origins=f"http://localhost:{embed_host}"
    )
    app = live_server.url.replace("localhost", "127.0.0.1")
    Host.pages["/desk"] = HOST_PAGE % {
        "src": f"{app}/embed/chatwoot/",
        "width": PANEL_WIDTH,
        "chat": json.dumps(push_data(42, 9)),
    }
    return {"agent": agent, "conversations": conversations, "app": app}


def _switch(page, display_id: int) -> None:
    page.evaluate(f"window.currentChat = {json.dumps(push_data(display_id, display_id + 100))}")


def test_an_agent_reports_an_outcome_from_the_chatwoot_panel(blocked_browser, embed_host, desk):
    page = blocked_browser.new_page()
    assert_third_party_cookies_blocked(page, embed_host)

    page.goto(f"http://localhost:{embed_host}/desk")
    panel = page.frame_locator("#dashboard-app--frame-0-0")
    frame_box = page.locator("#dashboard-app--frame-0-0")
    panel.get_by_role("heading", name="Sign in to report outcomes").wait_for()
    shot(frame_box, "embed-chatwoot-1-sign-in")

    sign_in_through_window(page, panel, "ana", "panel-pass-1")

    conversation = desk["conversations"][42]
    panel.get_by_text(conversation.external_id).wait_for()
    shot(frame_box, "embed-chatwoot-2-widget")
    assert_no_horizontal_scrolling(frame_box, panel)
    panel.get_by_label("Order total").focus()  # keyboard: type, then Enter submits
    panel.get_by_label("Order total").fill("25.00")
    panel.get_by_label("Order number").fill("A-1001")
    page.keyboard.press("Enter")
    panel.get_by_text("Saved.").wait_for()
    event = EngagementAttributeEvent.objects.get(conversation=conversation)
    assert event.reported_by == desk["agent"]
    answer_survey(panel, "Ordered the blue one")
    assert_survey_submitted(conversation, desk["agent"], "Ordered the blue one")
    shot(frame_box, "embed-chatwoot-3-reported")

    # The agent opens another conversation in Chatwoot: the panel follows.
    _switch(page, 43)
    panel.get_by_text(desk["conversations"][43].external_id).wait_for()
    assert not EngagementAttributeEvent.objects.filter(conversation=desk["conversations"][43])

    # A forged context naming another agent's conversation shows nothing of it.
    _switch(page, 99)
    panel.get_by_text("Nothing to show for this conversation").wait_for()
    assert desk["conversations"][99].external_id not in panel.locator("body").inner_text()
    shot(frame_box, "embed-chatwoot-4-forged")

    # Signed in once: a reload keeps the panel's session (its partitioned cookie).
    _switch(page, 42)
    page.reload()
    panel.get_by_text(conversation.external_id).wait_for()


def test_pages_other_than_the_panel_refuse_to_be_framed(blocked_browser, embed_host, desk):
    page = blocked_browser.new_page()
    panel = page.request.get(f"{desk['app']}/embed/chatwoot/")
    assert "x-frame-options" not in panel.headers
    host = f"http://localhost:{embed_host}"
    assert f"frame-ancestors {host}" in panel.headers["content-security-policy"]

    refused = f"{desk['app']}/login/"
    with page.expect_response(refused) as answer:
        page.goto(f"{host}/probe-host?src={refused}")
    headers = answer.value.headers
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    frame = page.locator("#probe").element_handle().content_frame()
    page.wait_for_timeout(500)
    assert frame.url.startswith("chrome-error://"), frame.url  # "refused to connect"
    assert frame.get_by_label("Username").count() == 0
    page.goto(refused)  # the same page, not framed, does show
    assert page.get_by_label("Username").count() == 1
