"""Signing the panel in: the sign-in window's one-time code (60 s, single use, one origin)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.workspace.conftest import NOW
from workspace.embed.middleware import SESSION_COOKIE
from workspace.embed.models import SignInCode
from workspace.embed.services import sign_in_code_issue, sign_in_code_redeem

WINDOW = reverse("embed:sign-in-window")
SESSION = reverse("embed:session-start")
SITE = "http://testserver"


def _code(html: str) -> str:
    return re.search(r'data-code="([^"]+)"', html).group(1)


def test_the_window_asks_an_anonymous_person_to_sign_in(client, db):
    response = client.get(WINDOW)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="password"' in html
    assert "data-code" not in html
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_signing_in_in_the_window_gives_a_code_once(client, agent):
    agent.set_password("secret-pass-1")
    agent.save()
    response = client.post(WINDOW, {"username": agent.username, "password": "secret-pass-1"})
    code = _code(response.content.decode())
    row = SignInCode.objects.get()
    assert row.user == agent
    assert row.origin == SITE
    assert code not in row.digest
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"


def test_a_wrong_password_is_refused_beside_the_form(client, agent):
    response = client.post(WINDOW, {"username": agent.username, "password": "nope"})
    assert response.status_code == 422
    assert "data-code" not in response.content.decode()
    assert not SignInCode.objects.exists()


def test_someone_signed_in_to_the_app_gets_a_code_at_once(agent_client, agent):
    assert _code(agent_client.get(WINDOW).content.decode())


def test_the_code_buys_the_panel_its_own_session(agent_client, client, agent, chatwoot_panel):
    code = _code(agent_client.get(WINDOW).content.decode())
    response = client.post(SESSION, {"code": code}, headers={"Origin": SITE})
    assert response.status_code == 204
    header = response.cookies[SESSION_COOKIE].output()
    assert "SameSite=None" in header
    assert "Secure" in header
    assert header.endswith("; Partitioned")
    assert "sessionid" not in response.cookies
    panel = client.get(reverse("embed:chatwoot-panel")).content.decode()
    assert agent.display_name in panel


def test_a_code_works_once(agent_client, client, chatwoot_panel):
    code = _code(agent_client.get(WINDOW).content.decode())
    assert client.post(SESSION, {"code": code}, headers={"Origin": SITE}).status_code == 204
    again = client.post(SESSION, {"code": code}, headers={"Origin": SITE})
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "invalid_code"


@pytest.mark.parametrize("origin", ["https://evil.example", "", "http://testserver:8080"])
def test_a_code_from_another_origin_is_refused_and_spent(agent_client, client, origin):
    code = _code(agent_client.get(WINDOW).content.decode())
    headers = {"Origin": origin} if origin else {}
    assert client.post(SESSION, {"code": code}, headers=headers).status_code in (400, 403)
    assert client.post(SESSION, {"code": code}, headers={"Origin": SITE}).status_code == 400


def test_an_unknown_code_is_refused(client, db):
    assert client.post(SESSION, {"code": "made-up"}, headers={"Origin": SITE}).status_code == 400
    assert client.post(SESSION, {}, headers={"Origin": SITE}).status_code == 400


def test_a_code_lasts_sixty_seconds(agent):
    code = sign_in_code_issue(user=agent, origin=SITE, now=NOW)
    late = sign_in_code_issue(user=agent, origin=SITE, now=NOW)
    assert sign_in_code_redeem(code=code, origin=SITE, now=NOW + timedelta(seconds=59)) == agent
    assert sign_in_code_redeem(code=late, origin=SITE, now=NOW + timedelta(seconds=60)) is None


def test_an_inactive_user_gets_no_session(agent):
    code = sign_in_code_issue(user=agent, origin=SITE, now=NOW)
    agent.is_active = False
    agent.save()
    assert sign_in_code_redeem(code=code, origin=SITE, now=NOW) is None


def test_signing_the_panel_out(agent_panel, chatwoot_panel):
    response = agent_panel.post(reverse("embed:session-end"), headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    html = agent_panel.get(reverse("embed:chatwoot-panel")).content.decode()
    assert 'id="panel-sign-in"' in html


def test_the_window_offers_single_sign_on_and_comes_back_to_itself(client, db):
    from campaigns.sso.models import IdentityProvider

    IdentityProvider.objects.create(
        slug="okta",
        name="Okta",
        protocol="openid_connect",
        issuer="https://example.okta.com",
        client_id="panel",
    )
    window = reverse("embed:sign-in-window")
    response = client.get(window)
    html = response.content.decode()
    assert "Sign in with <bdi>Okta</bdi>" in html
    assert reverse("openid_connect_login", kwargs={"provider_id": "okta"}) in html
    assert f'name="next" value="{window}"' in html  # signed in there, it hands over its code
    policy = response["Content-Security-Policy"]
    assert "https://example.okta.com" in policy.split("form-action")[1].split(";")[0]
