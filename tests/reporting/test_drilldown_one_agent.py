"""A goal tracker cell's conversations (one agent's) are listed newest first, page after page,
read through the agent's segments and sorted: not by walking the period's index from its newest
conversation until enough of the agent's turn up (reporting/selectors/conversations.py)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgentFactory
from tests.reporting.factories import T0, conversation

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-03-01", "end": "2026-03-31", "family": "handled"}


@pytest.fixture
def histories(default_sell):
    """Thirty conversations of one agent (transferred in from another on every third), at the
    start of the period, and forty of others after them, so that the newest are not theirs."""
    agent, other = AgentFactory(), AgentFactory()
    theirs = []
    for i in range(30):
        handlers = (other, agent) if i % 3 == 0 else (agent,)
        theirs.append(conversation(*handlers, started=T0 + timedelta(hours=i)))
    for i in range(40):
        conversation(other, started=T0 + timedelta(days=5, hours=i))
    return agent, theirs


def _listed(admin_client, params) -> tuple[list[str], list[str]]:
    with CaptureQueriesContext(connection) as queries:
        html = admin_client.get(reverse("reporting:conversation-list"), params).content.decode()
    ids = re.findall(r">(rep-\d+)</a></td>", html)
    return ids, [q["sql"] for q in queries.captured_queries]


def test_one_agents_conversations_newest_first_on_every_page(admin_client, histories):
    agent, theirs = histories
    newest_first = [c.external_id for c in sorted(theirs, key=lambda c: c.started_at)][::-1]
    first, _sql = _listed(admin_client, {**PERIOD, "agent": agent.pk})
    second, _sql = _listed(admin_client, {**PERIOD, "agent": agent.pk, "page": 2})
    assert first == newest_first[:25]
    assert second == newest_first[25:]


def test_one_agents_list_is_sorted_by_value_and_the_whole_teams_by_the_index(
    admin_client, histories
):
    agent, _theirs = histories
    _ids, one = _listed(admin_client, {**PERIOD, "agent": agent.pk})
    _ids, team = _listed(admin_client, PERIOD)
    page_query = 'ORDER BY COALESCE("workspace_conversation"."started_at", '
    assert any(page_query in sql for sql in one)
    assert not any(page_query in sql for sql in team)
    assert any('ORDER BY "workspace_conversation"."started_at" DESC' in sql for sql in team)
