"""Sign-in and sign-out around single sign-on: the login page's buttons and its content
security policy, password sign-in off except for the break-glass admin (with the lockout still
counting), sign-out, deactivation, and the People pages read-only for SSO users."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from campaigns.roles import Role
from campaigns.sso.adapter import SESSION_PROVIDER_KEY
from campaigns.sso.models import IdentityProvider, SignInPolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def _password_sign_in(username: str, password: str = "pw"):
    return Client().post(LOGIN, {"username": username, "password": password})


def test_the_login_page_offers_each_enabled_provider_and_lets_its_form_reach_it(client, provider):
    IdentityProvider.objects.create(
        slug="off", name="Old directory", protocol="openid_connect", enabled=False
    )
    response = client.get(LOGIN)
    html = response.content.decode()
    assert "Sign in with <bdi>Okta</bdi>" in html
    assert reverse("openid_connect_login", kwargs={"provider_id": "okta"}) in html
    assert "Old directory" not in html
    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://example.okta.com" in policy


def test_without_providers_the_login_page_is_unchanged(client):
    response = client.get(LOGIN)
    assert "Sign in with" not in response.content.decode()
    assert "form-action 'self';" in response["Content-Security-Policy"] + ";"


def test_password_sign_in_is_on_by_default():
    UserFactory(username="ann")
    assert _password_sign_in("ann").status_code == 302


def test_password_sign_in_off_refuses_everyone_but_the_break_glass_admin(admin):
    UserFactory(username="ann")
    SignInPolicy.objects.create(password_sign_in=False, break_glass_user=admin)
    refused = _password_sign_in("ann")
    assert refused.status_code == 200
    assert "Please enter a correct username and password" in refused.content.decode()
    assert _password_sign_in("admin").status_code == 302


def test_the_lockout_still_counts_refused_password_sign_ins(admin, settings):
    UserFactory(username="ann")
    SignInPolicy.objects.create(password_sign_in=False, break_glass_user=admin)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_sign_in("ann")
    assert _password_sign_in("ann").status_code == 429


def test_sign_out_after_a_password_sign_in_goes_to_login(agent_client):
    response = agent_client.post(reverse("logout"))
    assert response["Location"] == LOGIN


def test_sign_out_after_an_sso_sign_in_ends_the_session_and_goes_on_to_the_provider(
    agent_client, provider
):
    session = agent_client.session
    session[SESSION_PROVIDER_KEY] = "okta"
    session.save()
    response = agent_client.post(reverse("logout"))
    assert response["Location"] == reverse("sso:signed-out") + "?provider=okta"
    assert agent_client.get(reverse("workspace:conversation-list")).status_code == 302


def test_signed_out_page_without_a_known_provider_goes_to_login(client):
    response = client.get(reverse("sso:signed-out") + "?provider=nobody")
    assert response["Location"] == LOGIN


def test_deactivating_a_user_ends_their_sessions_at_once(agent_client, agent):
    url = reverse("workspace:conversation-list")
    assert agent_client.get(url).status_code == 200
    agent.is_active = False
    agent.save()
    response = agent_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_refusal_page_is_plain_and_public(client):
    response = client.get(reverse("sso:refused"))
    assert response.status_code == 403
    assert "Not signed in" in response.content.decode()


def test_people_list_marks_sso_users(admin_client, agent, other_agent):
    SocialAccount.objects.create(user=agent, provider="okta", uid="sub-1")
    html = admin_client.get(reverse("campaigns:user-list")).content.decode()
    row = html.split(agent.display_name)[1].split("</tr>")[0]
    assert ">SSO<" in row
    assert ">SSO<" not in html.split(other_agent.display_name)[1].split("</tr>")[0]


def test_an_sso_users_roles_and_skills_are_read_only_on_the_people_form(
    admin_client, agent, billing_skill
):
    SocialAccount.objects.create(user=agent, provider="okta", uid="sub-1")
    url = reverse("campaigns:user-update", args=[agent.pk])
    html = admin_client.get(url).content.decode()
    assert "come from the identity provider" in html
    response = admin_client.post(
        url,
        {
            "username": agent.username,
            "email": agent.email,
            "is_active": "on",
            "roles": [Role.ADMIN],
            "skills": [billing_skill.pk],
            "number_format": "point",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    agent.refresh_from_db()
    assert list(agent.groups.values_list("name", flat=True)) == [Role.AGENT]
    assert list(agent.skills.values_list("name", flat=True)) == ["Sales"]


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("openid_connect_login", {"provider_id": "okta"}),
        ("saml_login", {"organization_slug": "okta"}),
    ],
)
def test_a_sign_in_start_by_get_goes_back_to_the_login_page(client, provider, name, kwargs):
    # The buttons POST (with the CSRF token); a link or a crawler starts nothing.
    response = client.get(reverse(name, kwargs=kwargs))
    assert response["Location"] == LOGIN


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("openid_connect_login", {"provider_id": "okta"}),
        ("saml_login", {"organization_slug": "okta"}),
    ],
)
def test_the_round_trips_redirects_keep_the_sign_in_windows_opener(client, provider, name, kwargs):
    # The site's same-origin opener policy on any hop would cut the desktop panel's sign-in
    # window off from the panel; the page a redirect ends on still sends it.
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"
    assert client.get(response["Location"])["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_refusal_page_answers_htmx_with_the_message_only(client):
    response = client.get(reverse("sso:refused"), headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert b"<html" not in response.content
    assert b"not signed in" in response.content
