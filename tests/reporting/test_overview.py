"""The reports overview's agents table: conversations handled and open now, each counted over its
own rows (transfers and repeated segments count a conversation once), in a fixed number of
queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.selectors.team import agent_workload
from tests.factories import AgentFactory, ConversationFactory
from workspace.models import Segment
from workspace.services.credit import credit_conversations

pytestmark = pytest.mark.django_db


def _period():
    now = timezone.now()
    return {"since": now - timedelta(days=30), "until": now + timedelta(minutes=1)}


def _segments(conversation, *agents) -> None:
    """Add one segment per agent after the factory's first, as transfers back and forth do."""
    for n, who in enumerate(agents, start=1):
        Segment.objects.create(
            conversation=conversation,
            agent=who,
            skill=conversation.skill,
            started_at=conversation.started_at + timedelta(minutes=n),
        )
    credit_conversations([conversation.pk])  # as the transfer service does


def _counts(user) -> dict[str, tuple[int, int]]:
    return {a.username: (a.handled, a.open_now) for a in agent_workload(user, **_period())}


def test_repeated_segments_and_open_conversations_count_once_each(admin, agent, other_agent):
    # agent: three segments on one conversation (transferred away and back), plus two open
    # conversations of their own. A join of segments with assigned conversations would report
    # 3 x 3 segments and 3 x 3 open conversations without DISTINCT, and grow as their product.
    shared = ConversationFactory(agent=agent, skill=agent.skills.first())
    _segments(shared, other_agent, agent)
    ConversationFactory.create_batch(2, agent=agent, skill=agent.skills.first())
    counts = _counts(admin)
    assert counts["agent"] == (3, 3)
    assert counts["agent2"] == (1, 0)


def test_transfer_credits_both_agents_handled_and_only_the_current_one_open(
    admin, agent, other_agent
):
    transferred = ConversationFactory(agent=agent, skill=agent.skills.first())
    _segments(transferred, other_agent)
    transferred.agent = other_agent
    transferred.save(update_fields=["agent"])
    assert _counts(admin) == {"agent": (1, 0), "agent2": (1, 1)}


def test_conversations_started_before_the_period_are_open_but_not_handled(admin, agent):
    ConversationFactory(agent=agent, started_at=timezone.now() - timedelta(days=45))
    ended = timezone.now() - timedelta(days=2)
    ConversationFactory(agent=agent, started_at=ended - timedelta(minutes=5), ended_at=ended)
    assert _counts(admin)["agent"] == (1, 1)


def test_manager_counts_only_their_groups_agents(agent_manager, agent, other_agent):
    ConversationFactory(agent=other_agent)
    assert _counts(agent_manager) == {"agent": (0, 0)}


def test_each_count_reads_its_own_rows(admin, agent):
    """No query joins segments with assigned conversations: that join made the rows per agent
    the product of the two (the page timed out at 50,000 conversations)."""
    ConversationFactory(agent=agent)
    agent_workload(admin, **_period())  # loads the reader's permissions
    with CaptureQueriesContext(connection) as captured:
        list(agent_workload(admin, **_period()))
    for query in captured.captured_queries:
        sql = query["sql"]
        reads_handled = "workspace_segment" in sql or "workspace_handled" in sql
        assert not (reads_handled and "workspace_conversation" in sql)


def test_queries_constant_in_agents_segments_and_conversations(
    admin, agent, sales_group, django_assert_num_queries
):
    ConversationFactory(agent=agent)
    agent_workload(admin, **_period())  # loads the reader's permissions (cached on the user)
    with django_assert_num_queries(3):
        list(agent_workload(admin, **_period()))
    for extra in AgentFactory.create_batch(5, agent_group=sales_group):
        conversation = ConversationFactory(agent=extra)
        _segments(conversation, agent, extra)
        ConversationFactory(agent=extra)
    with django_assert_num_queries(3):
        rows = agent_workload(admin, **_period())
    assert len(rows) == 6
    assert {a.username: a.handled for a in rows}["agent"] == 6


def test_overview_page_shows_the_counts(agent_manager_client, agent, other_agent):
    shared = ConversationFactory(agent=agent, skill=agent.skills.first())
    _segments(shared, other_agent, agent)
    ConversationFactory.create_batch(2, agent=agent, skill=agent.skills.first())
    response = agent_manager_client.get(reverse("reporting:home"))
    assert response.status_code == 200
    row = next(r for r in response.content.decode().split("<tr>") if agent.display_name in r)
    assert row.count('<td class="num">3</td>') == 2
