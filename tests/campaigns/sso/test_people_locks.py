"""The People pages and single sign-on: what a provider's groups give a person is read-only
there (on the page and against a crafted request), password users stay editable, the named
break-glass admin keeps access while password sign-in is off, and deactivating a person ends
their sessions at once."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.urls import reverse

from campaigns.roles import Role
from campaigns.sso.adapter import SESSION_PROVIDER_KEY
from campaigns.sso.models import SignInPolicy
from campaigns.sso.services import MappedAccess, access_apply
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOTE = "come from the identity provider"


def _sso(user) -> None:
    SocialAccount.objects.create(user=user, provider="okta", uid=f"sub-{user.pk}")


def _inputs(html: str, name: str) -> list[str]:
    return re.findall(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', html)


def _edit(person) -> str:
    return reverse("campaigns:user-update", args=[person.pk])


def _person_post(person, **changes) -> dict:
    fields = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": "on",
        "roles": [g.pk for g in person.groups.all()],
        "skills": [s.pk for s in person.skills.all()],
        "agent_group": person.agent_group_id or "",
        "number_format": "point",
    }
    return {**fields, **changes}


def _access(person) -> tuple:
    person.refresh_from_db()
    return (
        sorted(person.groups.values_list("name", flat=True)),
        sorted(person.skills.values_list("name", flat=True)),
        person.agent_group_id,
        sorted(person.managed_groups.values_list("name", flat=True)),
    )


# Read-only for people who sign in through a provider


def test_an_sso_persons_directory_fields_are_shown_disabled_with_the_reason(
    admin_client, agent_manager, sales_skill
):
    _sso(agent_manager)
    html = admin_client.get(_edit(agent_manager)).content.decode()
    note = re.search(r'<p class="alert alert--info" id="sso-managed-note">(.*?)</p>', html)
    assert NOTE in note.group(1)
    assert "next sign-in" in note.group(1)
    for name in ("roles", "skills", "agent_group", "managed_groups"):
        inputs = _inputs(html, name)
        assert inputs, name
        assert all(" disabled" in tag for tag in inputs), name
    managed = [tag for tag in _inputs(html, "managed_groups") if " checked" in tag]
    assert len(managed) == 1  # the Sales team, which they manage
    assert all(" disabled" not in tag for tag in _inputs(html, "first_name"))


def test_a_password_persons_fields_stay_editable(admin_client, agent):
    html = admin_client.get(_edit(agent)).content.decode()
    assert NOTE not in html
    assert _inputs(html, "managed_groups") == []
    for name in ("roles", "skills", "agent_group"):
        assert all(" disabled" not in tag for tag in _inputs(html, name)), name


def test_a_crafted_post_changes_nothing_the_provider_gives(
    admin_client, agent_manager, billing_group, billing_skill
):
    _sso(agent_manager)
    before = _access(agent_manager)
    response = admin_client.post(
        _edit(agent_manager),
        _person_post(
            agent_manager,
            first_name="Renamed",
            roles=[Group.objects.get(name=Role.ADMIN).pk],
            skills=[billing_skill.pk],
            agent_group=billing_group.pk,
            managed_groups=[billing_group.pk],
        ),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert _access(agent_manager) == before
    assert agent_manager.first_name == "Renamed"  # the rest of the form still saves


def test_a_crafted_post_for_a_password_person_changes_their_access(
    admin_client, agent, billing_group, billing_skill
):
    response = admin_client.post(
        _edit(agent),
        _person_post(
            agent,
            roles=[Group.objects.get(name=Role.AGENT_MANAGER).pk],
            skills=[billing_skill.pk],
            agent_group=billing_group.pk,
        ),
    )
    assert response.status_code == 302
    assert _access(agent) == ([Role.AGENT_MANAGER], ["Billing"], billing_group.pk, [])


def test_saving_an_sso_person_keeps_their_groups_that_are_not_roles(admin_client, agent):
    agent.groups.add(Group.objects.create(name="Beta testers"))
    _sso(agent)
    response = admin_client.post(_edit(agent), _person_post(agent, first_name="Ann"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert _access(agent)[0] == ["Agent", "Beta testers"]


def test_the_group_page_shows_sso_people_disabled(admin_client, agent, other_agent, sales_group):
    _sso(agent)
    html = admin_client.get(reverse("campaigns:group-update", args=[sales_group.pk]))
    html = html.content.decode()
    members = {re.search(r'value="(\d+)"', tag).group(1): tag for tag in _inputs(html, "members")}
    assert " disabled" in members[str(agent.pk)]
    assert " disabled" not in members[str(other_agent.pk)]
    assert "Greyed out: people who sign in through single sign-on" in html


def test_a_crafted_group_post_neither_moves_nor_adds_sso_people(
    admin_client, agent, other_agent, agent_manager, other_manager, sales_group, billing_group
):
    _sso(agent)  # in the Sales team
    _sso(other_manager)  # manages the Billing team
    password_agent = UserFactory(username="pat", roles=[Role.AGENT])
    response = admin_client.post(
        reverse("campaigns:group-update", args=[sales_group.pk]),
        {
            "name": sales_group.name,
            "managers": [other_manager.pk],  # an SSO manager added, the password one dropped
            "members": [password_agent.pk],  # the SSO agent dropped
        },
    )
    assert response.status_code == 302
    assert list(sales_group.managers.all()) == []
    assert set(sales_group.members.all()) == {agent, password_agent}
    assert _access(other_manager)[3] == ["Billing team"]


# The break-glass admin while password sign-in is off


@pytest.fixture
def keeper(db):
    """The break-glass admin, with password sign-in off."""
    person = UserFactory(username="keeper", roles=[Role.ADMIN])
    SignInPolicy.objects.create(password_sign_in=False, break_glass_user=person)
    return person


def _field_errors(html: str, field_id: str) -> str:
    match = re.search(rf'<ul class="field__errors" id="{field_id}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_the_break_glass_admins_page_says_so_before_any_change(admin_client, keeper, admin):
    html = admin_client.get(_edit(keeper)).content.decode()
    assert "The break-glass admin stays active and an admin" in html
    assert "break-glass" not in admin_client.get(_edit(admin)).content.decode()


def test_the_break_glass_admin_cannot_be_deactivated(admin_client, keeper):
    data = _person_post(keeper)
    del data["is_active"]
    response = admin_client.post(_edit(keeper), data)
    assert response.status_code == 422
    errors = _field_errors(response.content.decode(), "id_is_active")
    assert "break-glass admin while password sign-in is off" in errors
    keeper.refresh_from_db()
    assert keeper.is_active


def test_the_break_glass_admin_keeps_the_admin_role(admin_client, keeper):
    manager_role = Group.objects.get(name=Role.AGENT_MANAGER)
    response = admin_client.post(_edit(keeper), _person_post(keeper, roles=[manager_role.pk]))
    assert response.status_code == 422
    errors = _field_errors(response.content.decode(), "id_roles")
    assert "so they keep the Admin role" in errors
    assert _access(keeper)[0] == [Role.ADMIN]


def test_with_password_sign_in_on_the_named_admin_can_be_deactivated(admin_client, keeper):
    SignInPolicy.objects.update(password_sign_in=True)
    data = _person_post(keeper)
    del data["is_active"]
    assert admin_client.post(_edit(keeper), data).status_code == 302
    keeper.refresh_from_db()
    assert not keeper.is_active


def test_other_admins_can_be_deactivated_while_password_sign_in_is_off(admin_client, keeper):
    other = UserFactory(username="other-admin", roles=[Role.ADMIN])
    data = _person_post(other)
    del data["is_active"]
    assert admin_client.post(_edit(other), data).status_code == 302
    other.refresh_from_db()
    assert not other.is_active


def test_a_sign_in_through_a_provider_leaves_the_break_glass_admin_an_admin(keeper, provider):
    agent_role = Group.objects.get(name=Role.AGENT)
    access_apply(user=keeper, access=MappedAccess(roles=[agent_role]), provider=provider)
    assert _access(keeper)[0] == [Role.ADMIN, Role.AGENT]
    SignInPolicy.objects.update(password_sign_in=True)
    access_apply(user=keeper, access=MappedAccess(roles=[agent_role]), provider=provider)
    assert _access(keeper)[0] == [Role.AGENT]


# Deactivation ends sessions at once


@pytest.mark.parametrize("signed_in_through", ["password", "provider"])
def test_deactivating_on_the_people_page_ends_the_persons_sessions(
    admin_client, agent, agent_client, htmx_headers, signed_in_through
):
    if signed_in_through == "provider":
        _sso(agent)
        session = agent_client.session
        session[SESSION_PROVIDER_KEY] = "okta"
        session.save()
    page = reverse("workspace:conversation-list")
    assert agent_client.get(page).status_code == 200
    data = _person_post(agent)
    del data["is_active"]
    assert admin_client.post(_edit(agent), data).status_code == 302
    response = agent_client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    htmx = agent_client.get(page, headers=htmx_headers)
    assert htmx["HX-Redirect"].startswith(reverse("login"))
