"""Desktop panel fixtures: Chatwoot's panel turned on for one origin, and clients signed in to
the panel's own session (the cookie the embed routes read)."""

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.workspace.conftest import NOW
from workspace.embed.middleware import SESSION_COOKIE
from workspace.embed.models import Desktop, DesktopPanel
from workspace.platforms.models import ExternalRef, Platform, RefKind
from workspace.platforms.services.accounts import platform_account_create

CHATWOOT_ORIGIN = "https://chat.example.com"
LIVEPERSON_ORIGIN = "https://z1.le.liveperson.net"
LIVEPERSON_SITE = "12345678"
ZENDESK_ORIGIN = "https://acme.zendesk.com"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def chatwoot_panel(db):
    return DesktopPanel.objects.create(
        desktop=Desktop.CHATWOOT, enabled=True, allowed_origins=CHATWOOT_ORIGIN
    )


@pytest.fixture
def liveperson_panel(db):
    return DesktopPanel.objects.create(
        desktop=Desktop.LIVEPERSON, enabled=True, allowed_origins=LIVEPERSON_ORIGIN
    )


@pytest.fixture
def zendesk_panel(db):
    return DesktopPanel.objects.create(
        desktop=Desktop.ZENDESK, enabled=True, allowed_origins=ZENDESK_ORIGIN
    )


def panel_client(user) -> Client:
    """A client signed in to the panel only: its session travels in the panel's cookie."""
    client = Client()
    client.force_login(user)
    key = client.cookies.pop("sessionid").value
    client.cookies[SESSION_COOKIE] = key
    return client


@pytest.fixture
def agent_panel(agent):
    return panel_client(agent)


@pytest.fixture
def other_agent_panel(other_agent):
    return panel_client(other_agent)


@pytest.fixture
def agent_manager_panel(agent_manager):
    return panel_client(agent_manager)


@pytest.fixture
def chatwoot_feed(admin):
    account, _token = platform_account_create(
        actor=admin,
        now=timezone.now(),
        platform=Platform.CHATWOOT,
        name="Acme Chatwoot",
        account_ref="7",
        auth="signature",
        secret="cw-secret-0123456789",
    )
    return account


@pytest.fixture
def liveperson_feed(admin):
    account, _token = platform_account_create(
        actor=admin,
        now=timezone.now(),
        platform=Platform.LIVEPERSON,
        name="Acme LivePerson",
        account_ref=LIVEPERSON_SITE,
        auth="signature",
        client_id="lp-client-1",
        secret="lp-secret-0123456789",
    )
    return account


def map_conversation(account, external_id: str, conversation) -> ExternalRef:
    return ExternalRef.objects.create(
        account=account,
        kind=RefKind.CONVERSATION,
        external_id=external_id,
        conversation=conversation,
        visitor=conversation.visitor,
        first_seen_at=NOW,
        last_seen_at=NOW,
    )
