"""Each person's time zone and number format (issue 14, findings 5 and 8): set on their own
preferences page by any signed-in role, and by admins on the People pages."""

import pytest
from django.urls import reverse

from campaigns.models import AccountSettings, AuditEntry, User
from campaigns.models.people import NumberFormat

pytestmark = pytest.mark.django_db

URL = reverse("preferences")
PERSONAS = ["admin_client", "campaign_manager_client", "agent_manager_client", "agent_client"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_sees_its_own_preferences(request, persona):
    response = request.getfixturevalue(persona).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_time_zone">' in html
    assert "1.234,50 (decimal comma)" in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_saves_its_own_zone_and_format(request, persona):
    client = request.getfixturevalue(persona)
    response = client.post(URL, {"time_zone": "Europe/Berlin", "number_format": "comma"})
    assert response.status_code == 302
    user = User.objects.get(pk=client.session["_auth_user_id"])
    assert (user.time_zone, user.number_format) == ("Europe/Berlin", NumberFormat.COMMA)
    entry = AuditEntry.objects.get(action="user.preferences")
    assert entry.after == {"time_zone": "Europe/Berlin", "number_format": "comma"}


def test_anonymous_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_zone_is_refused_beside_the_field(agent_client, agent):
    response = agent_client.post(URL, {"time_zone": "Mars/Olympus", "number_format": "point"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_time_zone_error"' in html
    agent.refresh_from_db()
    assert agent.time_zone == ""


def test_the_default_names_the_account_zone(agent_client):
    AccountSettings.objects.filter(pk=1).update(report_time_zone="Europe/Lisbon")
    AccountSettings.objects.get_or_create(pk=1, defaults={"report_time_zone": "Europe/Lisbon"})
    html = agent_client.get(URL).content.decode()
    assert "Same as the account (Europe/Lisbon)" in html


def test_the_post_needs_a_csrf_token(agent):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(URL, {"time_zone": "Europe/Berlin", "number_format": "comma"})
    assert response.status_code == 403


def test_the_name_in_the_top_bar_leads_to_the_preferences(agent_client):
    html = agent_client.get(reverse("workspace:conversation-list")).content.decode()
    assert f'class="usermenu__link" href="{URL}"' in html


class TestPeoplePages:
    def test_admin_sets_a_persons_zone_and_format(self, admin_client, agent):
        url = reverse("campaigns:user-update", args=[agent.pk])
        form = admin_client.get(url).content.decode()
        assert 'name="time_zone"' in form
        assert 'name="number_format"' in form
        data = {
            "username": agent.username,
            "first_name": agent.first_name,
            "last_name": agent.last_name,
            "email": agent.email,
            "is_active": "on",
            "time_zone": "America/Sao_Paulo",
            "number_format": "comma",
        }
        response = admin_client.post(url, data)
        assert response.status_code == 302
        agent.refresh_from_db()
        assert (agent.time_zone, agent.number_format) == ("America/Sao_Paulo", "comma")

    def test_other_roles_cannot_set_someone_elses(self, agent_manager_client, agent):
        url = reverse("campaigns:user-update", args=[agent.pk])
        response = agent_manager_client.post(url, {"time_zone": "Europe/Berlin"})
        assert response.status_code == 403
        agent.refresh_from_db()
        assert agent.time_zone == ""


def test_demo_agents_work_in_their_own_zones():
    from campaigns.demo import seed_people

    users = seed_people(password_hash="unusable")
    assert (users["agent2"].time_zone, users["agent2"].number_format) == ("Europe/Berlin", "comma")
    assert users["agent5"].time_zone == "Asia/Kolkata"
    assert users["agent"].time_zone == ""  # follows the account's zone
