"""Providers from the environment, and the allauth apps built from our rows (OpenID Connect
with PKCE; SAML through python3-saml, whose metadata and sign-in request are real)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from campaigns.models import AuditEntry
from campaigns.sso.adapter import social_app
from campaigns.sso.models import IdentityProvider

pytestmark = pytest.mark.django_db

CERT = """MIIBkTCB+wIJAOe2gSk1dcaVMA0GCSqGSIb3DQEBCwUAMA0xCzAJBgNVBAMMAmlk
MB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowDTELMAkGA1UEAwwCaWQw"""


def test_a_provider_is_created_from_the_environment_without_echoing_the_secret(monkeypatch, capsys):
    for name, value in {
        "SSO_SLUG": "okta",
        "SSO_NAME": "Okta",
        "SSO_PROTOCOL": "openid_connect",
        "SSO_ISSUER": "https://example.okta.com",
        "SSO_CLIENT_ID": "outcomes",
        "SSO_CLIENT_SECRET": "env-secret-value",
        "SSO_TRUST_EMAIL": "yes",
    }.items():
        monkeypatch.setenv(name, value)
    call_command("sso_provider_from_env")
    provider = IdentityProvider.objects.get(slug="okta")
    assert (provider.client_secret, provider.trust_email) == ("env-secret-value", True)
    assert "env-secret-value" not in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="sso.provider_created").exists()

    monkeypatch.setenv("SSO_NAME", "Okta EU")
    monkeypatch.delenv("SSO_CLIENT_SECRET")
    call_command("sso_provider_from_env")
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret) == ("Okta EU", "env-secret-value")


def test_the_environment_command_needs_a_slug_and_a_valid_protocol(monkeypatch):
    monkeypatch.delenv("SSO_SLUG", raising=False)
    with pytest.raises(CommandError):
        call_command("sso_provider_from_env")
    monkeypatch.setenv("SSO_SLUG", "x")
    monkeypatch.setenv("SSO_NAME", "X")
    monkeypatch.setenv("SSO_PROTOCOL", "kerberos")
    with pytest.raises(CommandError):
        call_command("sso_provider_from_env")
    assert not IdentityProvider.objects.exists()


def test_an_openid_provider_becomes_an_allauth_app_with_pkce(provider):
    app = social_app(provider)
    assert (app.provider, app.provider_id, app.client_id) == ("openid_connect", "okta", "outcomes")
    assert app.secret == "s3cret-value"
    assert app.settings["oauth_pkce_enabled"] is True
    assert app.pk is None  # never saved: allauth's table would keep the secret in clear


@pytest.fixture
def saml_provider(db):
    return IdentityProvider.objects.create(
        slug="entra",
        name="Entra ID",
        protocol="saml",
        idp_entity_id="https://sts.example.net/tenant/",
        idp_sso_url="https://login.example.net/tenant/saml2",
        idp_certificate=CERT,
        groups_claim="groups",
    )


def test_a_saml_provider_publishes_service_provider_metadata(client, saml_provider):
    response = client.get(
        reverse("saml_metadata", kwargs={"organization_slug": "entra"}), HTTP_HOST="testserver"
    )
    assert response.status_code == 200
    xml = response.content.decode()
    assert "EntityDescriptor" in xml
    assert reverse("saml_acs", kwargs={"organization_slug": "entra"}) in xml


def test_a_saml_sign_in_redirects_to_the_provider_with_a_request(client, saml_provider):
    response = client.post(
        reverse("saml_login", kwargs={"organization_slug": "entra"}), HTTP_HOST="testserver"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("https://login.example.net/tenant/saml2?SAMLRequest=")
