"""The attribution rules as pure functions, checked against numbers worked out by hand."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.reporting.reference import (
    Touch,
    credit_shares,
    cross_session_touches,
    in_window,
    money_split,
    period_at,
    policy_periods,
)

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
A, B, C = 1, 2, 3


def touch(agent: int, conversation: int = 10, *, minutes: int = 0, started: datetime = T0):
    return Touch(
        conversation_id=conversation,
        conversation_started=started,
        agent_id=agent,
        segment_started=started + timedelta(minutes=minutes),
        segment_id=conversation * 100 + minutes,
    )


@pytest.mark.parametrize(
    ("amount", "currency", "parts", "expected"),
    [
        ("100.00", "USD", 3, ["33.33", "33.33", "33.34"]),
        ("100.01", "USD", 2, ["50.00", "50.01"]),
        ("0.05", "EUR", 2, ["0.02", "0.03"]),
        ("100", "JPY", 3, ["33", "33", "34"]),
        ("10.000", "KWD", 3, ["3.333", "3.333", "3.334"]),
        ("7.00", "USD", 1, ["7.00"]),
    ],
)
def test_money_split_floors_each_share_and_gives_the_remainder_to_the_last(
    amount, currency, parts, expected
):
    shares = money_split(Decimal(amount), currency, parts)
    assert shares == [Decimal(value) for value in expected]
    assert sum(shares) == Decimal(amount)


def test_first_and_last_credit_one_touch_in_full():
    touches = [touch(A, minutes=0), touch(B, minutes=5), touch(C, minutes=9)]
    first = credit_shares(touches, model="first", amount=Decimal("90.00"), currency="USD")
    last = credit_shares(touches, model="last", amount=Decimal("90.00"), currency="USD")
    assert [(s.agent_id, s.weight, s.amount) for s in first] == [(A, 1, Decimal("90.00"))]
    assert [(s.agent_id, s.weight, s.amount) for s in last] == [(C, 1, Decimal("90.00"))]


def test_split_divides_between_distinct_agents_with_the_remainder_to_the_last_touch():
    # A, then B, then A again: two distinct agents, A holds the last touch.
    touches = [touch(A, minutes=0), touch(B, minutes=5), touch(A, minutes=9)]
    shares = credit_shares(touches, model="split", amount=Decimal("100.01"), currency="USD")
    assert [(s.agent_id, s.amount) for s in shares] == [
        (B, Decimal("50.00")),
        (A, Decimal("50.01")),
    ]
    assert all(s.weight == Decimal(1) / 2 for s in shares)


def test_split_counts_are_thirds_that_add_up():
    touches = [touch(A, minutes=0), touch(B, minutes=1), touch(C, minutes=2)]
    shares = credit_shares(touches, model="split")
    assert [round(s.weight, 2) for s in shares] == [Decimal("0.33")] * 3
    assert [s.amount for s in shares] == [None, None, None]


def test_all_gives_each_distinct_agent_full_credit():
    touches = [touch(A, minutes=0), touch(B, minutes=5), touch(A, minutes=9)]
    shares = credit_shares(touches, model="all", amount=Decimal("40.00"), currency="USD")
    assert sorted((s.agent_id, s.weight, s.amount) for s in shares) == [
        (A, 1, Decimal("40.00")),
        (B, 1, Decimal("40.00")),
    ]


def test_no_touches_means_unattributed():
    assert credit_shares([], model="last", amount=Decimal(5), currency="USD") == []


@pytest.mark.parametrize(
    ("before", "window", "inside"),
    [
        (timedelta(days=7), 7, True),  # exactly on the edge: inside
        (timedelta(days=7, seconds=1), 7, False),
        (timedelta(seconds=1), 7, True),
        (timedelta(0), 7, False),  # not earlier than the event
        (timedelta(minutes=1), 0, False),  # window 0: no cross-session attribution
        (timedelta(days=31), 31, True),
        (timedelta(days=1, minutes=1), 1, False),
    ],
)
def test_cross_session_window_edges(before, window, inside):
    event_at = T0 + timedelta(days=20)
    assert in_window(event_at - before, event_at, window) is inside


def _policy(pk, effective_from, model, window, zone=UTC):
    starts_at = datetime.combine(effective_from, datetime.min.time(), tzinfo=zone)
    return SimpleNamespace(
        pk=pk,
        effective_from=effective_from,
        starts_at=starts_at,
        model=model,
        cross_session_window_days=window,
    )


def test_policy_periods_start_at_their_stored_instant_and_default_before_the_first():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    policies = [
        _policy(2, date(2026, 3, 15), "all", 1, paris),
        _policy(1, date(2026, 1, 1), "split", 14, paris),
    ]
    periods = policy_periods(policies)
    assert [(p.model, p.window_days) for p in periods] == [("last", 7), ("split", 14), ("all", 1)]
    # 2026-03-14 23:30 UTC is already 15 March in Paris.
    assert period_at(periods, datetime(2026, 3, 14, 23, 30, tzinfo=UTC)).model == "all"
    assert period_at(periods, datetime(2026, 3, 14, 22, 30, tzinfo=UTC)).model == "split"
    assert period_at(periods, datetime(2025, 12, 31, 12, 0, tzinfo=UTC)).model == "last"


def test_cross_session_uses_each_conversations_own_window_and_the_latest_ones_model():
    policies = [_policy(1, date(2026, 1, 1), "first", 31), _policy(2, date(2026, 3, 1), "last", 1)]
    periods = policy_periods(policies)
    event_at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    old = touch(A, 1, started=datetime(2026, 2, 20, 9, 0, tzinfo=UTC))  # 31-day window: in
    recent = touch(B, 2, started=datetime(2026, 3, 1, 15, 0, tzinfo=UTC))  # 1-day window: in
    stale = touch(C, 3, started=datetime(2026, 3, 1, 0, 0, tzinfo=UTC))  # 1-day window: out
    qualifying, period = cross_session_touches(event_at, [old, recent, stale], periods)
    assert qualifying == [old, recent]
    assert period.model == "last"
    assert [s.agent_id for s in credit_shares(qualifying, model=period.model)] == [B]
