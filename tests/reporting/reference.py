"""The attribution rules (SPEC section 7) again, in plain Python over plain values: the
reference the tests compare the app's credit rows (``workspace.services.credit``, the one
statement of the rules in the app) with.

- An agent-reported event is credited in full to ``event.agent`` (in-session).
- A customer-reported event on a conversation is in-session: credited over the conversation's
  segments (its *touches*) by the model in force at the conversation's start.
- A customer-reported event left on the visitor is cross-session when an earlier conversation of
  that visitor started within the window before it (each conversation judged by the window of the
  policy in force at its own start); it is credited over those conversations' touches by the
  model of the most recent one. Otherwise it is unattributed.
- Models: ``first`` and ``last`` touch; ``split`` divides the count and the value evenly between
  the distinct agents (money floored to the currency's minor unit, the remainder to the agent of
  the last touch); ``all`` gives every distinct agent full credit.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
