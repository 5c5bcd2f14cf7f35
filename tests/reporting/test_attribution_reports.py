"""Attribution as the reports compute it in SQL: each model, window edges, effective-dated
policies, dating by the credited conversation, unattributed events, and agreement with the
plain-Python reference in ``tests/reporting/reference.py``."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from reporting.selectors.context import account_report_settings
from reporting.selectors.events import Drill, Measure, event_page
from tests.factories import AgentFactory, VisitorFactory
from tests.reporting.factories import T0, context_for, conversation, event, policy
from tests.reporting.reference import Touch, credit_shares, cross_session_touches
from workspace.models import EventSource, Segment

pytestmark = pytest.mark.django_db
API = EventSource.SERVER_API


@pytest.fixture
def handover(default_sell):
    """A conversation handled by A, then B; a customer-reported 100.01 USD order on it."""
    a, b = AgentFactory(first_name="Ann"), AgentFactory(first_name="Bob")
    talk = conversation(a, b)
    event(conversation=talk, source=API, amount="100.01", action_id="ORD-1")
    return a, b, talk


@pytest.mark.parametrize(
    ("model", "a_credit", "b_credit"),
    [
        ("first", (Decimal(1), Decimal("100.01")), None),
        ("last", None, (Decimal(1), Decimal("100.01"))),
        ("split", (Decimal("0.5"), Decimal("50.00")), (Decimal("0.5"), Decimal("50.01"))),
        ("all", (Decimal(1), Decimal("100.01")), (Decimal(1), Decimal("100.01"))),
    ],
)
def test_each_model_over_a_handed_over_conversation(handover, tracker, model, a_credit, b_credit):
    a, b, _talk = handover
    policy(date(2026, 1, 1), model)
    rows, _ = tracker(context_for())
    for agent, credit in ((a, a_credit), (b, b_credit)):
        measures = rows[agent.pk]
        if credit is None:
            assert measures.conversions == 0
            assert measures.revenue == {}
        else:
            assert (measures.conversions, measures.revenue["USD"]) == credit
            assert measures.in_session == credit[0]


def test_all_model_shows_the_de_duplicated_total_beside_the_per_agent_sum(handover, tracker):
    policy(date(2026, 1, 1), "all")
    _rows, result = tracker(context_for())
    assert result.total.conversions == 2
    assert result.total.revenue == {"USD": Decimal("200.02")}
    assert result.distinct_total.conversions == 1
    assert result.distinct_total.revenue == {"USD": Decimal("100.01")}
    assert result.each_once_differs


def test_an_agent_reported_event_goes_to_its_agent_whatever_the_model(default_sell, tracker):
    a, b = AgentFactory(), AgentFactory()
    talk = conversation(a, b)
    event(conversation=talk, agent=a, amount="30.00", action_id="ORD-1")
    policy(date(2026, 1, 1), "split")
    rows, _ = tracker(context_for())
    assert rows[a.pk].revenue == {"USD": Decimal("30.00")}
    assert rows[b.pk].revenue == {}


def _visitor_event(visitor, at, amount="40.00", action_id="ORD-V"):
    return event(visitor=visitor, source=API, amount=amount, action_id=action_id, at=at)


@pytest.mark.parametrize(
    ("before", "attributed"),
    [
        (timedelta(days=7), True),
        (timedelta(days=7, minutes=1), False),
        (timedelta(minutes=1), True),
    ],
)
def test_cross_session_window_edge(default_sell, tracker, before, attributed):
    agent, visitor = AgentFactory(), VisitorFactory()
    conversation(agent, visitor=visitor, started=T0)
    _visitor_event(visitor, T0 + before)
    rows, result = tracker(context_for())
    assert rows[agent.pk].cross_session == (1 if attributed else 0)
    unattributed = {r.agent_id: r.measures for r in result.rows}.get(None)
    assert (unattributed is not None and unattributed.conversions == 1) is not attributed


def test_cross_session_is_dated_by_the_credited_conversation(default_sell, tracker):
    agent, visitor = AgentFactory(), VisitorFactory()
    conversation(agent, visitor=visitor, started=datetime(2026, 3, 30, 10, 0, tzinfo=UTC))
    _visitor_event(visitor, datetime(2026, 4, 2, 10, 0, tzinfo=UTC))
    march, _ = tracker(context_for())
    april, _ = tracker(context_for(start=date(2026, 4, 1), end=date(2026, 4, 30)))
    assert march[agent.pk].cross_session == 1
    assert april[agent.pk].cross_session == 0


def test_cross_session_credit_over_several_conversations_by_the_model(default_sell, tracker):
    a, b, visitor = AgentFactory(), AgentFactory(), VisitorFactory()
    conversation(a, visitor=visitor, started=T0 - timedelta(days=3))
    conversation(b, visitor=visitor, started=T0 - timedelta(days=1))
    conversation(a, visitor=visitor, started=T0 - timedelta(days=9))  # outside 7 days
    _visitor_event(visitor, T0, amount="9.00")
    policy(date(2026, 1, 1), "split")
    rows, _ = tracker(context_for())
    assert (rows[a.pk].cross_session, rows[a.pk].revenue) == (
        Decimal("0.5"),
        {"USD": Decimal("4.50")},
    )
    assert (rows[b.pk].cross_session, rows[b.pk].revenue) == (
        Decimal("0.5"),
        {"USD": Decimal("4.50")},
    )


def test_window_zero_turns_cross_session_off(default_sell, tracker):
    agent, visitor = AgentFactory(), VisitorFactory()
    conversation(agent, visitor=visitor, started=T0)
    _visitor_event(visitor, T0 + timedelta(minutes=5))
    policy(date(2026, 1, 1), "last", window=0)
    rows, _ = tracker(context_for())
    assert rows[agent.pk].conversions == 0


def test_unattributed_events_are_shown_to_admins_but_belong_to_no_team(
    default_sell, tracker, admin, agent_manager
):
    _visitor_event(VisitorFactory(), T0)
    _rows, for_admin = tracker(context_for(admin))
    _rows, for_manager = tracker(context_for(agent_manager))
    assert [r.measures.conversions for r in for_admin.rows if r.agent_id is None] == [1]
    assert all(r.agent_id is not None for r in for_manager.rows)
    page = event_page(context_for(admin), Drill(Measure.ALL, unattributed=True))
    assert [(row.agent_id, row.session) for row in page.rows] == [(None, "none")]


def test_each_number_uses_the_policy_in_force_at_the_credited_conversations_start(
    default_sell, tracker
):
    a, b = AgentFactory(), AgentFactory()
    policy(date(2026, 1, 1), "first")
    policy(date(2026, 3, 15), "last")
    before = conversation(a, b, started=datetime(2026, 3, 14, 23, 0, tzinfo=UTC))
    after = conversation(a, b, started=datetime(2026, 3, 15, 0, 30, tzinfo=UTC))
    event(conversation=before, source=API, amount="1.00", action_id="ORD-1")
    event(conversation=after, source=API, amount="2.00", action_id="ORD-2")
    context = context_for()
    rows, _ = tracker(context)
    assert rows[a.pk].revenue == {"USD": Decimal("1.00")}  # first agent, old policy
    assert rows[b.pk].revenue == {"USD": Decimal("2.00")}  # last agent, new policy
    assert [p.model for p in context.policies_used()] == ["first", "last"]
    # A report of February alone names only the policy of February.
    february = context_for(start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert [p.model for p in february.policies_used()] == ["first"]


def test_sql_credits_agree_with_the_pure_rules_on_random_histories(default_sell):
    """Random visitors, conversations with transfers and customer events: every credit the
    report computes equals what ``tests/reporting/reference.py`` says for the same history."""
    rng = random.Random(7)
    agents = [AgentFactory() for _ in range(4)]
    policy(date(2026, 1, 1), "split", window=7)
    policy(date(2026, 3, 12), "first", window=14)
    expected: dict[tuple[int, int], Decimal] = {}
    _account, periods = account_report_settings()
    for v in range(6):
        visitor = VisitorFactory()
        touches = []
        for c in range(rng.randint(1, 3)):
            started = T0 + timedelta(days=rng.randint(-6, 6), minutes=v * 7 + c)
            handlers = rng.sample(agents, rng.randint(1, 3))
            talk = conversation(*handlers, visitor=visitor, started=started)
            touches += [
                Touch(talk.pk, started, s.agent_id, s.started_at, s.pk)
                for s in Segment.objects.filter(conversation=talk)
            ]
        at = T0 + timedelta(days=7, hours=v)
        made = _visitor_event(
            visitor, at, amount=f"{rng.randint(1, 999)}.{v:02d}", action_id=f"O{v}"
        )
        qualifying, period = cross_session_touches(at, touches, periods)
        if period is None:  # no earlier conversation in its window: unattributed
            expected[(made.pk, None)] = made.amount
            continue
        for share in credit_shares(
            qualifying, model=period.model, amount=made.amount, currency="USD"
        ):
            if date(2026, 3, 1) <= share.conversation_started.date() <= date(2026, 3, 31):
                expected[(made.pk, share.agent_id)] = share.amount
    page = event_page(context_for(), Drill(Measure.ALL), per_page=500)
    computed = {(row.event_id, row.agent_id): row.amount_share for row in page.rows}
    assert computed == expected
    assert expected  # the fixture did produce cross-session credit
