"""The agents benchmark's core, kept from rotting: its plan, and two simulated agents against a
live server for about two seconds, every kind of request answered as expected."""

import asyncio
from urllib.parse import urlsplit

import pytest

from bench import agents as bench_agents
from tests.workspace.factories import attribute_config
from workspace.models import EngagementAttributeEvent


def test_the_plan_polls_each_conversation_every_5_seconds_and_acts_every_2_minutes():
    agent = {"conversations": [[1, 0], [2, 0]]}
    calls = bench_agents.plan_calls([agent], duration=600)
    kinds = [call.kind for _, call in calls]
    assert kinds.count("poll") == 2 * 600 / 5
    assert kinds.count("widget") == 5
    assert kinds.count("submit") == 5
    times = [at for at, _ in calls]
    assert times == sorted(times)
    assert 0 <= times[0] < 5


def test_the_summary_tells_wrong_answers_from_missing_ones():
    got = [("poll", 204, 10.0), ("poll", 302, 12.0), ("widget", 200, 30.0), ("submit", None, 9.0)]
    summary = bench_agents.summarise(got, duration=2, planned=5)
    assert summary["kinds"]["poll"]["errors"] == 1
    assert summary["kinds"]["submit"]["errors"] == 0
    assert summary["errors"] == 1  # the redirect (to sign-in)
    assert summary["unanswered"] == 2  # no answer in time, and one planned request never ended
    assert summary["req_per_s"] == 2.0


@pytest.fixture
def sales_with_transactions(transactional_db, sales_skill, sales_group):
    """What the simulated agents need: the Sales skill and team, and transactions for Sales."""
    attribute_config("purchase", skills=[sales_skill])


def test_two_agents_for_two_seconds_against_a_live_server(sales_with_transactions, live_server):
    agents = bench_agents.seed_agents(2)
    assert [len(agent["conversations"]) for agent in agents] == [2, 2]
    port = urlsplit(live_server.url).port
    # Shorter periods than the real ones, so that two seconds see every kind of request; one
    # request at a time, since the test server shares one SQLite connection between threads.
    result = asyncio.run(
        bench_agents.run_load(port, agents, duration=2, poll_every=0.5, act_every=1.6, in_flight=1)
    )
    assert result["errors"] == 0, result
    assert result["unanswered"] == 0, result
    kinds = result["kinds"]
    assert kinds["poll"]["requests"] >= 12
    assert kinds["poll"]["statuses"] == {"204": kinds["poll"]["requests"]}  # nothing new
    assert kinds["widget"]["requests"] >= 2
    assert kinds["submit"]["requests"] >= 1
    saved = EngagementAttributeEvent.objects.filter(
        conversation__external_id__startswith=bench_agents.CONVERSATION_PREFIX
    )
    assert saved.count() == kinds["submit"]["requests"]
