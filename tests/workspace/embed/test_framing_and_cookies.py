"""Only the panel may be framed, only by the desktop's origins; its cookies are its own."""

from django.urls import reverse

from tests.workspace.embed.conftest import CHATWOOT_ORIGIN
from workspace.embed.middleware import CSRF_COOKIE, SESSION_COOKIE

PANEL = reverse("embed:chatwoot-panel")
CONTEXT = reverse("embed:chatwoot-context")


def test_the_panel_is_framable_by_the_configured_origin_only(client, chatwoot_panel):
    response = client.get(PANEL)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert f"frame-ancestors {CHATWOOT_ORIGIN}" in csp
    assert "'none'" not in csp.split("frame-ancestors")[1].split(";")[0]
    assert "script-src 'self' 'nonce-" in csp


def test_a_panel_turned_off_is_404_and_unframable(client, chatwoot_panel):
    chatwoot_panel.enabled = False
    chatwoot_panel.save()
    response = client.get(PANEL)
    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_panel_never_configured_is_404(client, db):
    assert client.get(PANEL).status_code == 404


def test_other_pages_stay_unframable(agent_client, agent_panel, chatwoot_panel):
    for response in (
        agent_client.get(reverse("workspace:conversation-list")),
        agent_client.get(reverse("login")),
        agent_client.get(reverse("embed:sign-in-window")),
        agent_panel.get(reverse("embed-widget:conversation-list")),
    ):
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_panel_sets_its_own_partitioned_csrf_cookie(client, chatwoot_panel):
    response = client.get(PANEL)
    assert "csrftoken" not in response.cookies
    header = response.cookies[CSRF_COOKIE].output()
    assert "SameSite=None" in header
    assert "Secure" in header
    assert header.endswith("; Partitioned")


def test_the_app_session_is_not_read_by_the_panel(agent_client, chatwoot_panel):
    """Signed in to the app (its Lax cookie), the panel still asks for its own sign-in."""
    agent_client.get(PANEL)
    response = agent_client.post(CONTEXT, {"account": "7", "conversation": "1"})
    assert response.status_code == 200
    assert 'id="panel-sign-in"' in response.content.decode()


def test_the_panel_session_is_not_read_by_the_app(agent_panel, chatwoot_panel):
    response = agent_panel.get(reverse("workspace:conversation-list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert agent_panel.get(reverse("embed-widget:conversation-list")).status_code == 200


def test_a_lost_panel_session_reloads_the_panel_instead_of_the_login_page(client, chatwoot_panel):
    client.cookies[SESSION_COOKIE] = "gone"
    url = reverse("embed-widget:survey-submit", args=[1])
    response = client.post(url, {}, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "HX-Redirect" not in response
