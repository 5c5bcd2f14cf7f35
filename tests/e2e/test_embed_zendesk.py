"""The Conversation summary as a Zendesk ticket sidebar app, as an agent uses it: a host page on
another site frames /embed/zendesk/?origin=...&app_guid=... (as Zendesk frames an app's URL), in a
Chromium that blocks third-party cookies. The panel runs the vendored Apps framework SDK itself;
the host answers it as Zendesk does (zendesk/zendesk_app_framework_sdk, lib/client.js and
spec/client_spec.js): JSON strings posted to the app's frame, ``zaf.app.registered`` after the
``iframe.handshake``, ``{id, result}`` for each ``get``/``invoke`` request, and a ticket save as
``{key: "zaf.ticket.save", needsReply: true}`` that the app answers with
``iframe.reply:ticket.save`` (with ``error.msg`` when its hook rejects: Zendesk then shows the
message and does not save)."""

import json
from urllib.parse import quote

import pytest

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
from tests.factories import SkillFactory, UserFactory
from tests.workspace.factories import agent_survey, attribute_config
from workspace.embed.models import Desktop, DesktopPanel, PanelConversation
from workspace.models import Conversation, EngagementAttributeEvent

APP_GUID = "5d2c8a7e-1f3b-4c6d-9e0a-7b8c9d0e1f2a"
TICKET = 4711
MISSING = "Report these outcomes or choose “No outcome” before closing: Transaction"
HOST_PAGE = """<!doctype html><html><head><title>Zendesk Support (stand-in)</title></head>
<body style="margin:0;display:flex;font-family:sans-serif">
<main style="flex:1;padding:16px"><h1>Ticket #%(ticket)s</h1>
<p id="save-result" role="status" style="padding:8px;background:#fde8e8"></p></main>
<iframe id="zd-app" src="%(src)s" title="Conversation Outcomes"
  style="width:%(width)spx;height:900px;border:0;border-left:1px solid #ccc"></iframe>
<script>
var frame = document.getElementById("zd-app");
var appOrigin = new URL(frame.src).origin;
window.zdTicket = %(ticket_data)s;
window.zdContext = %(context)s;
window.zdSeen = {handshake: null, subscriptions: [], invokes: [], saveReplies: []};
var pendingSave = null;

function send(message) { frame.contentWindow.postMessage(JSON.stringify(message), appOrigin); }

window.addEventListener("message", function (e) {
  if (e.source !== frame.contentWindow || e.origin !== appOrigin) { return; }
  var data = typeof e.data === "string" ? JSON.parse(e.data) : e.data;
  if (data.key === "iframe.handshake") {
    window.zdSeen.handshake = data;
    send({key: "zaf.app.registered", message: {
      metadata: {appId: 0, installationId: 31, name: "Conversation Outcomes", version: "1.0.0"},
      context: window.zdContext
    }});
  } else if (data.request === "get") {
    var result = {errors: {}};
    data.params.forEach(function (path) { result[path] = window.zdTicket[path]; });
    send({id: data.id, result: result});
  } else if (data.request === "invoke") {
    window.zdSeen.invokes.push(data.params);
    send({id: data.id, result: {}});
  } else if (data.key && data.key.indexOf("iframe.on:") === 0) {
    window.zdSeen.subscriptions.push(data.key.slice(10));
  } else if (data.key === "iframe.reply:ticket.save") {
    window.zdSeen.saveReplies.push(data);
    if (pendingSave) { pendingSave(data); pendingSave = null; }
  }
});

// The agent submits the ticket as ``status``: Zendesk runs the app's save hook first.
window.zdSave = function (status) {
  window.zdTicket["ticket.status"] = status;
  return new Promise(function (resolve) {
    pendingSave = function (reply) {
      var refused = reply.error ? reply.error.msg : "";
      document.getElementById("save-result").textContent =
        refused ? refused : "Ticket saved as " + status + ".";
      resolve(refused ? {saved: false, message: refused} : {saved: true});
    };
    send({key: "zaf.ticket.save", needsReply: true});
  });
};
</script></body></html>"""


def ticket_data(status: str = "open") -> dict:
    """What Zendesk's ``client.get`` answers for the ticket sidebar's paths."""
    return {
        "ticket.id": TICKET,
        "ticket.status": status,
        "ticket.requester": {"id": 9001, "name": "Jo Customer", "email": "jo@example.com"},
        "ticket.assignee": {"user": {"id": 1001, "name": "Ana Agent"}, "group": {"id": 360001}},
        "ticket.group": {"id": 360001, "name": "Sales"},
        "currentUser": {"id": 1001, "name": "Ana Agent", "email": "ana@example.com"},
    }


@pytest.fixture
def desk(live_server, embed_host, blocked_browser):
    sales = SkillFactory(name="Sales")
    attribute_config(AttributeType.PURCHASE, skills=[sales], required=True)
    agent_survey(skills=[sales], name="Sales wrap-up")
    agent = UserFactory(username="ana", first_name="Ana", last_name="Agent", roles=[Role.AGENT])
    agent.skills.set([sales])
    agent.set_password("panel-pass-1")
    agent.save()
    host = f"http://localhost:{embed_host}"
    DesktopPanel.objects.create(desktop=Desktop.ZENDESK, enabled=True, allowed_origins=host)
    app = live_server.url.replace("localhost", "127.0.0.1")
    context = {
        "product": "support",
        "account": {"subdomain": "acme"},
        "location": "ticket_sidebar",
        "ticketId": TICKET,
        "instanceGuid": APP_GUID,
    }
    Host.pages["/agent/tickets/4711"] = HOST_PAGE % {
        "src": f"{app}/embed/zendesk/?origin={quote(host, safe='')}&app_guid={APP_GUID}",
        "width": PANEL_WIDTH,
        "ticket": TICKET,
        "ticket_data": json.dumps(ticket_data()),
        "context": json.dumps(context),
    }
    return {"agent": agent, "sales": sales}


def _save(page, status: str) -> dict:
    return page.evaluate(f"window.zdSave({json.dumps(status)})")


def test_an_agent_reports_an_outcome_and_a_solve_waits_for_it(blocked_browser, embed_host, desk):
    page = blocked_browser.new_page()
    assert_third_party_cookies_blocked(page, embed_host)
    page.goto(f"http://localhost:{embed_host}/agent/tickets/4711")
    panel, frame_box = page.frame_locator("#zd-app"), page.locator("#zd-app")
    panel.get_by_role("heading", name="Sign in to report outcomes").wait_for()
    page.wait_for_function("window.zdSeen.subscriptions.indexOf('ticket.save') !== -1")
    handshake = page.evaluate("window.zdSeen.handshake")
    assert handshake["message"] == {"version": "2.0.37"}
    assert handshake["appGuid"] == handshake["instanceGuid"] == APP_GUID

    # Signed out, nothing can be checked: a solve is refused with the way out.
    refused = _save(page, "solved")
    assert refused["saved"] is False
    assert "Sign in to Conversation Outcomes" in refused["message"]
    shot(frame_box, "embed-zendesk-1-sign-in")
    sign_in_through_window(page, panel, "ana", "panel-pass-1")

    panel.get_by_text(f"zendesk-desktop-acme:{TICKET}").wait_for()
    panel.get_by_text("Created from the agent desktop").wait_for()
    conversation = Conversation.objects.get()
    assert (conversation.agent, conversation.skill) == (desk["agent"], desk["sales"])
    assert PanelConversation.objects.get().account_ref == "acme"
    shot(frame_box, "embed-zendesk-2-widget")
    assert_no_horizontal_scrolling(frame_box, panel)
    page.wait_for_function("window.zdSeen.invokes.some(p => p.resize)")

    # Saving without solving is never held; solving with the required outcome missing is.
    assert _save(page, "pending") == {"saved": True}
    refused = _save(page, "solved")
    assert refused == {"saved": False, "message": MISSING}
    shot(page.locator("body"), "embed-zendesk-3-solve-refused")
    assert conversation.ended_at is None

    panel.get_by_label("Order total").fill("25.00")
    panel.get_by_label("Order number").fill("Z-4711")
    page.keyboard.press("Enter")
    panel.get_by_text("Saved.").wait_for()
    event = EngagementAttributeEvent.objects.get(conversation=conversation)
    assert event.reported_by == desk["agent"]
    answer_survey(panel, "Solved by phone")
    assert_survey_submitted(conversation, desk["agent"], "Solved by phone")
    shot(frame_box, "embed-zendesk-5-reported")
    assert _save(page, "solved") == {"saved": True}
    shot(page.locator("body"), "embed-zendesk-4-solved")

    # Signed in once: a reload keeps the panel's session (its partitioned cookie).
    page.reload()
    panel.get_by_text(f"zendesk-desktop-acme:{TICKET}").wait_for()
    assert Conversation.objects.count() == 1
