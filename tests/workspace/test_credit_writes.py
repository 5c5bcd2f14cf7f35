"""Credit is kept by the writes: after any sequence of the services that move it (outcomes
reported, corrected and retracted, customer events ingested, conversations fed, transferred and
closed, visitors erased, policies and goals changed), the stored rows equal a rebuild from
scratch, and a report read runs no rebuild of its own."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.catalogue import AttributeType
from campaigns.models import AccountSettings, AttributionPolicy, GoalType
from reporting.selectors.credits import reads_day_sums
from reporting.selectors.goal_tracker import goal_tracker_rows
from tests.factories import AgentFactory, ConversationFactory
from tests.reporting.factories import campaign, context_for
from tests.reporting.factories import goal as make_goal
from tests.workspace.conftest import NOW
from workspace.models import (
    Credit,
    CreditDay,
    CreditRebuild,
    DuplicateGroup,
    Handled,
    HandledDay,
)
from workspace.services.conversations import CloseWay, conversation_close, conversation_transfer
from workspace.services.credit import credit_rebuild
from workspace.services.credit_rebuild import credit_rebuild_pending, credit_rebuild_request
from workspace.services.ingest import engagement_attributes_ingest
from workspace.services.ingest_conversations import conversation_feed
from workspace.services.outcomes import outcome_correct, outcome_retract, outcome_submit
from workspace.services.privacy import visitor_erase

pytestmark = pytest.mark.django_db

CREDIT_FIELDS = (
    "event_id",
    "agent_id",
    "conversation_id",
    "credited_at",
    "skill_id",
    "campaign_id",
    "goal_id",
    "session",
    "weight",
    "amount_share",
    "reached",
    "policy_id",
)


def _rounded(value):
    return round(Decimal(str(value)), 6) if value is not None else None


def stored() -> tuple[list, list, list, list]:
    """The credit and handled rows, and their day sums (kept by deltas, so compared rounded:
    SQLite adds decimals as floats)."""
    credits = sorted(
        tuple(str(v) for v in row) for row in Credit.objects.values_list(*CREDIT_FIELDS)
    )
    handled = sorted(
        Handled.objects.values_list("agent_id", "conversation_id", "skill_id", "goal_id", "shared")
    )
    credit_days = sorted(
        (*key, _rounded(weight), _rounded(amount), n)
        for *key, weight, amount, n in CreditDay.objects.exclude(n=0).values_list(
            "day",
            "agent_id",
            "skill_id",
            "attribute_type",
            "currency",
            "status",
            "session",
            "reached",
            "agent_reported",
            "shared",
            "weight",
            "amount_share",
            "n",
        )
    )
    handled_days = sorted(
        HandledDay.objects.exclude(n=0).values_list("day", "agent_id", "skill_id", "shared", "n")
    )
    return credits, handled, credit_days, handled_days


def assert_equals_rebuild() -> None:
    kept = stored()
    credit_rebuild()
    assert kept == stored()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def configured(purchase_config, lead_config):
    campaign(make_goal(GoalType.SELL), is_default=True, name="Default sales")
    return purchase_config, lead_config


def _purchase(conversation, agent, total: str, order: str = ""):
    values = {"total": Decimal(total)}
    if order:
        values["orderId"] = order
    return outcome_submit(
        conversation=conversation,
        attribute_type=AttributeType.PURCHASE,
        values=values,
        currency="USD",
        actor=agent,
        token=None,
        now=NOW,
    )


def _ingest(visitor_id: str, total: str, order: str, conversation_id: str | None = None):
    sde = {"type": "purchase", "total": total, "currency": "EUR", "orderId": order}
    engagement_attributes_ingest(
        connector=None,
        raw_sdes=[sde],
        visitor_id=visitor_id,
        conversation_id=conversation_id,
        now=NOW,
    )


def test_random_histories_through_the_services_keep_credit_equal_to_a_rebuild(
    configured, sales_skill
):
    rng = random.Random(13)
    agents = [AgentFactory(skills=[sales_skill]) for _ in range(3)]
    conversations = []
    for n in range(6):
        started = NOW - timedelta(days=rng.randint(0, 3), minutes=rng.randint(5, 50))
        talk = ConversationFactory(agent=rng.choice(agents), skill=sales_skill, started_at=started)
        conversations.append(talk)
        _ingest(talk.visitor.external_id, f"{10 + n}.50", f"WEB-{n % 3}")
    events = []
    for step in range(25):
        talk = rng.choice(conversations)
        talk.refresh_from_db()
        action = rng.choice(["report", "report", "transfer", "ingest", "correct", "retract"])
        if action == "report" and talk.ended_at is None:
            events.append(_purchase(talk, talk.agent, f"{step}.25", f"ORD-{step % 4}"))
        elif action == "transfer" and talk.ended_at is None:
            others = [a for a in agents if a != talk.agent]
            conversation_transfer(
                conversation=talk, actor=None, at=NOW, agent=rng.choice(others), skill=None
            )
        elif action == "ingest":
            _ingest(talk.visitor.external_id, f"{step}.75", f"WEB-{step % 3}", talk.external_id)
        elif action == "correct" and events:
            event = rng.choice(events)
            event.refresh_from_db()
            if event.retracted_at is None and event.conversation.ended_at is None:
                outcome_correct(
                    event=event,
                    values={"total": Decimal(f"{step}.99"), "orderId": f"ORD-{step % 2}"},
                    currency="USD",
                    version=event.version,
                    actor=event.conversation.agent,
                    now=NOW,
                )
        elif action == "retract" and events:
            event = rng.choice(events)
            event.refresh_from_db()
            if event.retracted_at is None and event.conversation.ended_at is None:
                outcome_retract(
                    event=event,
                    version=event.version,
                    actor=event.conversation.agent,
                    reason="Reported in error",
                    now=NOW,
                )
        assert_equals_rebuild()
    conversation_close(conversation=conversations[0], actor=None, at=NOW, way=CloseWay.API)
    assert_equals_rebuild()
    assert Credit.objects.filter(weight__gt=0).exists()


def test_a_fed_conversation_credits_the_visitors_website_order_made_during_it(
    configured, sales_skill
):
    agent = AgentFactory(skills=[sales_skill])
    _ingest("visitor-7", "40.00", "WEB-1")  # no conversation of the visitor yet: unattributed
    assert Credit.objects.get().agent_id is None
    conversation_feed(  # the chat platform reports the chat that had started an hour before
        raw={
            "conversationId": "chat-7",
            "visitorId": "visitor-7",
            "agent": agent.username,
            "skill": sales_skill.name,
            "startTime": (NOW - timedelta(hours=1)).isoformat(),
        },
        now=NOW,
    )
    _ingest("visitor-7", "60.00", "WEB-2")  # during the chat: in-session
    credits = {c.amount_share: (c.agent_id, c.session) for c in Credit.objects.all()}
    assert credits == {
        Decimal("40.0000"): (agent.pk, "cross"),
        Decimal("60.0000"): (agent.pk, "in"),
    }
    assert_equals_rebuild()


def test_an_erased_visitor_lets_the_other_report_of_the_same_order_count(
    configured, agent, sales_skill
):
    first = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(minutes=30)
    )
    second = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(minutes=20)
    )
    _purchase(first, agent, "5.00", "ORD-9")
    later = _purchase(second, agent, "5.00", "ORD-9")
    assert not Credit.objects.filter(event=later).exists()  # a duplicate: only the first counts
    visitor_erase(visitor=first.visitor, actor=None, now=NOW)
    assert Credit.objects.filter(event=later).exists()
    assert_equals_rebuild()


def test_a_policy_or_goal_change_asks_the_worker_to_rebuild(
    configured, agent, sales_skill, django_capture_on_commit_callbacks
):
    talk = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(minutes=30)
    )
    _purchase(talk, agent, "5.00")
    with django_capture_on_commit_callbacks(execute=True):
        AttributionPolicy.objects.create(effective_from=date(2026, 1, 1), model="first")
    # The immediate task backend of the tests ran the rebuild at once.
    assert CreditRebuild.objects.get().finished_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        make_goal(GoalType.LEADS)
    assert CreditRebuild.objects.filter(finished_at__isnull=True).count() == 0
    assert CreditRebuild.objects.count() == 2
    assert_equals_rebuild()


def test_a_waiting_request_covers_later_ones_and_the_pending_run_finishes_them(db):
    first = credit_rebuild_request(since=NOW - timedelta(days=3), now=NOW)
    again = credit_rebuild_request(since=NOW - timedelta(days=1), now=NOW)
    wider = credit_rebuild_request(since=None, now=NOW)
    assert again == first
    assert wider != first
    credit_rebuild_pending(now=lambda: NOW)
    assert not CreditRebuild.objects.filter(finished_at__isnull=True).exists()


def test_the_default_currency_or_zone_asks_for_a_rebuild_and_nothing_else_does(
    db, django_capture_on_commit_callbacks
):
    account = AccountSettings.load()
    account.default_currency = "EUR"
    with django_capture_on_commit_callbacks() as callbacks:
        account.save()
    assert len(callbacks) == 1
    account.report_time_zone = "Europe/Paris"  # the day sums' days
    with django_capture_on_commit_callbacks() as callbacks:
        account.save()
    assert len(callbacks) == 1
    account.agent_outcome_window_minutes = 5
    with django_capture_on_commit_callbacks() as callbacks:
        account.save()
    assert callbacks == []


def test_a_report_read_writes_nothing(configured, agent, sales_skill):
    talk = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(minutes=30)
    )
    _purchase(talk, agent, "5.00")
    with CaptureQueriesContext(connection) as queries:
        goal_tracker_rows(context_for(start=NOW.date(), end=NOW.date()))
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert set(statements) <= {"SELECT", "WITH", "SAVEPOINT", "RELEASE"}, statements


def test_reports_read_the_same_numbers_from_day_sums_and_from_rows(configured, sales_skill):
    """The account's own zone reads the day sums; another name for the same zone reads the
    rows: every number must agree."""
    agents = [AgentFactory(skills=[sales_skill]) for _ in range(2)]
    for n in range(4):
        talk = ConversationFactory(
            agent=agents[n % 2], skill=sales_skill, started_at=NOW - timedelta(hours=n + 1)
        )
        _purchase(talk, talk.agent, f"{n}.10", f"ORD-{n % 3}")
        _ingest(talk.visitor.external_id, f"{n}.20", f"WEB-{n}", talk.external_id)
        if n % 2:
            conversation_transfer(
                conversation=talk, actor=None, at=NOW, agent=agents[(n + 1) % 2], skill=None
            )
    days = context_for(start=NOW.date() - timedelta(days=1), end=NOW.date())
    rows = days.with_filters(days.filters.with_(tz_key="Etc/UTC", tz_is_default=False))
    assert reads_day_sums(days)
    assert not reads_day_sums(rows)
    from_days, from_rows = goal_tracker_rows(days), goal_tracker_rows(rows)
    assert from_days.total == from_rows.total
    assert from_days.distinct_total == from_rows.distinct_total
    assert [r.measures for r in from_days.rows] == [r.measures for r in from_rows.rows]
    assert (from_days.total.handled, from_days.distinct_total.handled) == (6, 4)
    assert from_days.distinct_total.revenue  # the fixture produced money


def test_currency_pickers_offer_the_accounts_most_used_currencies_first(configured, agent):
    talk = ConversationFactory(agent=agent, skill=configured[0].skills.first(), started_at=NOW)
    for n in range(3):
        _ingest(talk.visitor.external_id, f"{n}.00", f"WEB-{n}")  # EUR, three times
    _purchase(talk, agent, "1.00")  # USD, once
    from campaigns.forms.account import AccountSettingsForm
    from campaigns.money import currencies_most_used

    assert currencies_most_used() == ["EUR", "USD"]
    codes = [code for code, _label in AccountSettingsForm().fields["default_currency"].choices]
    assert codes[:2] == ["EUR", "USD"]
    assert "XXX" not in codes


def test_a_new_report_alone_on_its_order_only_inserts_and_a_second_one_recounts_both(
    configured, agent, sales_skill
):
    """A report no earlier one shares a key with has no rows yet: its credit is inserted,
    nothing deleted or locked. A second report of the order recomputes both (and groups them)."""
    talk = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(minutes=30)
    )
    with CaptureQueriesContext(connection) as queries:
        first = _purchase(talk, agent, "5.00", "ORD-1")
    sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert not [s for s in sql if s.startswith("DELETE")], sql
    assert Credit.objects.filter(event=first).count() == 1
    assert not DuplicateGroup.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        second = _purchase(talk, agent, "5.00", "ORD-1")
    sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert [s for s in sql if s.startswith("DELETE FROM WORKSPACE_CREDIT ")], sql
    assert not Credit.objects.filter(event=second).exists()  # the first report counts
    assert DuplicateGroup.objects.get().reports == 2
    assert_equals_rebuild()


def test_a_policy_saved_is_used_by_the_next_write_at_once(configured, agent, sales_skill):
    talk = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(minutes=30)
    )
    before = _purchase(talk, agent, "5.00")
    assert Credit.objects.get(event=before).policy_id is None  # the defaults
    policy = AttributionPolicy.objects.create(effective_from=date(2026, 1, 1), model="first")
    after = _purchase(talk, agent, "6.00")
    assert Credit.objects.get(event=after).policy_id == policy.pk
