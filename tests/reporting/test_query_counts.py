"""Report pages run a constant number of queries however many events there are: aggregation
happens in the database, never row by row in Python."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import AgentSurvey, Skill, SurveySkill
from reporting.models import Target
from tests.factories import AgentFactory
from tests.reporting.factories import T0, conversation, event
from workspace.models import SurveyResponse

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
PAGINATED = ("reporting:conversation-list", "reporting:duplicate-list")
PAGES = [
    ("reporting:home", {}),
    ("reporting:goal-tracker", MARCH),
    ("reporting:goal-tracker", {**MARCH, "by": "skill"}),
    ("reporting:goal-tracker-targets", MARCH),
    ("reporting:event-list", {**MARCH, "measure": "conversions"}),
    ("reporting:conversation-list", {**MARCH, "family": "handled"}),
    ("reporting:duplicate-list", MARCH),
    ("reporting:survey-report", MARCH),
    ("reporting:completeness", MARCH),
    ("reporting:target-list", {"month": "2026-03"}),
]


def _activity(count: int, agents, skill, survey) -> None:
    """``count`` conversations, each with an agent order, a customer duplicate, a lead, a
    survey response and a customer event left on the visitor."""
    for i in range(count):
        agent = agents[i % len(agents)]
        talk = conversation(agent, skill=skill, started=T0 + timedelta(hours=i))
        event(conversation=talk, amount=f"{i + 1}.00", action_id=f"ORD-{i}")
        event(conversation=talk, source="server_api", amount="1.00", action_id=f"ORD-{i}")
        event("lead", conversation=talk, amount="3.00", currency="EUR", action_id=f"L-{i}")
        event(
            visitor=talk.visitor,
            source="server_api",
            amount="2.00",
            at=T0 + timedelta(hours=i, minutes=30),
        )
        SurveyResponse.objects.create(
            conversation=talk,
            survey=survey,
            status="submitted",
            submitted_by=agent,
            agent=agent,
            submitted_at=talk.ended_at,
        )


@pytest.fixture
def setting(default_sell, admin):
    skill = Skill.objects.create(name="Queries")
    survey = AgentSurvey.objects.create(name="Quick survey", is_default=True)
    SurveySkill.objects.create(survey=survey, skill=skill)
    agents = [AgentFactory() for _ in range(3)]
    for agent in agents:
        Target.objects.create(month=date(2026, 3, 1), agent=agent, goal_type="sell", count_target=5)
    return agents, skill, survey


# From an empty start, except on paginated pages: an empty page has no rows to fetch, and Django
# skips that query, so those start from a few rows. So does the goal tracker broken down by
# skill: its targets are those of the agents with a row on the page, and with no row there are
# none to read.
GROWTH_CASES = [
    (name, params, first)
    for name, params in PAGES
    for first in ([1] if name in PAGINATED or "by" in params else [0, 1])
]


@pytest.mark.parametrize(("name", "params", "first"), GROWTH_CASES)
def test_queries_do_not_grow_with_events(
    admin_client, setting, django_assert_num_queries, name, params, first
):
    agents, skill, survey = setting
    _activity(first, agents, skill, survey)  # none, or 4 events and a survey response
    url = reverse(name)
    admin_client.get(url, params)  # warm caches (content types, account settings row)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url, params).status_code == 200
    expected = len(few.captured_queries)  # read now: the next request clears the query log
    _activity(10, agents, skill, survey)  # 40 more events
    # On PostgreSQL the first read after writes rebuilds the rollup's stale days (a fixed set of
    # statements, counted in test_rollup.py); the page's own queries are what must not grow.
    admin_client.get(url, params)
    with django_assert_num_queries(expected):
        assert admin_client.get(url, params).status_code == 200


def test_the_goal_tracker_stays_within_a_small_fixed_budget(admin_client, setting):
    agents, skill, survey = setting
    _activity(5, agents, skill, survey)
    admin_client.get(reverse("reporting:goal-tracker"), MARCH)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(reverse("reporting:goal-tracker"), MARCH)
    # Savepoints, PostgreSQL's per-query settings (see report_cursor) and the rollup's lock are
    # not data queries.
    skipped = (
        "SAVEPOINT",
        "RELEASE SAVEPOINT",
        "SELECT set_config",
        "SELECT pg_advisory_xact_lock",
    )
    data = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(skipped)]
    # 22 for the page, 6 for the previous period (the headline changes) and 1 for the trend.
    assert len(data) <= 30
