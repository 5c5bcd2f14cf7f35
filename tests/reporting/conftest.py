"""Fixtures for report tests: a default campaign with a selling goal, and small helpers to read
one agent's row of the goal tracker."""

import pytest

from campaigns.models import GoalType
from reporting.selectors.goal_tracker import goal_tracker_rows
from tests.reporting.factories import campaign, goal


@pytest.fixture
def default_sell(db):
    """The account's default campaign, with "Sell product/service, any value"."""
    return campaign(goal(GoalType.SELL), is_default=True, name="Default sales")


@pytest.fixture
def tracker():
    """``tracker(context)`` -> {agent_id: Measures} plus the GoalTracker itself."""

    def read(context):
        result = goal_tracker_rows(context)
        return {row.agent_id: row.measures for row in result.rows}, result

    return read
