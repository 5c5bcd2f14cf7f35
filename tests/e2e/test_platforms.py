"""Platforms and desktops, clicked as an admin would: add a Chatwoot account, copy its receiver
URL, let Chatwoot deliver to it, map the agent it names."""

import json
import urllib.request
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import AuditEntry
from tests.workspace.platforms import samples
from workspace.models import Conversation
from workspace.platforms.models import ExternalRef, PlatformAccount

SECRET = "secret-chatwoot-shows-once"


def _deliver(url: str, payload: dict) -> dict:
    body = samples.dumps(payload)
    headers = samples.chatwoot_headers(body, SECRET, timestamp=int(timezone.now().timestamp()))
    names = {key.removeprefix("HTTP_").replace("_", "-"): value for key, value in headers.items()}
    request = urllib.request.Request(  # noqa: S310 (the test's own loopback server)
        url, data=body, method="POST", headers={"Content-Type": "application/json", **names}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def test_admin_connects_chatwoot_and_maps_an_agent(demo, page, login, shot, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login("admin")
    page.goto(f"{live_server.url}/campaign-builder/")
    page.get_by_role("contentinfo").get_by_role("link", name="Data Sources").click()
    page.get_by_role("link", name="Platforms and desktops").click()
    expect(page.get_by_role("heading", name="Connected accounts")).to_be_visible()
    expect(page.get_by_role("link", name="Acme support (Chatwoot)")).to_be_visible()
    shot("platforms-01-tab")

    form = page.locator("#platform-add")
    form.get_by_role("combobox", name="Platform").select_option("chatwoot")
    form.get_by_label("Name").fill("Shop support")
    form.get_by_label("Account ID on the platform").fill("7")
    form.get_by_role("button", name="Add account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shop support")
    shot("platforms-02-account-added")

    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    receiver = page.evaluate("navigator.clipboard.readText()")
    assert receiver == page.get_by_role("textbox", name="Receiver URL").input_value()
    assert receiver.startswith(live_server.url + "/receive/chatwoot/")

    page.get_by_label("New webhook secret").fill(SECRET)
    page.get_by_role("button", name="Save secret").click()
    expect(page.get_by_text("Secret set")).to_be_visible()
    assert SECRET not in page.content()
    shot("platforms-03-secret-saved")

    at = timezone.now() - timedelta(minutes=5)
    answer = _deliver(receiver, samples.chatwoot_conversation("conversation_created", at=at))
    assert {item["id"] for item in answer["needsMapping"]} == {"12", "3", "1"}
    page.reload()
    row = page.locator("tr", has=page.get_by_text("Ana Silva", exact=True))
    expect(row.get_by_text("Needs mapping")).to_be_visible()
    shot("platforms-04-needs-mapping")

    row.get_by_label("Our agent for Ana Silva").select_option(label="Sara Silva")
    row.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("status").get_by_text("Saved the mapping of Ana Silva.")
    ).to_be_visible()
    row = page.locator("tr", has=page.get_by_text("Ana Silva", exact=True))
    expect(row.get_by_label("Our agent for Ana Silva")).to_have_value(
        str(ExternalRef.objects.get(label="Ana Silva").agent_id)
    )
    shot("platforms-05-agent-mapped")

    later = samples.chatwoot_conversation("conversation_updated", at=at + timedelta(minutes=1))
    _deliver(receiver, later)
    account = PlatformAccount.objects.get(name="Shop support")
    conversation = Conversation.objects.get(external_id=f"{account.namespace}:42")
    assert conversation.agent.username == "agent7"
    assert AuditEntry.objects.filter(action="platforms.mapping_save").exists()
