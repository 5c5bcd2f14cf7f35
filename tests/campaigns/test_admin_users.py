"""The back office's user form keeps the People pages' rules: what a provider's groups give a
person (groups, skills, agent group) is read-only, crafted posts included, and the break-glass
admin stays active and an admin while password sign-in is off."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from campaigns.roles import Role
from campaigns.sso.models import SignInPolicy
from tests.factories import AgentGroupFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def back_office():
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _change(person) -> str:
    return reverse("admin:campaigns_user_change", args=[person.pk])


def _post(person, **changes) -> dict:
    """The change form as the back office sends it back unchanged, then ``changes``."""
    fields = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "is_active": "on",
        "groups": [g.pk for g in person.groups.all()],
        "user_permissions": [],
        "skills": [s.pk for s in person.skills.all()],
        "agent_group": person.agent_group_id or "",
        "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    return {**fields, **changes}


def _access(person) -> tuple:
    person.refresh_from_db()
    return (
        sorted(person.groups.values_list("name", flat=True)),
        sorted(person.skills.values_list("name", flat=True)),
        person.agent_group_id,
        person.is_active,
    )


@pytest.fixture
def sso_agent(db):
    person = UserFactory(username="ann", roles=[Role.AGENT], skills=[SkillFactory(name="Sales")])
    person.agent_group = AgentGroupFactory(name="Sales team")
    person.save()
    SocialAccount.objects.create(user=person, provider="okta", uid="sub-ann")
    return person


def _directory_change(person) -> dict:
    admin_role = Group.objects.get(name=Role.ADMIN)
    return {
        "groups": [admin_role.pk],
        "skills": [SkillFactory(name="Billing").pk],
        "agent_group": AgentGroupFactory(name="Billing team").pk,
    }


def test_an_sso_persons_groups_skills_and_agent_group_are_read_only(back_office, sso_agent):
    html = back_office.get(_change(sso_agent)).content.decode()
    for name in ("groups", "skills", "agent_group"):
        tag = re.search(rf'<select[^>]*name="{name}"[^>]*>', html).group(0)
        assert "disabled" in tag, name
    assert "From the identity provider; read-only here." in html
    before = _access(sso_agent)
    response = back_office.post(
        _change(sso_agent), _post(sso_agent, first_name="Anna", **_directory_change(sso_agent))
    )
    assert response.status_code == 302
    assert _access(sso_agent) == before
    assert sso_agent.first_name == "Anna"  # the rest of the form still saves


def test_a_password_persons_groups_stay_editable(back_office):
    person = UserFactory(username="pat", roles=[Role.AGENT])
    change = _directory_change(person)
    assert back_office.post(_change(person), _post(person, **change)).status_code == 302
    assert _access(person)[:3] == (
        [Role.ADMIN],
        ["Billing"],
        change["agent_group"],
    )


@pytest.fixture
def keeper(db):
    """The break-glass admin, with password sign-in off."""
    person = UserFactory(username="keeper", roles=[Role.ADMIN])
    SignInPolicy.objects.create(password_sign_in=False, break_glass_user=person)
    return person


def test_the_break_glass_admin_cannot_be_deactivated(back_office, keeper):
    data = _post(keeper)
    del data["is_active"]
    response = back_office.post(_change(keeper), data)
    assert response.status_code == 200
    assert "break-glass admin while password sign-in is off" in response.content.decode()
    assert _access(keeper)[3] is True


def test_the_break_glass_admin_keeps_the_admin_role(back_office, keeper):
    manager_role = Group.objects.get(name=Role.AGENT_MANAGER)
    response = back_office.post(_change(keeper), _post(keeper, groups=[manager_role.pk]))
    assert response.status_code == 200
    assert "so they keep the Admin role" in response.content.decode()
    assert _access(keeper)[0] == [Role.ADMIN]


def test_with_password_sign_in_on_the_named_admin_can_be_deactivated(back_office, keeper):
    SignInPolicy.objects.update(password_sign_in=True)
    data = _post(keeper)
    del data["is_active"]
    assert back_office.post(_change(keeper), data).status_code == 302
    assert _access(keeper)[3] is False


def test_a_groups_sso_managers_are_read_only_and_others_editable(back_office, sso_agent):
    team = AgentGroupFactory(name="Support team")
    sso_manager = UserFactory(username="maria", roles=[Role.AGENT_MANAGER])
    SocialAccount.objects.create(user=sso_manager, provider="okta", uid="sub-maria")
    team.managers.set([sso_manager])
    pat = UserFactory(username="pat", roles=[Role.AGENT_MANAGER])
    url = reverse("admin:campaigns_agentgroup_change", args=[team.pk])
    html = back_office.get(url).content.decode()
    tag = re.search(rf'<input[^>]*value="{sso_manager.pk}"[^>]*>', html).group(0)
    assert "disabled" in tag
    # Maria left out and Ann (single sign-on too) put in: neither sticks; Pat does.
    response = back_office.post(url, {"name": "Support team", "managers": [sso_agent.pk, pat.pk]})
    assert response.status_code == 302
    assert sorted(team.managers.values_list("username", flat=True)) == ["maria", "pat"]
