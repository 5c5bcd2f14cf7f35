"""The single sign-on settings page: admins only; secrets stored encrypted, never shown again;
the mapping table; the password sign-in policy."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import AuditEntry
from campaigns.roles import Role
from campaigns.sso.models import GroupMapping, IdentityProvider, SignInPolicy

pytestmark = pytest.mark.django_db

SETTINGS = reverse("sso:settings")
NEW = reverse("sso:provider-create")
OIDC = {
    "name": "Okta",
    "slug": "okta",
    "protocol": "openid_connect",
    "enabled": "on",
    "issuer": "https://example.okta.com",
    "client_id": "outcomes",
    "client_secret": "pasted-secret-value",
    "scopes": "openid email profile groups",
    "groups_claim": "groups",
}


def test_admin_sees_the_providers_and_their_mappings(admin_client, mapping):
    response = admin_client.get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Okta" in html
    assert "cc-agents" in html


@pytest.mark.parametrize(
    "persona", ["campaign_manager_client", "agent_manager_client", "agent_client"]
)
@pytest.mark.parametrize("url", [SETTINGS, NEW])
def test_other_roles_are_refused(request, persona, url):
    assert request.getfixturevalue(persona).get(url).status_code == 403


@pytest.mark.parametrize("url", [SETTINGS, NEW])
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_provider_page_refuses_other_roles(agent_client, provider):
    assert agent_client.get(reverse("sso:provider-update", args=[provider.pk])).status_code == 403


def test_settings_page_queries_do_not_grow_with_providers_and_mappings(
    admin_client, mapping, sales_group, django_assert_num_queries
):
    admin_client.get(SETTINGS)  # warm the session and the cached configuration
    with CaptureQueriesContext(connection) as one_provider:
        admin_client.get(SETTINGS)
    for n in range(4):
        extra = IdentityProvider.objects.create(slug=f"p{n}", name=f"P{n}", protocol="saml")
        row = GroupMapping.objects.create(
            provider=extra, external_group="g", agent_group=sales_group
        )
        row.managed_groups.set([sales_group])
    with django_assert_num_queries(len(one_provider)):
        admin_client.get(SETTINGS)


def test_a_pasted_secret_is_stored_encrypted_and_never_shown_again(admin_client):
    response = admin_client.post(NEW, OIDC)
    assert response.status_code == 302
    provider = IdentityProvider.objects.get(slug="okta")
    assert provider.client_secret == "pasted-secret-value"
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM sso_identityprovider")
        stored = cursor.fetchone()[0]
    assert "pasted-secret-value" not in stored
    page = admin_client.get(reverse("sso:provider-update", args=[provider.pk])).content.decode()
    assert "pasted-secret-value" not in page
    assert "Stored. Leave empty to keep it." in page
    audit = AuditEntry.objects.get(action="sso.provider_created")
    assert "pasted-secret-value" not in str(audit.after)


def test_saving_with_the_secret_left_empty_keeps_it(admin_client, provider):
    url = reverse("sso:provider-update", args=[provider.pk])
    response = admin_client.post(url, {**OIDC, "name": "Okta EU", "client_secret": ""})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret) == ("Okta EU", "s3cret-value")


def test_an_openid_provider_without_issuer_shows_the_error_beside_the_field(admin_client):
    response = admin_client.post(NEW, {**OIDC, "issuer": ""})
    assert response.status_code == 422
    assert "An OpenID Connect provider needs this." in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_admin_adds_and_removes_a_mapping(admin_client, provider, sales_group, sales_skill):
    url = reverse("sso:mapping-create", args=[provider.pk])
    role = Group.objects.get(name=Role.AGENT)
    response = admin_client.post(
        url,
        {
            "external_group": "cc-agents",
            "role": role.pk,
            "agent_group": sales_group.pk,
            "skills": [sales_skill.pk],
        },
    )
    assert response.status_code == 302
    row = GroupMapping.objects.get()
    assert (row.role, row.agent_group, list(row.skills.all())) == (role, sales_group, [sales_skill])
    admin_client.post(reverse("sso:mapping-delete", args=[row.pk]))
    assert not GroupMapping.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="sso.mapping_").count() == 2


def test_a_mapping_needs_a_provider_group(admin_client, provider):
    response = admin_client.post(
        reverse("sso:mapping-create", args=[provider.pk]), {"external_group": ""}
    )
    assert response.status_code == 422
    assert not GroupMapping.objects.exists()


def test_mapping_changes_are_refused_to_other_roles(agent_client, mapping):
    response = agent_client.post(reverse("sso:mapping-delete", args=[mapping.pk]))
    assert response.status_code == 403
    assert GroupMapping.objects.exists()


def test_password_sign_in_goes_off_only_with_a_break_glass_admin(admin_client, admin):
    response = admin_client.post(SETTINGS, {"password_sign_in": ""})
    assert response.status_code == 422
    assert "Name a break-glass admin" in response.content.decode()
    response = admin_client.post(SETTINGS, {"password_sign_in": "", "break_glass_user": admin.pk})
    assert response.status_code == 302
    policy = SignInPolicy.current()
    assert (policy.password_sign_in, policy.break_glass_user) == (False, admin)
