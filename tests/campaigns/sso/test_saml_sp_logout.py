"""SAML single logout started here: a sign-in keeps the assertion's NameID and SessionIndex;
sign-out ends the session here, then sends the browser to the provider with a LogoutRequest
naming them, signed with this app's key; the provider's signed answer lands on the sign-in
page, once, and an unsigned or forged one is refused. Without the provider's single logout
address or a key of this app's, sign-out ends here only. Signs in through the tests' pysaml2
identity provider."""

import base64
import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from campaigns.roles import Role
from campaigns.sso.adapter import SESSION_SAML_SUBJECT_KEY, social_app
from campaigns.sso.models import GroupMapping, IdentityProvider
from campaigns.sso.saml import SESSION_LOGOUT_REQUEST_KEY
from tests.sso.saml_idp import SamlProvider, signing_pair

pytestmark = pytest.mark.django_db
WORKSPACE = reverse("workspace:conversation-list")
SLUG = "corp"


@pytest.fixture
def client():
    """python3-saml reads the Host header, which the test client sends only when told to."""
    return Client(headers={"host": "testserver"})


@pytest.fixture
def idp():
    provider = SamlProvider()
    yield provider
    provider.stop()


@pytest.fixture
def sp_keys(tmp_path):
    """This app's signing key and certificate (PEM), and another pair's certificate."""
    key_file, cert_file, _body = signing_pair(tmp_path, "sp")
    *_, other_cert, _body = signing_pair(tmp_path, "other")
    return {
        "key": key_file.read_text(),
        "certificate": cert_file.read_text(),
        "other_certificate": other_cert.read_text(),
    }


@pytest.fixture
def corp(client, idp, sp_keys):
    provider = IdentityProvider.objects.create(
        slug=SLUG,
        name="Corporate SAML",
        protocol="saml",
        idp_entity_id=idp.entity_id,
        idp_sso_url=idp.sso_url,
        idp_certificate=idp.certificate,
        idp_slo_url=idp.slo_url,
        sp_private_key=sp_keys["key"],
        sp_certificate=sp_keys["certificate"],
    )
    GroupMapping.objects.create(
        provider=provider, external_group="cc-agents", role=Group.objects.get(name=Role.AGENT)
    )
    idp.trust_metadata(client.get(reverse("saml_metadata", args=[SLUG])).content.decode())
    idp.directory = {"ann": {"email": "ann@example.com", "groups": ["cc-agents"]}}
    return provider


def _query(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def _sign_in(client, idp) -> str:
    """Ann signs in through the provider; returns the provider's answer (XML)."""
    start = client.post(reverse("saml_login", args=[SLUG]))
    request = _query(start["Location"])
    form = idp.answer(request["SAMLRequest"], request.get("RelayState", ""), "ann")
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', form)
    }
    client.post(reverse("saml_acs", args=[SLUG]), fields)
    finished = client.get(reverse("saml_finish_acs", args=[SLUG]))
    assert finished.status_code == 302
    assert client.get(WORKSPACE).status_code == 200
    return base64.b64decode(fields["SAMLResponse"]).decode()


def _sign_out(client) -> str:
    """Sign out here; returns where the signed-out page sends the browser on to."""
    response = client.post(reverse("logout"))
    assert response["Location"] == f"{reverse('sso:signed-out')}?provider={SLUG}"
    assert client.get(WORKSPACE).status_code == 302  # the session here ended first
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'http-equiv="refresh"' in page.content.decode()
    return page.context["url"]


def test_a_sign_in_keeps_the_assertions_name_id_and_session_index(client, idp, corp):
    answer = _sign_in(client, idp)
    subject = client.session[SESSION_SAML_SUBJECT_KEY]
    assert (subject["name_id"], subject["name_id_format"]) == ("ann", NAMEID_FORMAT_PERSISTENT)
    assert subject["session_index"]
    assert f'SessionIndex="{subject["session_index"]}"' in answer


def test_sign_out_sends_a_logout_request_for_that_session_signed_with_this_apps_key(
    client, idp, corp, sp_keys
):
    _sign_in(client, idp)
    subject = client.session[SESSION_SAML_SUBJECT_KEY]
    url = _sign_out(client)
    assert url.startswith(f"{idp.slo_url}?")
    parameters = _query(url)
    request = OneLogin_Saml2_Utils.decode_base64_and_inflate(parameters["SAMLRequest"]).decode()
    assert f'Format="{NAMEID_FORMAT_PERSISTENT}">ann</saml:NameID>' in request
    assert f"<samlp:SessionIndex>{subject['session_index']}</samlp:SessionIndex>" in request
    assert parameters["RelayState"] == "http://testserver/login/"
    # The HTTP-Redirect binding signs these three parameters, URL-encoded, in this order.
    encoded = dict(part.split("=", 1) for part in urlsplit(url).query.split("&"))
    signed = "&".join(f"{name}={encoded[name]}" for name in ("SAMLRequest", "RelayState", "SigAlg"))
    assert parameters["SigAlg"] == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    certificate = x509.load_pem_x509_certificate(sp_keys["certificate"].encode())
    certificate.public_key().verify(  # raises InvalidSignature
        base64.b64decode(parameters["Signature"]),
        signed.encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    assert client.session[SESSION_LOGOUT_REQUEST_KEY] in request


def test_the_providers_signed_answer_lands_on_the_sign_in_page_once(client, idp, corp, caplog):
    _sign_in(client, idp)
    session_index = client.session[SESSION_SAML_SUBJECT_KEY]["session_index"]
    request = _query(_sign_out(client))
    forged = {**request, "Signature": base64.b64encode(b"\0" * 256).decode()}
    assert idp.logout(forged) is None  # the provider does check this app's signature
    assert idp.logouts == []
    answer = idp.logout(request)
    assert idp.logouts == [{"name_id": "ann", "session_index": [session_index]}]
    sls = urlsplit(answer).path
    assert sls == reverse("saml_sls", args=[SLUG])
    signed = _query(answer)
    assert {"SAMLResponse", "SigAlg", "Signature"} <= signed.keys()

    unsigned = {k: v for k, v in signed.items() if k not in ("SigAlg", "Signature")}
    assert client.get(sls, unsigned).status_code == 400
    assert "saml logout refused provider=corp reason=unsigned" in caplog.text

    response = client.get(sls, signed)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")

    assert client.get(sls, signed).status_code == 400  # the same answer again
    assert "saml logout refused provider=corp reason=unsolicited_answer" in caplog.text


def test_an_answer_with_a_forged_signature_is_refused(client, idp, corp, caplog):
    _sign_in(client, idp)
    answer = _query(idp.logout(_query(_sign_out(client))))
    forged = {**answer, "Signature": base64.b64encode(b"\0" * 256).decode()}
    response = client.get(reverse("saml_sls", args=[SLUG]), forged)
    assert response.status_code == 400
    assert "saml logout refused provider=corp reason=invalid_answer" in caplog.text


@pytest.mark.parametrize(
    "change",
    [{"idp_slo_url": ""}, {"sp_private_key": "", "sp_certificate": ""}],
    ids=["no-logout-address", "no-key"],
)
def test_without_the_providers_logout_address_or_a_key_sign_out_ends_here_only(
    client, idp, corp, change
):
    _sign_in(client, idp)
    for name, value in change.items():
        setattr(corp, name, value)
    corp.save()
    response = client.post(reverse("logout"))
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"] == reverse("login")
    assert client.get(WORKSPACE).status_code == 302
    assert SESSION_LOGOUT_REQUEST_KEY not in client.session


def test_the_metadata_publishes_this_apps_signing_certificate(client, corp, sp_keys):
    metadata = client.get(reverse("saml_metadata", args=[SLUG])).content.decode()
    body = "".join(sp_keys["certificate"].strip().splitlines()[1:-1])
    assert re.search(rf'<md:KeyDescriptor use="signing">.*{re.escape(body)}', metadata, re.DOTALL)


def _provider_form(idp, **fields) -> dict:
    return {
        "name": "Corporate SAML",
        "slug": SLUG,
        "protocol": "saml",
        "enabled": "on",
        "idp_entity_id": idp.entity_id,
        "idp_sso_url": idp.sso_url,
        "idp_certificate": idp.certificate,
        "idp_slo_url": idp.slo_url,
        "scopes": "openid",
        "groups_claim": "groups",
        **fields,
    }


def test_the_pasted_key_is_stored_encrypted_and_never_shown_again(admin_client, idp, sp_keys):
    form = _provider_form(idp, sp_private_key=sp_keys["key"], sp_certificate=sp_keys["certificate"])
    assert admin_client.post(reverse("sso:provider-create"), form).status_code == 302
    provider = IdentityProvider.objects.get(slug=SLUG)
    assert provider.sp_private_key == sp_keys["key"].strip()
    with connection.cursor() as cursor:
        cursor.execute("SELECT sp_private_key FROM sso_identityprovider")
        assert "PRIVATE KEY" not in cursor.fetchone()[0]
    page = admin_client.get(reverse("sso:provider-update", args=[provider.pk])).content.decode()
    key_body = sp_keys["key"].strip().splitlines()[1]
    assert key_body not in page
    assert sp_keys["certificate"].strip().splitlines()[1] in page  # the certificate is shown


def test_a_certificate_of_another_key_is_refused(admin_client, idp, sp_keys):
    form = _provider_form(
        idp, sp_private_key=sp_keys["key"], sp_certificate=sp_keys["other_certificate"]
    )
    response = admin_client.post(reverse("sso:provider-create"), form)
    assert response.status_code == 422
    assert "This certificate is not the key&#x27;s." in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_the_key_pair_can_come_from_the_environment(monkeypatch, sp_keys, capsys):
    for variable, value in {
        "SSO_SLUG": SLUG,
        "SSO_NAME": "Corporate SAML",
        "SSO_PROTOCOL": "saml",
        "SSO_METADATA_URL": "https://idp.example.com/metadata",
        "SSO_SP_PRIVATE_KEY": sp_keys["key"],
        "SSO_SP_CERTIFICATE": sp_keys["certificate"],
    }.items():
        monkeypatch.setenv(variable, value)
    call_command("sso_provider_from_env")
    provider = IdentityProvider.objects.get(slug=SLUG)
    assert (provider.sp_private_key, provider.sp_certificate) == (
        sp_keys["key"],
        sp_keys["certificate"],
    )
    assert "PRIVATE KEY" not in capsys.readouterr().out
    advanced = social_app(provider).settings["advanced"]
    assert advanced["private_key"] == sp_keys["key"]
    assert advanced["logout_request_signed"] is True
