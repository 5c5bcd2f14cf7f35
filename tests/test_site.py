"""Project-wide behaviour: landing pages per role, login, health, security headers."""

import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("admin_client", "campaigns:user-list"),
        ("campaign_manager_client", "campaigns:builder"),
        ("agent_manager_client", "reporting:home"),
        ("agent_client", "workspace:conversation-list"),
    ],
)
def test_home_sends_each_role_to_its_landing_page(request, persona, landing):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_anonymous_home_goes_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create(username="nobody"))
    assert client.get(reverse("home")).status_code == 403


def test_anonymous_htmx_request_gets_hx_redirect_to_login(client, htmx_headers):
    response = client.get(reverse("workspace:conversation-list"), headers=htmx_headers)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_login_page_renders_a_labelled_form(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_login_with_password_lands_on_role_home(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workspace:conversation-list")
    assert "Agent Workspace" in response.content.decode()


def test_wrong_password_shows_an_error_and_no_session(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "enter a correct username and password" in response.content.decode()


def test_logout_ends_the_session(agent_client):
    response = agent_client.post(reverse("logout"))
    assert response.status_code == 302
    assert agent_client.get(reverse("workspace:conversation-list")).status_code == 302


def test_health_answers_without_login(client):
    response = client.get(reverse("health"))
    assert response.json() == {"status": "ok"}


def test_pages_send_csp_with_nonce_and_no_inline_allowance(agent_client):
    response = agent_client.get(reverse("workspace:conversation-list"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert 'nonce="' in response.content.decode()


def test_navigation_shows_only_what_the_role_may_use(agent_client, admin_client):
    agent_html = agent_client.get(reverse("workspace:conversation-list")).content.decode()
    assert reverse("campaigns:builder") not in agent_html
    assert reverse("campaigns:user-list") not in agent_html
    admin_html = admin_client.get(reverse("campaigns:user-list")).content.decode()
    assert reverse("campaigns:builder") in admin_html
    assert reverse("reporting:home") in admin_html


def test_unknown_url_renders_the_product_404(agent_client):
    response = agent_client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_deploy_check_is_clean_with_production_settings():
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 30 + "-production-like-secret-key-for-the-check-0123456789",
        "SECRETS_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1saWtlLWZlcm5ldC1rZXktMzJieXQ=",
        "DEBUG": "0",
        "PRODUCTION": "1",
        "ALLOWED_HOSTS": "outcomes.example.com",
        "DJANGO_SETTINGS_MODULE": "outcomes_site.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
