"""The goal tracker's rollup (PostgreSQL) answers exactly what the event tables answer, after
inserts, corrections, retractions, duplicates, transfers and configuration changes, and reads
with a fixed number of statements."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import GoalType
from reporting.models import CreditDay, RollupDay
from reporting.selectors.goal_tracker import goal_tracker_rows
from reporting.selectors.rollup import split_period
from tests.factories import AgentFactory
from tests.reporting.factories import T0, campaign, context_for, conversation, event, goal
from workspace.models import EventSource, Segment

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]
API = EventSource.SERVER_API


def _numbers(context) -> tuple:
    tracker = goal_tracker_rows(context)
    rows = {
        (row.agent_id, row.sub_id): (
            row.measures.handled,
            row.measures.interactions,
            row.measures.conversions,
            row.measures.in_session,
            row.measures.cross_session,
            row.measures.revenue,
            row.measures.lead_value,
            row.measures.service,
        )
        for row in tracker.rows
    }
    totals = (tracker.distinct_total.conversions, tracker.distinct_total.revenue)
    return rows, totals, tracker.reached.as_event_totals()


def _agree(settings, **filters) -> tuple:
    """The tracker with the rollup, checked against the tracker over the event tables."""
    settings.REPORT_ROLLUP = False
    expected = _numbers(context_for(**filters))
    settings.REPORT_ROLLUP = True
    assert _numbers(context_for(**filters)) == expected
    return expected


@pytest.fixture
def activity(default_sell):
    a, b = AgentFactory(first_name="Ann"), AgentFactory(first_name="Bob")
    talks = [conversation(a if i % 2 else b, started=T0 + timedelta(hours=7 * i)) for i in range(8)]
    for i, talk in enumerate(talks):
        event(conversation=talk, amount=f"{10 + i}.50", action_id=f"ORD-{i}")
        event(conversation=talk, source=API, amount="5.00", currency="EUR", action_id=f"C-{i}")
    event(visitor=talks[0].visitor, source=API, amount="7.00", at=T0 + timedelta(days=2))
    return a, b, talks


def test_the_rollup_agrees_after_inserts_corrections_and_retractions(settings, activity):
    a, _b, talks = activity
    rows, _totals, _reached = _agree(settings)
    assert RollupDay.objects.exists()
    assert CreditDay.objects.exists()
    # Ann's orders 11.50 + 13.50 + 15.50 + 17.50, and her customers' four 5.00 EUR orders.
    assert rows[(a.pk, None)][5] == {"USD": Decimal("58.00"), "EUR": Decimal("20.00")}

    event(conversation=talks[3], amount="99.00", action_id="NEW-1")  # insert
    _agree(settings)
    corrected = talks[2].events.get(action_id="ORD-2")
    corrected.amount, corrected.version = Decimal("120.00"), 2  # correction
    corrected.save()
    _agree(settings)
    corrected.retracted_at = corrected.occurred_at + timedelta(minutes=5)  # retraction
    corrected.save()
    _agree(settings)
    # An earlier report of an order already counted now counts instead (de-duplication).
    event(conversation=talks[5], source=API, amount="1.00", action_id="ORD-6", at=T0)
    _agree(settings)


def test_the_rollup_agrees_after_transfers_and_configuration_changes(
    settings, activity, default_sell
):
    a, b, talks = activity
    _agree(settings)
    Segment.objects.create(
        conversation=talks[1], agent=b, started_at=talks[1].started_at + timedelta(minutes=5)
    )  # a transfer: the customer's order now goes to the last agent
    _agree(settings)
    talks[4].campaign = campaign(goal(GoalType.LEADS))
    talks[4].save()
    _agree(settings)
    threshold = default_sell.goal  # only sales over 12 USD reach the default campaign's goal now
    threshold.sell_more_than, threshold.sell_currency = Decimal("12"), "USD"
    threshold.save()
    rows, _totals, _reached = _agree(settings)
    assert rows[(a.pk, None)][2] == 3  # 13.50, 15.50, 17.50 (11.50 no longer)


def test_periods_in_another_time_zone_read_their_partial_days_from_the_events(settings, activity):
    tz = "UTC+05:30"
    from reporting.filters import time_zone_for

    filters = {"tz": time_zone_for(tz), "tz_key": tz, "start": date(2026, 3, 10)}
    split = split_period(context_for(**filters).filters, time_zone_for("UTC"))
    assert split.edges  # half-hour offsets: the period starts and ends mid-day in UTC
    _agree(settings, **filters)


def test_a_read_runs_fixed_statements_however_many_days_are_rebuilt(settings, activity):
    settings.REPORT_ROLLUP = True
    context = context_for()
    goal_tracker_rows(context)  # builds
    with CaptureQueriesContext(connection) as fresh:
        goal_tracker_rows(context)
    with CaptureQueriesContext(connection) as one_day:
        event(conversation=activity[2][0], amount="3.00")
        goal_tracker_rows(context)
    for talk in activity[2]:
        event(conversation=talk, amount="4.00")
    with CaptureQueriesContext(connection) as many_days:
        goal_tracker_rows(context)
    rebuild = len(one_day.captured_queries) - 1  # less the event's own insert
    assert rebuild == len(many_days.captured_queries)
    assert rebuild - len(fresh.captured_queries) == 5  # set_config, clear, 2 inserts, days
