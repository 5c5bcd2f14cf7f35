"""The headline numbers of a report and each one's change against the previous period of the
same length (30 days ending the day before this period starts, for a 30-day period)."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from reporting.filters import ReportFilters
from reporting.selectors.context import ReportContext
from reporting.selectors.goal_tracker import GoalTracker, Measures, distinct_totals

UP, DOWN, SAME = "up", "down", "same"


def previous_filters(filters: ReportFilters) -> ReportFilters:
    """The same filters over the period of the same number of days just before this one."""
    days = (filters.end - filters.start).days + 1
    end = filters.start - timedelta(days=1)
    return filters.with_(start=end - timedelta(days=days - 1), end=end)


@dataclass(frozen=True)
class Change:
    """How a number moved since the previous period. Rates move in percentage points; other
    numbers by a percentage of what they were (none when they were zero)."""

    current: Decimal | None
    previous: Decimal | None
    points: bool = False

    @property
    def direction(self) -> str:
        if self.current is None or self.previous is None or self.current == self.previous:
            return SAME
        return UP if self.current > self.previous else DOWN

    @property
    def comparable(self) -> bool:
        return self.current is not None and self.previous is not None

    @property
    def percent(self) -> Decimal | None:
        """The change as a fraction of the previous value (0.12 is +12 %), or of the rate
        (percentage points, 0.012 is +1.2 points); None when there is nothing to divide by."""
        if not self.comparable:
            return None
        if self.points:
            return self.current - self.previous
        if not self.previous:
            return None
        return (self.current - self.previous) / self.previous


@dataclass(frozen=True)
class Headline:
    """One headline number: what it is, its value, its change and where its list is."""

    key: str
    label: str
    kind: str  # "count", "money" or "rate"
    value: Decimal | None
    change: Change
    currency: str = ""
    view: str = ""
    drill: dict = field(default_factory=dict)


def headlines(now: Measures, before: Measures) -> list[Headline]:
    """Conversions, conversations handled, the conversion rate, revenue and lead value per
    currency: each event and each conversation once (the de-duplicated totals ``now`` and
    ``before``), as the list behind each number counts them."""
    items = [
        Headline(
            "conversions",
            _("Conversions"),
            "count",
            now.conversions,
            Change(now.conversions, before.conversions),
            view="reporting:event-list",
            drill={"measure": "conversions"},
        ),
        Headline(
            "handled",
            _("Conversations handled"),
            "count",
            Decimal(now.handled),
            Change(Decimal(now.handled), Decimal(before.handled)),
            view="reporting:conversation-list",
            drill={"family": "handled"},
        ),
        Headline(
            "rate",
            _("Conversion rate"),
            "rate",
            now.conversion_rate,
            Change(now.conversion_rate, before.conversion_rate, points=True),
        ),
    ]
    items += _money_headlines(now, before, "revenue", _("Revenue (%(currency)s)"))
    items += _money_headlines(now, before, "lead_value", _("Lead value (%(currency)s)"))
    return items


def _money_headlines(now: Measures, before: Measures, kind: str, label: str) -> list[Headline]:
    amounts, previous = getattr(now, kind), getattr(before, kind)
    return [
        Headline(
            kind,
            label % {"currency": currency},
            "money",
            amount,
            Change(amount, previous.get(currency, Decimal(0))),
            currency=currency,
            view="reporting:event-list",
            drill={"measure": kind, "currency": currency},
        )
        for currency, amount in sorted(amounts.items())
    ]


def headlines_with_change(context: ReportContext, tracker: GoalTracker) -> dict:
    """The headline numbers of ``tracker`` (this period) and the previous period they are
    compared with: its de-duplicated totals alone (two queries), so the query count stays
    constant."""
    before = previous_filters(context.filters)
    previous = distinct_totals(context.with_filters(before))
    return {"headlines": headlines(tracker.distinct_total, previous), "previous": before}
