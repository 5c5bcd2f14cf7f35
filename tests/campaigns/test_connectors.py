"""Data Sources > Integrations > Connectors: create (key shown once), revoke, last used."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from campaigns.models import AuditEntry, ConfigStamp, Connector
from campaigns.services.connectors import (
    connector_authenticate,
    connector_create,
    connector_revoke,
)
from tests.campaigns.factories import ConnectorFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("campaigns:data-sources")
CREATE = reverse("campaigns:connector-create")


def test_integrations_tab_shows_connectors_and_the_three_categories(campaign_manager_client):
    ConnectorFactory(name="Web shop")
    html = campaign_manager_client.get(PAGE).content.decode()
    assert "Integrations" in html
    assert "Connectors" in html
    assert "Web shop" in html
    assert "Engagement attributes" in html
    for category in ["ecommerce", "visitor_info", "visitor_journey"]:
        assert reverse("campaigns:category-configure", args=[category]) in html
    assert html.count(">Configure</a>") == 3


def test_create_shows_the_key_once_and_stores_only_its_digest(campaign_manager_client):
    response = campaign_manager_client.post(CREATE, {"name": "Web shop"})
    assert response.status_code == 302
    connector = Connector.objects.get()
    first = campaign_manager_client.get(PAGE).content.decode()
    key = first.split('id="new-connector-key"')[1].split('value="')[1].split('"')[0]
    assert key.startswith("co_")
    assert connector.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in connector.key_digest
    assert connector_authenticate(key) == connector
    assert key not in campaign_manager_client.get(PAGE).content.decode()
    entry = AuditEntry.objects.get(action="connector.create")
    assert entry.after == {"name": "Web shop"}
    assert key not in str(entry.after)


def test_htmx_create_returns_the_connectors_fragment_with_the_key(
    campaign_manager_client, htmx_headers
):
    response = campaign_manager_client.post(CREATE, {"name": "CRM"}, headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="connectors"')
    assert 'id="new-connector-key"' in html
    assert "will not be shown again" in html
    assert "<strong>Key for “CRM”</strong>" in html
    label = '<label class="visually-hidden" for="new-connector-key">New connector key</label>'
    assert label in html


def test_create_without_a_name_shows_an_error_and_saves_nothing(
    campaign_manager_client, htmx_headers
):
    for headers in ({}, htmx_headers):
        response = campaign_manager_client.post(CREATE, {"name": "  "}, headers=headers)
        assert response.status_code == 422
        assert "This field is required." in response.content.decode()
    assert not Connector.objects.exists()


def test_revoke_refuses_the_key_and_is_audited(campaign_manager_client, htmx_headers):
    campaign_manager_client.post(CREATE, {"name": "Web shop"})
    html = campaign_manager_client.get(PAGE).content.decode()
    key = html.split('id="new-connector-key"')[1].split('value="')[1].split('"')[0]
    connector = Connector.objects.get()
    url = reverse("campaigns:connector-revoke", args=[connector.pk])
    response = campaign_manager_client.post(url, headers=htmx_headers)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Revoked" in response.content.decode()
    connector.refresh_from_db()
    assert connector.revoked_at is not None
    assert connector_authenticate(key) is None
    assert AuditEntry.objects.filter(action="connector.revoke").count() == 1


def test_revoke_without_javascript_redirects(campaign_manager_client):
    connector = ConnectorFactory()
    response = campaign_manager_client.post(
        reverse("campaigns:connector-revoke", args=[connector.pk])
    )
    assert response.status_code == 302
    assert response["Location"].startswith(PAGE)


def test_last_used_time_is_shown(campaign_manager_client):
    from datetime import UTC, datetime

    ConnectorFactory(name="Used", last_used_at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC))
    ConnectorFactory(name="Unused")
    html = campaign_manager_client.get(PAGE).content.decode()
    assert "4 Mar 2026, 05:06" in html
    assert "Never" in html


def test_connector_list_queries_do_not_grow(campaign_manager_client, django_assert_num_queries):
    ConnectorFactory()
    campaign_manager_client.get(PAGE)
    with django_assert_num_queries(6):
        campaign_manager_client.get(PAGE)
    ConnectorFactory.create_batch(5)
    with django_assert_num_queries(6):
        campaign_manager_client.get(PAGE)


def test_command_prints_the_key_as_the_last_line():
    out = StringIO()
    call_command("connector_create", "--name", "Nightly import", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    connector = Connector.objects.get(name="Nightly import")
    assert connector_authenticate(key) == connector
    assert AuditEntry.objects.filter(action="connector.create", actor=None).exists()


def test_command_refuses_an_empty_name():
    with pytest.raises(CommandError):
        call_command("connector_create", "--name", " ", stdout=StringIO())
    assert not Connector.objects.exists()


def test_a_new_key_works_at_once_and_only_a_revocation_changes_what_servers_keep(db):
    """Active connectors are kept under the configuration stamp; unknown keys are not kept, so
    creating a connector needs no new stamp, and revoking one makes one."""
    stamp = ConfigStamp.objects.get_or_create(pk=1)[0].stamp
    assert connector_authenticate("co_" + "x" * 43) is None
    connector, key = connector_create(name="Shop", actor=None)
    assert connector_authenticate(key) == connector
    assert ConfigStamp.objects.get(pk=1).stamp == stamp
    connector_revoke(connector=connector, actor=None)
    assert ConfigStamp.objects.get(pk=1).stamp != stamp
    assert connector_authenticate(key) is None
