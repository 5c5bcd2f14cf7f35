"""Conversations handled, each counted once, from the day sums: overall (one flagged row per
conversation), per agent (an agent's later rows under another skill are flagged), and only for
a team, a group or a skill across agents by reading the rows of conversations handled by
several. Each count is compared with the conversations themselves, counted by hand."""

import importlib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import GoalType
from reporting.selectors.goal_tracker import goal_tracker_rows
from tests.factories import AgentFactory, AgentGroupFactory, SkillFactory
from tests.reporting.factories import T0, campaign, context_for, conversation, goal
from workspace.models import Handled, HandledDay, Segment
from workspace.services.credit import credit_conversations

pytestmark = pytest.mark.django_db
READS_HANDLED_ROWS = re.compile(r"\bworkspace_handled\b(?!day)")


@pytest.fixture
def history(default_sell, agent, other_agent, sales_skill):
    """Four conversations in March: ``agent`` alone; ``agent`` then ``other_agent``;
    ``other_agent`` alone; and ``agent`` under Sales, then again under Billing (the same agent
    under two skills: one conversation, two rows)."""
    billing = SkillFactory(name="Billing")
    conversation(agent, skill=sales_skill)
    conversation(agent, other_agent, skill=sales_skill, started=T0 + timedelta(hours=1))
    conversation(other_agent, skill=sales_skill, started=T0 + timedelta(hours=2))
    two_skills = conversation(agent, skill=sales_skill, started=T0 + timedelta(hours=3))
    Segment.objects.create(
        conversation=two_skills,
        agent=agent,
        skill=billing,
        started_at=two_skills.started_at + timedelta(minutes=5),
    )
    credit_conversations([two_skills.pk])  # as the transfer service does
    return {"billing": billing}


def _handled(context) -> tuple[dict, int]:
    tracker = goal_tracker_rows(context)
    per_row = {(row.agent_id, row.sub_id): row.measures.handled for row in tracker.rows}
    return {k: v for k, v in per_row.items() if v}, tracker.distinct_total.handled


def test_each_conversation_once_overall_and_once_per_agent(history, agent, other_agent):
    rows, once = _handled(context_for())
    assert once == 4
    assert rows == {(agent.pk, None): 3, (other_agent.pk, None): 2}


def test_broken_down_by_skill_the_same_agent_counts_once_per_skill(
    history, agent, other_agent, sales_skill
):
    rows, once = _handled(context_for(by="skill"))
    billing = history["billing"].pk
    assert rows == {
        (agent.pk, sales_skill.pk): 3,
        (agent.pk, billing): 1,
        (other_agent.pk, sales_skill.pk): 2,
    }
    assert once == 4


def test_a_skill_filter_counts_the_conversations_with_that_skill(history, agent):
    rows, once = _handled(context_for(skill_id=history["billing"].pk))
    assert once == 1
    assert rows == {(agent.pk, None): 1}


def test_one_agent_counts_their_conversations_once(history, agent, other_agent):
    assert _handled(context_for(agent_id=agent.pk))[1] == 3
    assert _handled(context_for(agent_id=other_agent.pk))[1] == 2


def test_a_team_counts_a_conversation_shared_inside_it_once(
    history, agent_manager, agent, other_agent, sales_group
):
    other_agent.agent_group = sales_group  # both agents now in the manager's team
    other_agent.save(update_fields=["agent_group"])
    rows, once = _handled(context_for(agent_manager))
    assert once == 4
    assert rows == {(agent.pk, None): 3, (other_agent.pk, None): 2}


def test_a_team_counts_only_its_own_agents_conversations(history, agent_manager, agent):
    rows, once = _handled(context_for(agent_manager))  # other_agent is in another group
    assert once == 3
    assert rows == {(agent.pk, None): 3}


def test_whole_conversations_are_counted_from_the_day_sums_alone(history):
    """The headline and the per-agent counts read no ``Handled`` row: at a million
    conversations, those of the transferred ones were 200,000 rows read one by one."""
    with CaptureQueriesContext(connection) as queries:
        goal_tracker_rows(context_for())
        goal_tracker_rows(context_for(by="skill"))
    assert not [q["sql"] for q in queries if READS_HANDLED_ROWS.search(q["sql"])]


def test_a_team_reads_only_the_rows_of_conversations_handled_by_several(history, agent_manager):
    with CaptureQueriesContext(connection) as queries:
        goal_tracker_rows(context_for(agent_manager))
    reads = [q["sql"] for q in queries if READS_HANDLED_ROWS.search(q["sql"])]
    assert len(reads) == 1
    assert "shared = 1" in reads[0]


def test_the_flags_mark_one_row_per_conversation_and_an_agents_later_rows(history, agent):
    rows = Handled.objects.order_by("conversation_id", "agent_id", "skill_id")
    per_conversation: dict[int, list] = {}
    for row in rows:
        per_conversation.setdefault(row.conversation_id, []).append(row)
    for handled in per_conversation.values():
        assert sum(row.first_row for row in handled) == 1
        agents = [row.agent_id for row in handled]
        assert sum(row.repeat_row for row in handled) == len(agents) - len(set(agents))
    assert Handled.objects.filter(repeat_row=1).get().agent_id == agent.pk


def test_the_migration_flags_existing_rows_and_sums_their_days_again(history):
    """Rows written before the flags existed (all 0) and their day sums come out as the write
    path makes them."""
    expected_rows = list(
        Handled.objects.order_by("pk").values_list("pk", "first_row", "repeat_row")
    )
    expected_days = sorted(
        HandledDay.objects.exclude(n=0).values_list(
            "day", "agent_id", "skill_id", "shared", "first_row", "repeat_row", "n"
        )
    )
    Handled.objects.update(first_row=0, repeat_row=0)
    HandledDay.objects.all().delete()
    migration = importlib.import_module("workspace.migrations.0005_handled_once")
    migration.flag_rows_and_sum_days(None, SimpleNamespace(connection=connection))
    assert (
        list(Handled.objects.order_by("pk").values_list("pk", "first_row", "repeat_row"))
        == expected_rows
    )
    assert (
        sorted(
            HandledDay.objects.values_list(
                "day", "agent_id", "skill_id", "shared", "first_row", "repeat_row", "n"
            )
        )
        == expected_days
    )


def test_many_transferred_conversations_keep_the_counts_exact(default_sell, sales_skill):
    agents = AgentFactory.create_batch(3)
    for n in range(12):
        handlers = [agents[n % 3], agents[(n + 1) % 3]][: 1 + n % 2]
        conversation(*handlers, skill=sales_skill, started=T0 + timedelta(hours=n))
    rows, once = _handled(context_for())
    assert once == 12
    by_hand = {
        agent.pk: Segment.objects.filter(agent=agent).values("conversation").distinct().count()
        for agent in agents
    }
    assert rows == {(pk, None): n for pk, n in by_hand.items()}


@pytest.fixture
def crowded(default_sell, sales_skill, sales_group, agent_manager):
    """Conversations of one to three agents, inside the manager's team and across it, in both
    orders, some with an interaction goal; and the same agent under two skills."""
    team = [AgentFactory(agent_group=sales_group) for _ in range(3)]
    others = [AgentFactory(agent_group=AgentGroupFactory()) for _ in range(2)]
    interact = campaign(goal(GoalType.INTERACT))
    billing = SkillFactory(name="Billing")
    handlers = [
        [team[0]],
        [others[0]],
        [team[0], team[1]],
        [team[1], team[0]],
        [team[2], others[0]],
        [others[1], team[2]],
        [others[0], others[1]],
        [team[0], team[1], team[2]],
        [team[0], others[0], team[1]],
        [others[0], others[1], team[2]],
        [others[0], team[1], others[0]],
        [team[1], team[1]],
    ]
    made = []
    for n, agents in enumerate(handlers):
        made.append(
            conversation(
                *agents,
                skill=sales_skill,
                campaign=interact if n % 3 == 0 else None,
                started=T0 + timedelta(hours=n),
            )
        )
    two_skills = made[2]
    Segment.objects.create(
        conversation=two_skills, agent=team[1], skill=billing, started_at=two_skills.started_at
    )
    credit_conversations([two_skills.pk])
    return SimpleNamespace(team=team, others=others, conversations=made, billing=billing)


def _by_hand(conversations, agents, interact_every=3) -> tuple[int, int]:
    """Conversations with a segment by one of ``agents``, and those of them with an interaction
    goal, counted from the segments."""
    ids = {a.pk for a in agents}
    picked = [
        n
        for n, c in enumerate(conversations)
        if ids & set(Segment.objects.filter(conversation=c).values_list("agent_id", flat=True))
    ]
    return len(picked), sum(1 for n in picked if n % interact_every == 0)


def test_a_team_counts_each_conversation_once_whoever_else_handled_it(crowded, agent_manager):
    distinct = goal_tracker_rows(context_for(agent_manager)).distinct_total
    handled, interactions = _by_hand(crowded.conversations, crowded.team)
    assert (distinct.handled, distinct.interactions) == (handled, interactions)
    assert (handled, interactions) == (10, 3)


def test_a_group_filter_counts_each_conversation_once(crowded):
    other_group = crowded.others[1].agent_group
    distinct = goal_tracker_rows(context_for(group_id=other_group.pk)).distinct_total
    assert (distinct.handled, distinct.interactions) == _by_hand(
        crowded.conversations, [crowded.others[1]]
    )


def test_a_team_with_a_skill_filter_still_counts_each_conversation_once(crowded, agent_manager):
    context = context_for(agent_manager, skill_id=crowded.billing.pk)
    assert goal_tracker_rows(context).distinct_total.handled == 1


def test_each_row_names_the_other_agent_of_two_and_none_of_one_or_three(crowded):
    team, others, made = crowded.team, crowded.others, crowded.conversations
    peers = {
        (row.conversation_id, row.agent_id): row.peer_agent_id for row in Handled.objects.all()
    }
    assert peers[(made[0].pk, team[0].pk)] is None
    assert peers[(made[2].pk, team[0].pk)] == team[1].pk
    assert peers[(made[2].pk, team[1].pk)] == team[0].pk  # both of its rows (two skills)
    assert peers[(made[5].pk, others[1].pk)] == team[2].pk
    assert peers[(made[7].pk, team[2].pk)] == 0
    assert peers[(made[10].pk, others[0].pk)] == team[1].pk  # the same agent twice: two agents
    assert peers[(made[11].pk, team[1].pk)] is None  # one agent, two segments: one row


def test_the_migration_names_the_other_agent_of_existing_rows(crowded):
    expected = list(Handled.objects.order_by("pk").values_list("pk", "peer_agent_id"))
    Handled.objects.update(peer_agent_id=None)
    migration = importlib.import_module("workspace.migrations.0007_handled_peer")
    migration.fill_peers(None, SimpleNamespace(connection=connection))
    assert list(Handled.objects.order_by("pk").values_list("pk", "peer_agent_id")) == expected
