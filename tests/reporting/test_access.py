"""Every report URL for every role: anonymous to login, agents refused (except their own
summary), and agent managers seeing only their groups' current members, in pages, drill-downs
and exports alike."""

import pytest
from django.urls import reverse

from tests.reporting.factories import T0, conversation, event

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
MANAGER_PAGES = [
    ("reporting:home", {}),
    ("reporting:goal-tracker", MARCH),
    ("reporting:goal-tracker-targets", MARCH),
    ("reporting:event-list", {**MARCH, "measure": "conversions"}),
    ("reporting:conversation-list", {**MARCH, "family": "handled"}),
    ("reporting:duplicate-list", MARCH),
    ("reporting:survey-report", MARCH),
    ("reporting:completeness", MARCH),
    ("reporting:target-list", {"month": "2026-03"}),
    ("reporting:export", {**MARCH, "dataset": "events"}),
    ("reporting:export", {**MARCH, "dataset": "conversations", "family": "handled"}),
]


@pytest.fixture
def two_teams(default_sell, agent, other_agent):
    """One order in each team: ORD-SALES by ``agent``, ORD-BILLING by ``other_agent``."""
    mine = conversation(agent, started=T0)
    theirs = conversation(other_agent, started=T0)
    event(conversation=mine, amount="11.00", action_id="ORD-SALES")
    event(conversation=mine, source="server_api", amount="11.00", action_id="ORD-SALES")
    event(conversation=theirs, amount="22.00", action_id="ORD-BILLING")
    event(conversation=theirs, source="server_api", amount="23.00", action_id="ORD-BILLING")
    return mine, theirs


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize(("name", "params"), [*MANAGER_PAGES, ("reporting:my-summary", {})])
def test_anonymous_goes_to_login(client, name, params):
    response = client.get(reverse(name), params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "params"), MANAGER_PAGES)
def test_agents_are_refused_manager_reports(agent_client, name, params):
    assert agent_client.get(reverse(name), params).status_code == 403


@pytest.mark.parametrize(
    "persona", ["admin_client", "campaign_manager_client", "agent_manager_client"]
)
@pytest.mark.parametrize(("name", "params"), MANAGER_PAGES)
def test_report_readers_may_open_every_report(request, two_teams, persona, name, params):
    client = request.getfixturevalue(persona)
    assert client.get(reverse(name), params).status_code == 200


@pytest.mark.parametrize(("name", "params"), MANAGER_PAGES)
def test_a_manager_sees_only_their_groups_data(
    agent_manager_client, two_teams, agent, other_agent, name, params
):
    body = _body(agent_manager_client.get(reverse(name), params))
    assert "ORD-BILLING" not in body
    assert other_agent.display_name not in body
    assert "22.00" not in body


@pytest.mark.parametrize(("name", "params"), MANAGER_PAGES)
def test_the_other_manager_sees_none_of_this_groups_data(
    other_manager_client, two_teams, agent, name, params
):
    body = _body(other_manager_client.get(reverse(name), params))
    assert "ORD-SALES" not in body
    assert agent.display_name not in body


def test_managers_see_their_own_team_in_tracker_drilldown_and_export(
    agent_manager_client, two_teams, agent
):
    tracker = _body(agent_manager_client.get(reverse("reporting:goal-tracker"), MARCH))
    events = _body(
        agent_manager_client.get(
            reverse("reporting:event-list"), {**MARCH, "measure": "conversions"}
        )
    )
    export = _body(
        agent_manager_client.get(reverse("reporting:export"), {**MARCH, "dataset": "events"})
    )
    for body in (tracker, events, export):
        assert agent.display_name in body
        assert "ORD-SALES" in body


def test_a_manager_cannot_filter_their_way_into_another_group(
    agent_manager_client, two_teams, other_agent
):
    params = {**MARCH, "agent": other_agent.pk, "dataset": "events"}
    response = agent_manager_client.get(reverse("reporting:export"), params)
    body = response.content.decode()
    assert response.status_code == 400  # never the defaults or the whole scope instead
    assert "agent (Agent)" in body
    assert "ORD-BILLING" not in body
    assert "ORD-SALES" not in body


def test_agents_see_their_own_summary_only(agent_client, two_teams, agent, other_agent):
    response = agent_client.get(reverse("reporting:my-summary"), MARCH)
    body = response.content.decode()
    assert response.status_code == 200
    assert "ORD-SALES" in body
    assert "ORD-BILLING" not in body


def test_people_without_the_agent_role_have_no_summary(agent_manager_client):
    assert agent_manager_client.get(reverse("reporting:my-summary")).status_code == 403


def test_htmx_request_for_the_report_body_gets_the_fragment(admin_client, two_teams):
    headers = {"HX-Request": "true", "HX-Target": "report-body"}
    response = admin_client.get(reverse("reporting:goal-tracker"), MARCH, headers=headers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="report-body"')
    assert "ORD-SALES" in body
    assert response["Vary"].count("HX-Request") == 1


def test_the_plain_request_gets_the_whole_page_with_the_fragment(admin_client, two_teams):
    body = admin_client.get(reverse("reporting:goal-tracker"), MARCH).content.decode()
    assert "<html" in body
    assert 'id="report-body"' in body
    assert 'hx-get="/reports/goal-tracker/"' in body


def test_invalid_filters_show_an_error_and_fall_back_to_defaults(admin_client):
    response = admin_client.get(
        reverse("reporting:goal-tracker"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    body = response.content.decode()
    assert response.status_code == 422  # as every form with errors answers
    assert "The end date must be on or after the start date." in body
    assert "These filters were not applied." in body


def test_unknown_drilldown_is_a_404(admin_client):
    response = admin_client.get(reverse("reporting:conversation-list"), {"family": "nope"})
    assert response.status_code == 404
