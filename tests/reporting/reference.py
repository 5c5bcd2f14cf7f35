"""The attribution rules (SPEC section 7) again, in plain Python over plain values: the
reference the tests compare the app's credit rows with. The rules themselves are listed once, in
the docstring of ``workspace.services.credit`` (the one statement of them in the app).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from campaigns.models import AttributionModel
from campaigns.money import minor_units
from workspace.attribution import PolicyPeriod, period_at, policy_periods

__all__ = ["PolicyPeriod", "period_at", "policy_periods"]


@dataclass(frozen=True)
class Touch:
    """One segment of a conversation: an agent who handled it."""

    conversation_id: int
    conversation_started: datetime
    agent_id: int
    segment_started: datetime
    segment_id: int
    skill_id: int | None = None

    @property
    def order(self) -> tuple:
        return (self.conversation_started, self.segment_started, self.segment_id)


@dataclass(frozen=True)
class Share:
    """The part of one event credited to one agent, and the conversation it is dated by."""

    agent_id: int
    conversation_id: int
    conversation_started: datetime
    weight: Decimal
    amount: Decimal | None
    skill_id: int | None = None


def money_split(amount: Decimal, currency: str, parts: int) -> list[Decimal]:
    """``amount`` in ``parts`` shares: each floored to the currency's minor unit, the remainder
    on the last share, so the shares always add up to the amount exactly."""
    unit = Decimal(1).scaleb(-minor_units(currency or "USD"))
    share = (amount / parts).quantize(unit, rounding=ROUND_FLOOR)
    return [share] * (parts - 1) + [amount - share * (parts - 1)]


def credit_shares(
    touches: Sequence[Touch], *, model: str, amount: Decimal | None = None, currency: str = ""
) -> list[Share]:
    """Credit one event over ``touches`` by ``model``. No touches: no shares (unattributed)."""
    ordered = sorted(touches, key=lambda t: t.order)
    if not ordered:
        return []
    if model in (AttributionModel.FIRST, AttributionModel.LAST):
        touch = ordered[0] if model == AttributionModel.FIRST else ordered[-1]
        return [_share(touch, Decimal(1), amount)]
    # One share per distinct agent, dated by that agent's last touch; the last touch's agent last.
    last_touch = {touch.agent_id: touch for touch in ordered}
    agents = sorted(last_touch.values(), key=lambda t: t.order)
    if model == AttributionModel.ALL:
        return [_share(touch, Decimal(1), amount) for touch in agents]
    weight = Decimal(1) / len(agents)
    amounts = (
        money_split(amount, currency, len(agents)) if amount is not None else [None] * len(agents)
    )
    return [_share(t, weight, a) for t, a in zip(agents, amounts, strict=True)]


def _share(touch: Touch, weight: Decimal, amount: Decimal | None) -> Share:
    return Share(
        touch.agent_id,
        touch.conversation_id,
        touch.conversation_started,
        weight,
        amount,
        touch.skill_id,
    )


def in_window(conversation_started: datetime, event_at: datetime, window_days: int) -> bool:
    """An earlier conversation counts when it started before the event and no more than
    ``window_days`` before it (the edge itself is inside)."""
    return event_at - timedelta(days=window_days) <= conversation_started < event_at


def cross_session_touches(
    event_at: datetime, touches: Iterable[Touch], periods: Sequence[PolicyPeriod]
) -> tuple[list[Touch], PolicyPeriod | None]:
    """The visitor's earlier touches that qualify for an event left on the visitor, and the
    policy whose model credits them (that of the most recent qualifying conversation)."""
    qualifying = [
        touch
        for touch in touches
        if in_window(
            touch.conversation_started,
            event_at,
            period_at(periods, touch.conversation_started).window_days,
        )
    ]
    if not qualifying:
        return [], None
    latest = max(qualifying, key=lambda t: t.order)
    return qualifying, period_at(periods, latest.conversation_started)


# The goal tracker's numbers from a history, in plain Python: what each cell and each list
# behind a cell must show (tests/reporting/test_numbers_equal_lists.py). Nothing here reads
# the app's credit rows; the history is given as plain facts.

GOAL_KINDS = ("purchase", "lead", "service")
NO_ONE = "none"  # a skill or campaign question for rows without one ("none" in the URL)


@dataclass(frozen=True)
class GoalRule:
    """A campaign's goal, as the reports judge events against it."""

    goal_id: int
    goal_type: str
    sell_more_than: Decimal | None = None
    sell_currency: str = ""
    boxes: frozenset = frozenset()  # (topic, status), topic trimmed and case-folded

    def reached(self, event: "EventFact", default_currency: str) -> bool:
        if self.goal_type == "sell" and event.kind == "purchase":
            if self.sell_more_than is None:
                return True
            currency = self.sell_currency or default_currency
            return (
                event.amount is not None
                and event.amount > self.sell_more_than
                and event.currency == currency
            )
        if self.goal_type == "leads":
            return event.kind == "lead"
        if self.goal_type == "service" and event.kind == "service":
            return (event.topic.strip().casefold(), event.status) in self.boxes
        return False


@dataclass(frozen=True)
class ConversationFact:
    id: int
    started: datetime
    visitor_id: int
    agent_id: int | None  # the assigned (last) agent
    skill_id: int | None
    campaign_id: int | None  # as stored; None means the default campaign's
    touches: tuple[Touch, ...]


@dataclass(frozen=True)
class EventFact:
    id: int
    kind: str
    agent_reported: bool
    occurred: datetime
    visitor_id: int
    conversation_id: int | None = None
    agent_id: int | None = None
    skill_id: int | None = None
    amount: Decimal | None = None
    currency: str = ""
    status: int | None = None
    topic: str = ""
    dedupe_key: str = ""
    retracted: bool = False


@dataclass(frozen=True)
class Account:
    goals: dict  # campaign id -> GoalRule
    default_campaign_id: int | None
    default_currency: str
    periods: Sequence[PolicyPeriod]

    def campaign(self, stored: int | None) -> int | None:
        return stored if stored is not None else self.default_campaign_id


@dataclass(frozen=True)
class CreditFact:
    """One expected credit: an event's share for one agent (``None``: unattributed)."""

    event: EventFact
    agent_id: int | None
    credited_at: datetime
    skill_id: int | None
    campaign_id: int | None
    goal_type: str
    session: str  # "in", "cross" or "none"
    weight: Decimal
    amount_share: Decimal | None
    reached: bool
    goal_id: int | None = None


@dataclass(frozen=True)
class HandledFact:
    agent_id: int
    conversation_id: int
    skill_id: int | None
    started: datetime
    campaign_id: int | None
    goal_type: str
    goal_id: int | None = None


def counted_events(events: Iterable[EventFact]) -> list[EventFact]:
    """Purchases, leads and service activities not retracted; of the reports sharing an order,
    lead or service id, only the first (by time, then id)."""
    live = [e for e in events if not e.retracted and e.kind in GOAL_KINDS]
    first: dict[str, EventFact] = {}
    for e in sorted(live, key=lambda e: (e.occurred, e.id)):
        if e.dedupe_key:
            first.setdefault(e.dedupe_key, e)
    return [e for e in live if not e.dedupe_key or first[e.dedupe_key] is e]


def expected_credits(
    conversations: Sequence[ConversationFact], events: Iterable[EventFact], account: Account
) -> list[CreditFact]:
    """Every credit the rules give, from the history alone."""
    by_id = {c.id: c for c in conversations}
    rows: list[CreditFact] = []
    for e in counted_events(events):
        conv = by_id.get(e.conversation_id) if e.conversation_id is not None else None
        if e.agent_reported and conv is not None:
            skill = e.skill_id if e.skill_id is not None else conv.skill_id
            agent = e.agent_id if e.agent_id is not None else conv.agent_id
            rows.append(_credit(e, account, agent, conv, skill, "in", Decimal(1), e.amount))
            continue
        shares, session = [], "in"
        if conv is not None:
            model = period_at(account.periods, conv.started).model
            shares = credit_shares(conv.touches, model=model, amount=e.amount, currency=e.currency)
        elif not e.agent_reported:
            session = "cross"
            earlier = [t for c in conversations if c.visitor_id == e.visitor_id for t in c.touches]
            touches, period = cross_session_touches(e.occurred, earlier, account.periods)
            if period is not None:
                shares = credit_shares(
                    touches, model=period.model, amount=e.amount, currency=e.currency
                )
        for share in shares:
            credited = by_id[share.conversation_id]
            rows.append(
                _credit(
                    e,
                    account,
                    share.agent_id,
                    credited,
                    share.skill_id,
                    session,
                    share.weight,
                    share.amount,
                )
            )
        if not shares:
            rows.append(_unattributed(e, account, conv))
    return rows


def _credit(e, account, agent, conv, skill, session, weight, amount) -> CreditFact:
    campaign = account.campaign(conv.campaign_id)
    rule = account.goals.get(campaign)
    return CreditFact(
        e,
        agent,
        conv.started,
        skill,
        campaign,
        rule.goal_type if rule else "",
        session,
        weight,
        amount,
        bool(rule and rule.reached(e, account.default_currency)),
        rule.goal_id if rule else None,
    )


def _unattributed(e: EventFact, account: Account, conv: ConversationFact | None) -> CreditFact:
    if conv is not None:
        return _credit(e, account, None, conv, conv.skill_id, "in", Decimal(1), e.amount)
    campaign = account.campaign(None)
    rule = account.goals.get(campaign)
    return CreditFact(
        e,
        None,
        e.occurred,
        None,
        campaign,
        rule.goal_type if rule else "",
        "none",
        Decimal(1),
        e.amount,
        bool(rule and rule.reached(e, account.default_currency)),
        rule.goal_id if rule else None,
    )


def expected_handled(
    conversations: Iterable[ConversationFact], account: Account
) -> set[HandledFact]:
    """Who handled which conversation, on which skill (one fact per agent and skill)."""
    facts = set()
    for c in conversations:
        campaign = account.campaign(c.campaign_id)
        rule = account.goals.get(campaign)
        for t in c.touches:
            facts.add(
                HandledFact(
                    t.agent_id,
                    c.id,
                    t.skill_id,
                    c.started,
                    campaign,
                    rule.goal_type if rule else "",
                    rule.goal_id if rule else None,
                )
            )
    return facts


@dataclass(frozen=True)
class Question:
    """What a report asks, in the reference's own terms. ``visible``: the agents the reader
    may see (``None``: everyone, unattributed events included); ``skill``, ``campaign`` and
    ``goal``: an id, ``NO_ONE`` or ``None`` (any); ``source``: "", "agent" or "customer";
    ``by``: "", "skill", "campaign" or "goal"; ``unattributed``: only events credited to no
    agent."""

    start_at: datetime
    end_at: datetime
    visible: frozenset | None = None
    agent_id: int | None = None
    group_members: frozenset | None = None
    skill: int | str | None = None
    campaign: int | str | None = None
    goal: int | str | None = None
    goal_type: str = ""
    source: str = ""
    by: str = ""
    unattributed: bool = False

    def narrowed(self, **changes) -> "Question":
        return replace(self, **changes)

    def _keeps_agent(self, agent_id: int | None) -> bool:
        if self.unattributed and agent_id is not None:
            return False
        if self.visible is not None and agent_id not in self.visible:
            return False
        if self.agent_id is not None and agent_id != self.agent_id:
            return False
        return self.group_members is None or agent_id in self.group_members

    def _keeps(self, value, asked) -> bool:
        return asked is None or (value is None if asked == NO_ONE else value == asked)

    def keeps_credit(self, row: CreditFact) -> bool:
        if not (self.start_at <= row.credited_at < self.end_at):
            return False
        if self.source == "agent" and not row.event.agent_reported:
            return False
        if self.source == "customer" and row.event.agent_reported:
            return False
        return (
            self._keeps_agent(row.agent_id)
            and self._keeps(row.skill_id, self.skill)
            and self._keeps(row.campaign_id, self.campaign)
            and self._keeps(row.goal_id, self.goal)
            and (not self.goal_type or row.goal_type == self.goal_type)
        )

    def keeps_handled(self, fact: HandledFact) -> bool:
        return (
            self.start_at <= fact.started < self.end_at
            and self._keeps_agent(fact.agent_id)
            and self._keeps(fact.skill_id, self.skill)
            and self._keeps(fact.campaign_id, self.campaign)
            and self._keeps(fact.goal_id, self.goal)
            and (not self.goal_type or fact.goal_type == self.goal_type)
        )

    def row_key(self, item) -> tuple:
        sub = {"skill": "skill_id", "campaign": "campaign_id", "goal": "goal_id"}.get(self.by)
        return (item.agent_id, getattr(item, sub) if sub else None)


@dataclass
class Cells:
    """A row's numbers (or a total's), as the goal tracker shows them."""

    handled: int = 0
    interactions: int = 0
    conversions: Decimal = Decimal(0)
    in_session: Decimal = Decimal(0)
    cross_session: Decimal = Decimal(0)
    revenue: dict = field(default_factory=dict)
    lead_value: dict = field(default_factory=dict)
    service: dict = field(default_factory=dict)

    def add(self, row: CreditFact, weight: Decimal, amount: Decimal | None) -> None:
        e = row.event
        if row.reached:
            self.conversions += weight
            if row.session == "in":
                self.in_session += weight
            elif row.session == "cross":
                self.cross_session += weight
        if e.kind in ("purchase", "lead") and e.currency and amount is not None:
            money = self.revenue if e.kind == "purchase" else self.lead_value
            money[e.currency] = money.get(e.currency, Decimal(0)) + amount
        elif e.kind == "service" and e.status is not None:
            self.service[e.status] = self.service.get(e.status, Decimal(0)) + weight

    def is_empty(self) -> bool:
        return self == Cells()


@dataclass
class ExpectedTracker:
    rows: dict  # row key -> Cells
    total: Cells  # the sum of rows
    distinct: Cells  # each event and each conversation once


def expected_tracker(
    credits: Iterable[CreditFact], handled: Iterable[HandledFact], q: Question
) -> ExpectedTracker:
    rows: dict[tuple, Cells] = {}
    total, distinct = Cells(), Cells()
    once: dict[int, CreditFact] = {}
    reached: set[int] = set()
    for row in (r for r in credits if q.keeps_credit(r)):
        rows.setdefault(q.row_key(row), Cells()).add(row, row.weight, row.amount_share)
        total.add(row, row.weight, row.amount_share)
        once.setdefault(row.event.id, row)
        if row.reached:
            reached.add(row.event.id)
    for event_id, row in once.items():
        # Each event once, reached when one of its shares in the selection is.
        distinct.add(replace(row, reached=event_id in reached), Decimal(1), row.event.amount)
    kept = [h for h in handled if q.keeps_handled(h)]
    per_row: dict[tuple, set] = {}
    interacting: dict[tuple, set] = {}
    for h in kept:
        per_row.setdefault(q.row_key(h), set()).add(h.conversation_id)
        if h.goal_type == "interact":
            interacting.setdefault(q.row_key(h), set()).add(h.conversation_id)
    for key, conversations in per_row.items():
        cells = rows.setdefault(key, Cells())
        cells.handled = len(conversations)
        cells.interactions = len(interacting.get(key, ()))
        total.handled += cells.handled
        total.interactions += cells.interactions
    distinct.handled = len({h.conversation_id for h in kept})
    distinct.interactions = len({h.conversation_id for h in kept if h.goal_type == "interact"})
    return ExpectedTracker(rows, total, distinct)


@dataclass(frozen=True)
class ListTotals:
    """What a list of credit rows adds up to: rows, the credited count and value (sum of
    shares), and each event once (count and full value)."""

    rows: int
    weight: Decimal
    money: dict
    events: int
    money_once: dict


MEASURES = {
    "conversions": lambda r: r.reached,
    "in_session": lambda r: r.reached and r.session == "in",
    "cross_session": lambda r: r.reached and r.session == "cross",
    "revenue": lambda r: r.event.kind == "purchase",
    "lead_value": lambda r: r.event.kind == "lead",
    "service": lambda r: r.event.kind == "service",
    "": lambda r: True,
}


def expected_event_list(
    credits: Iterable[CreditFact],
    q: Question,
    measure: str,
    *,
    currency: str = "",
    status: int | None = None,
) -> ListTotals:
    rows = [
        r
        for r in credits
        if q.keeps_credit(r)
        and MEASURES[measure](r)
        and (not currency or r.event.currency == currency)
        and (status is None or r.event.status == status)
    ]
    money: dict[str, Decimal] = {}
    money_once: dict[str, Decimal] = {}
    seen: set[int] = set()
    for r in rows:
        e = r.event
        if e.currency and r.amount_share is not None:
            money[e.currency] = money.get(e.currency, Decimal(0)) + r.amount_share
        if e.id not in seen and e.currency and e.amount is not None:
            money_once[e.currency] = money_once.get(e.currency, Decimal(0)) + e.amount
        seen.add(e.id)
    return ListTotals(
        len(rows), sum((r.weight for r in rows), Decimal(0)), money, len(seen), money_once
    )


def expected_conversation_list(
    handled: Iterable[HandledFact], q: Question, *, interactions: bool = False
) -> tuple[int, int]:
    """(conversations, handlings): each conversation once, and once per row of the tracker
    (agent, and skill when broken down by skill) as the sum of rows counts them."""
    kept = [
        h for h in handled if q.keeps_handled(h) and (not interactions or h.goal_type == "interact")
    ]
    pairs = {(h.agent_id, h.conversation_id, h.skill_id if q.by == "skill" else None) for h in kept}
    return len({h.conversation_id for h in kept}), len(pairs)
