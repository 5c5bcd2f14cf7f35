"""People pages: admins manage users, skills and agent groups; nobody else may."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import AgentGroup, AuditEntry, Skill, User
from campaigns.roles import Role
from tests.factories import AgentFactory, SkillFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("campaigns:user-list", {}),
    ("campaigns:user-create", {}),
    ("campaigns:skill-list", {}),
    ("campaigns:skill-create", {}),
    ("campaigns:group-list", {}),
    ("campaigns:group-create", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_admin_sees_people_pages(admin_client, name, kwargs):
    response = admin_client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert "People" in response.content.decode()


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize(
    "persona", ["agent_client", "agent_manager_client", "campaign_manager_client"]
)
def test_other_roles_are_refused(request, persona, name, kwargs):
    client = request.getfixturevalue(persona)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_goes_to_login(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_edit_pages_for_missing_objects_are_404(admin_client):
    assert admin_client.get(reverse("campaigns:user-update", args=[999999])).status_code == 404
    assert admin_client.get(reverse("campaigns:skill-update", args=[999999])).status_code == 404
    assert admin_client.get(reverse("campaigns:group-update", args=[999999])).status_code == 404


def test_admin_creates_an_agent_with_role_skill_and_group(
    admin_client, admin, sales_skill, sales_group
):
    response = admin_client.post(
        reverse("campaigns:user-create"),
        {
            "username": "newagent",
            "first_name": "New",
            "last_name": "Agent",
            "email": "new@example.com",
            "password": "a-long-enough-passphrase-42",
            "roles": [Group.objects.get(name=Role.AGENT).pk],
            "skills": [sales_skill.pk],
            "agent_group": sales_group.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="newagent")
    assert person.check_password("a-long-enough-passphrase-42")
    assert list(person.skills.all()) == [sales_skill]
    assert person.agent_group == sales_group
    assert person.has_perm("campaigns.work_conversations")
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor == admin
    assert entry.after["username"] == "newagent"


def test_weak_password_and_duplicate_username_are_shown_and_nothing_saved(admin_client, agent):
    before = User.objects.count()
    response = admin_client.post(
        reverse("campaigns:user-create"),
        {"username": "agent", "password": "123", "is_active": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "A user with that username already exists." in html
    assert "This password is too short." in html
    assert User.objects.count() == before


def test_admin_deactivates_a_user_and_keeps_the_password(admin_client, agent):
    response = admin_client.post(
        reverse("campaigns:user-update", args=[agent.pk]),
        {"username": "agent", "first_name": "A", "last_name": "B", "email": "", "password": ""},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.is_active is False
    assert agent.check_password("pw")


def test_skill_create_and_long_name_error(admin_client):
    assert (
        admin_client.post(reverse("campaigns:skill-create"), {"name": "Retention"}).status_code
        == 302
    )
    assert Skill.objects.filter(name="Retention").exists()
    response = admin_client.post(reverse("campaigns:skill-create"), {"name": "x" * 81})
    assert response.status_code == 422
    assert "Ensure this value has at most 80 characters" in response.content.decode()
    response = admin_client.post(
        reverse("campaigns:skill-create"), {"name": "Slow", "survey_timeout_minutes": 72 * 60 + 1}
    )
    assert response.status_code == 422
    assert not Skill.objects.filter(name="Slow").exists()


def test_group_save_sets_managers_and_members(admin_client, agent_manager, agent, other_agent):
    response = admin_client.post(
        reverse("campaigns:group-create"),
        {
            "name": "Night shift",
            "managers": [agent_manager.pk],
            "members": [agent.pk, other_agent.pk],
        },
    )
    assert response.status_code == 302
    group = AgentGroup.objects.get(name="Night shift")
    assert list(group.managers.all()) == [agent_manager]
    assert set(group.members.all()) == {agent, other_agent}
    response = admin_client.post(
        reverse("campaigns:group-update", args=[group.pk]),
        {"name": "Night shift", "managers": [agent_manager.pk], "members": [agent.pk]},
    )
    other_agent.refresh_from_db()
    assert other_agent.agent_group is None
    assert AuditEntry.objects.filter(action="group.update", object_id=str(group.pk)).exists()


def test_html_in_names_is_escaped(admin_client):
    SkillFactory(name="<script>alert(1)</script>")
    html = admin_client.get(reverse("campaigns:skill-list")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "name", ["campaigns:user-list", "campaigns:skill-list", "campaigns:group-list"]
)
def test_people_lists_use_constant_queries(
    admin_client, django_assert_num_queries, sales_skill, sales_group, name
):
    AgentFactory.create_batch(2, skills=[sales_skill], agent_group=sales_group)
    admin_client.get(reverse(name))  # warm the session
    with CaptureQueriesContext(connection) as few_rows:
        admin_client.get(reverse(name))
    AgentFactory.create_batch(10, skills=[sales_skill], agent_group=sales_group)
    with django_assert_num_queries(len(few_rows.captured_queries)):
        admin_client.get(reverse(name))
