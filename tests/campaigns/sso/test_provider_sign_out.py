"""Sign-out at an OpenID Connect provider (RP-initiated logout): the ID token of an admitted
sign-in is kept in the session and sent back as ``id_token_hint`` with the client ID and the
return address; without an end-session endpoint, or with the provider down, sign-out ends
here only."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from campaigns.models import User
from campaigns.sso.adapter import SESSION_ID_TOKEN_KEY, SESSION_PROVIDER_KEY, SocialAccountAdapter
from campaigns.sso.oidc import SignedTokenAdapter

pytestmark = pytest.mark.django_db
END_SESSION = "https://example.okta.com/oauth2/v1/logout"
RAW_ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdWItMSJ9.c2lnbmF0dXJl"


def _callback_request():
    """A callback request after allauth checked the ID token, which ``SignedTokenAdapter``
    leaves on the request."""
    request = RequestFactory().get("/sso/oidc/okta/login/callback/")
    request.session = SessionStore()
    request.user = None
    request.sso_id_token = RAW_ID_TOKEN
    return request


def _admit(request, groups: list[str]) -> None:
    login = SocialLogin(
        provider=SocialAccountAdapter(request).get_provider(request, "okta"),
        user=User(username="", email="ann@example.com"),
        account=SocialAccount(
            provider="okta",
            uid="sub-1",
            extra_data={"id_token": {"sub": "sub-1", "groups": groups}},
        ),
        email_addresses=[EmailAddress(email="ann@example.com", verified=True, primary=True)],
    )
    login.lookup()
    SocialAccountAdapter(request).pre_social_login(request, login)


def test_an_admitted_sign_in_keeps_its_id_token_for_sign_out(mapping):
    request = _callback_request()
    _admit(request, ["cc-agents"])
    assert request.session[SESSION_ID_TOKEN_KEY] == RAW_ID_TOKEN
    assert request.session[SESSION_PROVIDER_KEY] == "okta"


def test_a_refused_sign_in_keeps_no_id_token(mapping):
    request = _callback_request()
    with pytest.raises(ImmediateHttpResponse):
        _admit(request, ["nobody-here"])
    assert SESSION_ID_TOKEN_KEY not in request.session


def test_the_checked_id_token_is_left_on_the_request(rf, provider, monkeypatch):
    monkeypatch.setattr(
        "campaigns.sso.oidc.jwtkit.verify_and_decode", lambda **kwargs: {"sub": "sub-1"}
    )
    adapter = SignedTokenAdapter(rf.get("/"), "okta")
    adapter._openid_config = {"jwks_uri": "https://example.okta.com/keys", "issuer": "x"}
    assert adapter._decode_id_token(adapter.get_provider().app, RAW_ID_TOKEN) == {"sub": "sub-1"}
    assert adapter.request.sso_id_token == RAW_ID_TOKEN


@pytest.fixture
def discovery(monkeypatch):
    """The provider's discovery document, as the sign-out page reads it."""
    config = {"end_session_endpoint": END_SESSION}
    monkeypatch.setattr(SignedTokenAdapter, "openid_config", property(lambda self: config))
    return config


def _signed_in_through_okta(client, id_token: str | None = RAW_ID_TOKEN):
    session = client.session
    session[SESSION_PROVIDER_KEY] = "okta"
    if id_token:
        session[SESSION_ID_TOKEN_KEY] = id_token
    session.save()


def _sign_out(client):
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("sso:signed-out") + "?provider=okta"
    return client.get(response["Location"])


def _end_session_query(response) -> dict:
    url = response.context["url"]
    assert url.startswith(END_SESSION + "?")
    return parse_qs(urlsplit(url).query)


def test_sign_out_sends_the_id_token_to_the_providers_end_session_endpoint(
    agent_client, provider, discovery
):
    _signed_in_through_okta(agent_client)
    page = _sign_out(agent_client)
    assert page.status_code == 200
    assert _end_session_query(page) == {
        "client_id": ["outcomes"],
        "post_logout_redirect_uri": ["http://testserver/login/"],
        "id_token_hint": [RAW_ID_TOKEN],
    }
    assert SESSION_ID_TOKEN_KEY not in agent_client.session  # used once
    assert agent_client.get(reverse("workspace:conversation-list")).status_code == 302


def test_without_a_kept_id_token_the_client_id_names_the_client(agent_client, provider, discovery):
    _signed_in_through_okta(agent_client, id_token=None)
    query = _end_session_query(_sign_out(agent_client))
    assert "id_token_hint" not in query
    assert query["client_id"] == ["outcomes"]


def test_an_end_session_endpoint_with_its_own_query_keeps_it(agent_client, provider, discovery):
    discovery["end_session_endpoint"] = END_SESSION + "?p=b2c_signin"
    _signed_in_through_okta(agent_client)
    query = _end_session_query(_sign_out(agent_client))
    assert query["p"] == ["b2c_signin"]
    assert query["id_token_hint"] == [RAW_ID_TOKEN]


def test_a_provider_without_end_session_or_down_ends_the_session_here_only(
    agent_client, client, agent, provider, discovery, monkeypatch
):
    del discovery["end_session_endpoint"]
    _signed_in_through_okta(agent_client)
    assert _sign_out(agent_client)["Location"] == reverse("login")

    def down(self):
        raise ConnectionError

    monkeypatch.setattr(SignedTokenAdapter, "openid_config", property(down))
    client.force_login(agent)
    _signed_in_through_okta(client)
    assert _sign_out(client)["Location"] == reverse("login")
