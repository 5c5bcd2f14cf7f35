"""The reports home: agent managers see their groups' agents; agents may not read reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgentFactory, ConversationFactory

pytestmark = pytest.mark.django_db


def test_manager_sees_only_their_groups_agents(agent_manager_client, agent, other_agent):
    ConversationFactory(agent=agent)
    response = agent_manager_client.get(reverse("reporting:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert agent.display_name in html
    assert other_agent.display_name not in html


@pytest.mark.parametrize("persona", ["admin_client", "campaign_manager_client"])
def test_admins_and_campaign_managers_see_every_agent(request, persona, agent, other_agent):
    html = request.getfixturevalue(persona).get(reverse("reporting:home")).content.decode()
    assert agent.display_name in html
    assert other_agent.display_name in html


def test_agents_are_refused(agent_client):
    assert agent_client.get(reverse("reporting:home")).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(reverse("reporting:home"))["Location"].startswith(reverse("login"))


def test_queries_constant_in_agents(agent_manager_client, sales_group, django_assert_num_queries):
    AgentFactory.create_batch(2, agent_group=sales_group)
    agent_manager_client.get(reverse("reporting:home"))
    with CaptureQueriesContext(connection) as few:
        agent_manager_client.get(reverse("reporting:home"))
    expected = len(few.captured_queries)  # read now: the next request clears the query log
    for agent in AgentFactory.create_batch(10, agent_group=sales_group):
        ConversationFactory(agent=agent)
    # On PostgreSQL the first read after writes rebuilds the rollup's stale days (a fixed set of
    # statements, counted in test_rollup.py); the page's own queries are what must not grow.
    agent_manager_client.get(reverse("reporting:home"))
    with django_assert_num_queries(expected):
        agent_manager_client.get(reverse("reporting:home"))
