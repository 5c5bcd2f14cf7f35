"""The panel as a Zendesk ticket sidebar app: its page loads the vendored Apps framework SDK (no
other script origin), only the origins entered may frame it, the context it posts (subdomain +
ticket id) maps to a provisional conversation, the save gate answers what our own Close would
wait for, and the app package an admin uploads holds a valid manifest."""

import io
import json
import re
import struct
import uuid
import zipfile

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.catalogue import AttributeType
from campaigns.models import AuditEntry
from tests.workspace.embed.conftest import (
    CHATWOOT_ORIGIN,
    ZENDESK_ORIGIN,
    panel_client,
)
from tests.workspace.factories import attribute_config
from workspace.embed.models import Desktop, DesktopPanel, PanelConversation
from workspace.embed.services import PROVENANCE
from workspace.models import Conversation

PANEL = reverse("embed:zendesk-panel")
CONTEXT = reverse("embed:zendesk-context")
CHECK = reverse("embed:zendesk-save-check")
SETTINGS = reverse("embed:desktop-settings")
SAVE = reverse("embed:desktop-save", args=[Desktop.ZENDESK])
SDK = "embed/vendor/zaf_sdk.min.js"
HX = {"HX-Request": "true"}
TICKET = "4711"
MISSING = "Report these outcomes or choose “No outcome” before closing: Transaction"


def _show(client, ticket=TICKET, subdomain="acme", **extra):
    data = {"subdomain": subdomain, "ticket": ticket, "requester": "9001", **extra}
    return client.post(CONTEXT, data, headers=HX)


def _check(client, ticket=TICKET, subdomain="acme"):
    return client.post(CHECK, {"subdomain": subdomain, "ticket": ticket})


def _directive(response, name: str) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


@pytest.fixture
def required_purchase(sales_skill):
    return attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)


def _report(client, conversation, index: int = 0) -> None:
    url = reverse("embed-widget:outcome-create", args=[conversation.pk, "purchase"])
    data = {"add-purchase-total": "25.00", "add-purchase-currency": "USD"}
    data["add-purchase-orderId"] = f"Z-{index}"
    data["add-purchase-token"] = str(uuid.UUID(int=index + 1))
    assert client.post(url, data, headers=HX).status_code == 200


# The page and its policies


def test_the_page_loads_the_vendored_sdk_with_the_nonce(client, zendesk_panel):
    response = client.get(PANEL)
    html = response.content.decode()
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script src="/static/{SDK}" nonce="{nonce}" defer></script>' in html
    assert "embed/zendesk.js" in html
    assert f'data-check-url="{CHECK}"' in html
    assert f'data-context-url="{CONTEXT}"' in html
    assert "embed/liveperson.js" not in html


def test_the_sdk_is_served_from_here_and_no_other_script_origin_is_allowed(client, zendesk_panel):
    script_src = _directive(client.get(PANEL), "script-src")
    assert not [source for source in script_src if source.startswith("http")]
    assert "'unsafe-inline'" not in script_src
    with open(finders.find(SDK), encoding="utf-8") as sdk:
        vendored = sdk.read()
    assert "ZAFClient" in vendored
    assert "iframe.handshake" in vendored
    assert "sourceMappingURL" not in vendored  # no map shipped, nothing for collectstatic to miss
    assert finders.find("embed/vendor/zaf_sdk.min.js.LICENSE.txt")
    assert finders.find("embed/vendor/LICENSE-zendesk_app_framework_sdk.txt")


def test_only_the_origins_entered_may_frame_it(client, zendesk_panel, chatwoot_panel):
    response = client.get(PANEL)
    assert "X-Frame-Options" not in response
    assert _directive(response, "frame-ancestors") == [ZENDESK_ORIGIN]
    assert CHATWOOT_ORIGIN not in _directive(response, "frame-ancestors")
    assert _directive(client.post(CONTEXT, {}), "frame-ancestors") == [ZENDESK_ORIGIN]
    assert _directive(client.post(CHECK, {}), "frame-ancestors") == [ZENDESK_ORIGIN]
    other = client.get(reverse("embed:chatwoot-panel"))
    assert ZENDESK_ORIGIN not in _directive(other, "frame-ancestors")


def test_an_app_turned_off_is_404_and_unframable(client, agent_panel, zendesk_panel):
    zendesk_panel.enabled = False
    zendesk_panel.save()
    response = client.get(PANEL)
    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
    assert _directive(response, "frame-ancestors") == ["'none'"]
    assert _show(agent_panel).status_code == 404
    assert _check(agent_panel).status_code == 404
    assert not Conversation.objects.exists()


# Which conversation


def test_a_ticket_gets_a_provisional_conversation_once_with_its_groups_skill(
    agent_panel, agent, zendesk_panel, sales_skill, purchase_config
):
    first = _show(agent_panel, group="Sales")
    assert first.status_code == 200
    conversation = Conversation.objects.get()
    assert (conversation.agent, conversation.skill) == (agent, sales_skill)
    assert conversation.external_id == f"zendesk-desktop-acme:{TICKET}"
    assert conversation.visitor.external_id == "zendesk-desktop-acme:contact:9001"
    html = first.content.decode()
    assert "<html" not in html
    assert f'data-conversation="{conversation.pk}"' in html
    assert "Created from the agent desktop" in html
    assert 'id="summary-outcomes"' in html
    entry = AuditEntry.objects.get(action="embed.conversation_create")
    assert (entry.actor, entry.reason) == (agent, PROVENANCE)
    assert entry.after == {"desktop": "zendesk", "account": "acme"}
    assert _show(agent_panel, group="Sales").status_code == 200
    assert Conversation.objects.count() == 1
    row = PanelConversation.objects.get()
    assert (row.desktop, row.account_ref, row.conversation_ref) == (Desktop.ZENDESK, "acme", TICKET)


def test_the_same_ticket_number_in_another_zendesk_is_another_conversation(
    agent_panel, zendesk_panel
):
    assert _show(agent_panel).status_code == 200
    assert _show(agent_panel, subdomain="globex").status_code == 200
    assert Conversation.objects.count() == 2


def test_a_group_we_have_no_skill_for_leaves_the_skill_empty(agent_panel, zendesk_panel):
    assert _show(agent_panel, group="Tier 2").status_code == 200
    assert Conversation.objects.get().skill is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"subdomain": "acme"},
        {"subdomain": "Acme.zendesk.com", "ticket": TICKET},
        {"subdomain": "acme", "ticket": "12a"},
        {"subdomain": "acme", "ticket": TICKET, "requester": "<b>"},
        {"subdomain": "acme", "ticket": TICKET, "group": "g" * 81},
        {"subdomain": "a" * 41, "ticket": TICKET},
    ],
)
def test_a_bad_context_is_422_and_creates_nothing(agent_panel, zendesk_panel, data):
    response = agent_panel.post(CONTEXT, data, headers=HX)
    assert response.status_code == 422
    assert "did not say" in response.content.decode()
    assert not Conversation.objects.exists()


def test_anonymous_gets_the_sign_in_offer_and_nothing_is_created(client, zendesk_panel):
    assert 'id="panel-sign-in"' in client.get(PANEL).content.decode()
    response = _show(client)
    assert response.status_code == 200
    assert 'id="panel-sign-in"' in response.content.decode()
    assert not Conversation.objects.exists()


def test_another_agents_ticket_shows_nothing_of_it(agent_panel, other_agent_panel, zendesk_panel):
    assert _show(agent_panel).status_code == 200
    response = _show(other_agent_panel)
    assert response.status_code == 404
    assert "zendesk-desktop-" not in response.content.decode()
    assert Conversation.objects.count() == 1


def test_only_post_reaches_the_context_and_the_gate(agent_panel, zendesk_panel):
    assert agent_panel.get(CONTEXT).status_code == 405
    assert agent_panel.get(CHECK).status_code == 405
    assert agent_panel.post(PANEL).status_code == 405


# The save gate


def test_the_gate_blocks_a_solve_with_our_closes_message(
    agent_panel, zendesk_panel, sales_skill, required_purchase
):
    _show(agent_panel, group="Sales")
    response = _check(agent_panel)
    assert response.status_code == 200
    assert response.json() == {"blocked": True, "message": MISSING, "missing": ["Transaction"]}


def test_the_gate_opens_once_the_outcome_is_reported(
    agent_panel, zendesk_panel, sales_skill, required_purchase
):
    _show(agent_panel, group="Sales")
    _report(agent_panel, Conversation.objects.get())
    assert _check(agent_panel).json() == {"blocked": False, "message": "", "missing": []}


def test_the_gate_opens_once_no_outcome_is_chosen(
    agent_panel, zendesk_panel, sales_skill, required_purchase
):
    _show(agent_panel, group="Sales")
    conversation = Conversation.objects.get()
    url = reverse("embed-widget:no-outcome-create", args=[conversation.pk, "purchase"])
    assert agent_panel.post(url, {}, headers=HX).status_code == 200
    assert _check(agent_panel).json()["blocked"] is False


def test_nothing_required_means_nothing_blocked(agent_panel, zendesk_panel, purchase_config):
    _show(agent_panel, group="Sales")
    assert _check(agent_panel).json()["blocked"] is False


def test_anonymous_is_asked_to_sign_in_and_nothing_is_created(client, zendesk_panel):
    response = _check(client)
    assert response.status_code == 401
    assert response.json()["blocked"] is True
    assert "Sign in to Conversation Outcomes" in response.json()["message"]
    assert not Conversation.objects.exists()


def test_the_app_session_is_not_read_by_the_gate(agent_client, agent_panel, zendesk_panel):
    _show(agent_panel)
    assert _check(agent_client).status_code == 401


def test_another_agents_ticket_is_404_and_says_nothing(
    agent_panel, other_agent_panel, zendesk_panel, sales_skill, required_purchase
):
    _show(agent_panel, group="Sales")
    response = _check(other_agent_panel)
    assert response.status_code == 404
    assert response.json() == {"blocked": False, "message": "", "missing": []}


def test_a_role_without_the_workspace_gets_404(
    campaign_manager, agent_panel, zendesk_panel, sales_skill, required_purchase
):
    _show(agent_panel, group="Sales")
    assert _check(panel_client(campaign_manager)).status_code == 404


def test_a_ticket_the_panel_never_showed_is_404_and_creates_nothing(agent_panel, zendesk_panel):
    assert _check(agent_panel).status_code == 404
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    "data", [{}, {"subdomain": "acme"}, {"subdomain": "acme", "ticket": "x"}, {"ticket": TICKET}]
)
def test_a_bad_question_is_422(agent_panel, zendesk_panel, data):
    assert agent_panel.post(CHECK, data).status_code == 422


# The admin's settings and the app package


def test_the_settings_page_offers_zendesk_and_the_command(admin_client):
    html = admin_client.get(SETTINGS).content.decode()
    card = html.split('id="desktop-zendesk"')[1]
    assert "Zendesk ticket sidebar app" in card
    assert '<label for="id_zendesk-origins"' in card
    assert f"zendesk_app_zip --url http://testserver{PANEL} --email" in card
    assert "Upload private app" in card
    assert "not available yet" not in html


def test_saving_turns_the_app_on_and_is_audited(admin_client, admin):
    data = {"zendesk-enabled": "on", "zendesk-origins": "https://ACME.zendesk.com/"}
    assert admin_client.post(SAVE, data).status_code == 302
    panel = DesktopPanel.objects.get(desktop=Desktop.ZENDESK)
    assert (panel.enabled, panel.origins) == (True, [ZENDESK_ORIGIN])
    entry = AuditEntry.objects.get(action="embed.desktop_save")
    assert entry.after == {"enabled": True, "origins": [ZENDESK_ORIGIN]}


@pytest.mark.parametrize("who", ["agent_client", "campaign_manager_client", "agent_manager_client"])
def test_other_roles_may_not_change_it(request, who):
    data = {"zendesk-enabled": "on", "zendesk-origins": ZENDESK_ORIGIN}
    assert request.getfixturevalue(who).post(SAVE, data).status_code == 403
    assert not DesktopPanel.objects.exists()


def _png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", content[16:24])


@pytest.mark.parametrize(
    "url", ["https://outcomes.example.com", "https://outcomes.example.com/embed/zendesk/"]
)
def test_the_app_zip_holds_a_manifest_zendesk_accepts(tmp_path, url):
    output = tmp_path / "app.zip"
    call_command(
        "zendesk_app_zip",
        url=url,
        email="help@example.com",
        output=str(output),
        stdout=io.StringIO(),
    )
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        translations = json.loads(archive.read("translations/en.json"))
        logos = [_png_size(archive.read(f"assets/{n}")) for n in ("logo.png", "logo-small.png")]
    assert names == {
        "manifest.json",
        "translations/en.json",
        "assets/logo.png",
        "assets/logo-small.png",
    }
    # The manifest reference's required properties, for a private ticket sidebar app.
    assert manifest["name"] == "Conversation Outcomes"
    assert manifest["author"] == {"name": "Conversation Outcomes", "email": "help@example.com"}
    assert (manifest["defaultLocale"], manifest["private"]) == ("en", True)
    assert manifest["frameworkVersion"] == "2.0"
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    sidebar = manifest["location"]["support"]["ticket_sidebar"]
    assert sidebar == {"url": f"https://outcomes.example.com{PANEL}", "flexible": True}
    assert set(translations["app"]) >= {"name", "short_description", "long_description"}
    assert logos == [(320, 320), (128, 128)]


@pytest.mark.parametrize(
    "url", ["http://outcomes.example.com", "outcomes.example.com", "https://x.example.com/?a=1"]
)
def test_the_app_zip_needs_an_https_address(tmp_path, url):
    with pytest.raises(CommandError):
        call_command(
            "zendesk_app_zip", url=url, email="a@b.example", output=str(tmp_path / "app.zip")
        )
    assert not (tmp_path / "app.zip").exists()


def test_the_app_zip_needs_the_authors_email(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "zendesk_app_zip",
            url="https://o.example.com",
            email="nobody",
            output=str(tmp_path / "a.zip"),
        )
    assert not (tmp_path / "a.zip").exists()


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured)


def test_the_context_and_the_gate_read_a_fixed_number_of_queries(
    agent_panel, zendesk_panel, sales_skill, required_purchase
):
    _show(agent_panel, ticket="1", group="Sales")  # per-process configuration read once
    _show(agent_panel, ticket="2", group="Sales")
    few, many = Conversation.objects.order_by("pk")
    context = _queries(lambda: _show(agent_panel, ticket="1", group="Sales"))
    gate = _queries(lambda: _check(agent_panel, ticket="1"))
    for index in range(3):
        _report(agent_panel, many, index)
    assert _queries(lambda: _show(agent_panel, ticket="2", group="Sales")) == context
    assert _queries(lambda: _check(agent_panel, ticket="2")) == gate
    assert few.pk != many.pk
