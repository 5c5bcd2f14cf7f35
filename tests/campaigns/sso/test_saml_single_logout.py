"""The SAML single logout address ends a session only for a logout message the provider signed:
an unsigned one (which any site could send: logout CSRF) or one signed with another key leaves
the person signed in."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.urls import reverse
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from campaigns.sso.models import IdentityProvider
from tests.sso.saml_idp import signing_pair

pytestmark = pytest.mark.django_db
IDP_ENTITY = "https://idp.example.com/metadata"
WORKSPACE = reverse("workspace:conversation-list")


@pytest.fixture
def idp_keys(tmp_path):
    """The provider's signing key and certificate, and a stranger's key."""
    key_file, _cert, certificate = signing_pair(tmp_path, "idp")
    stranger_key, *_ = signing_pair(tmp_path, "stranger")
    return {"key": key_file, "certificate": certificate, "stranger": stranger_key}


@pytest.fixture
def corp(idp_keys):
    return IdentityProvider.objects.create(
        slug="corp",
        name="Corporate SAML",
        protocol="saml",
        idp_entity_id=IDP_ENTITY,
        idp_sso_url="https://idp.example.com/sso",
        idp_certificate=idp_keys["certificate"],
    )


def _logout_request(destination: str) -> str:
    now = datetime.now(UTC)
    xml = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_forged1" Version="2.0" '
        f'IssueInstant="{now:%Y-%m-%dT%H:%M:%SZ}" '
        f'NotOnOrAfter="{now + timedelta(minutes=5):%Y-%m-%dT%H:%M:%SZ}" '
        f'Destination="{destination}">'
        f"<saml:Issuer>{IDP_ENTITY}</saml:Issuer>"
        '<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">ann'
        "</saml:NameID></samlp:LogoutRequest>"
    )
    return OneLogin_Saml2_Utils.deflate_and_base64_encode(xml)


def _signed(message: str, key_file) -> dict:
    """The HTTP-Redirect binding's signature over ``SAMLRequest=...&SigAlg=...``."""
    algorithm = OneLogin_Saml2_Constants.RSA_SHA256
    signed = OneLogin_Saml2_Auth._build_sign_query(message, None, algorithm, "SAMLRequest")
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "SAMLRequest": message,
        "SigAlg": algorithm,
        "Signature": base64.b64encode(signature).decode(),
    }


def _sls(corp) -> str:
    return reverse("saml_sls", kwargs={"organization_slug": corp.slug})


def test_an_unsigned_logout_request_does_not_end_the_session(agent_client, corp, caplog):
    message = _logout_request(f"http://testserver{_sls(corp)}")
    response = agent_client.get(_sls(corp), {"SAMLRequest": message})
    assert response.status_code == 400
    assert agent_client.get(WORKSPACE).status_code == 200
    assert "saml logout refused provider=corp reason=unsigned" in caplog.text


def test_a_logout_request_signed_with_another_key_does_not_end_the_session(
    agent_client, corp, idp_keys
):
    message = _logout_request(f"http://testserver{_sls(corp)}")
    response = agent_client.get(
        _sls(corp), _signed(message, idp_keys["stranger"]), headers={"host": "testserver"}
    )
    assert response.status_code == 400
    assert agent_client.get(WORKSPACE).status_code == 200


def test_the_providers_signed_logout_request_ends_the_session(agent_client, corp, idp_keys):
    # The control: the same request, signed by the provider, is accepted. A provider entered by
    # hand has no logout address to answer to (only its metadata gives one): the person lands
    # on the sign-in page instead of an error.
    message = _logout_request(f"http://testserver{_sls(corp)}")
    response = agent_client.get(
        _sls(corp), _signed(message, idp_keys["key"]), headers={"host": "testserver"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert agent_client.get(WORKSPACE).status_code == 302  # to the login page
