"""Conversions and revenue over a report's period, by day or by week, for the trend charts.

One aggregate over the report's ``credits`` (the period, every filter and the reader's scope),
grouped by day in the report's time zone and by currency, the days then gathered into weeks, so
the query count does not depend on the period's length or the number of rows. Buckets add up as
the goal tracker's "Sum of rows" does: each agent's share of each event.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from campaigns.catalogue import AttributeType
from reporting.filters import ReportFilters
from reporting.selectors.context import ReportContext
from reporting.selectors.credits import Params, credit_filters_sql, credits_relation, fetch_dicts
from reporting.selectors.numbers import as_count, as_money

DAY = "day"
WEEK = "week"
UNITS = (DAY, WEEK)
# Up to a month reads best day by day; longer periods by week (ISO weeks, Monday first).
DAILY_UP_TO_DAYS = 31


def trend_unit(filters: ReportFilters, requested: str | None) -> tuple[str, str]:
    """The unit asked for in the URL (``trend=day|week``), or the period's default, and a
    message when the URL asked for something else."""
    requested = (requested or "").strip().lower()
    if requested in UNITS:
        return requested, ""
    days = (filters.end - filters.start).days + 1
    default = DAY if days <= DAILY_UP_TO_DAYS else WEEK
    if not requested:
        return default, ""
    return default, _("“%(value)s” is not a trend step; choose by day or by week.") % {
        "value": requested[:20]
    }


@dataclass
class Bucket:
    """One day or week of the period (``start`` and ``end`` inclusive, within the period)."""

    start: date
    end: date
    conversions: Decimal = Decimal(0)
    revenue: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Trend:
    unit: str
    buckets: list[Bucket]
    currencies: list[str]

    @property
    def is_empty(self) -> bool:
        return not any(b.conversions or any(b.revenue.values()) for b in self.buckets)

    def revenue_series(self, currency: str) -> list[Decimal]:
        return [b.revenue.get(currency, Decimal(0)) for b in self.buckets]

    @property
    def table_rows(self) -> list[tuple[Bucket, list[tuple[str, Decimal]]]]:
        """Each bucket with its revenue in every currency of the period, for the data table."""
        return [
            (b, [(c, b.revenue.get(c, Decimal(0))) for c in self.currencies]) for b in self.buckets
        ]


def _buckets(filters: ReportFilters, unit: str) -> dict[date, Bucket]:
    """Every day or week of the period, empty ones included, keyed by their first day (a
    week's Monday, which may fall before the period starts)."""
    step = timedelta(days=1 if unit == DAY else 7)
    first = filters.start - timedelta(days=0 if unit == DAY else filters.start.weekday())
    buckets = {}
    day = first
    while day <= filters.end:
        last = day if unit == DAY else day + timedelta(days=6)
        buckets[day] = Bucket(start=max(day, filters.start), end=min(last, filters.end))
        day += step
    return buckets


def conversion_trend(context: ReportContext, unit: str) -> Trend:
    """Conversions and revenue per currency for each day or week of the period (one query over
    the report's ``credits``: day sums for the account's zone, rows otherwise)."""
    p = Params()
    where = credit_filters_sql(context.filters, context.scope, p)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""WITH {credits_relation(context, p)}
SELECT cr.day, cr.currency,
    SUM(CASE WHEN cr.reached = 1 THEN cr.weight ELSE 0 END) AS conversions,
    SUM(CASE WHEN cr.attribute_type = '{AttributeType.PURCHASE}' AND cr.currency <> ''
        THEN cr.amount_share END) AS revenue
FROM credits cr WHERE {where} GROUP BY cr.day, cr.currency"""  # noqa: S608 (values are parameters)  # nosec B608
    buckets = _buckets(context.filters, unit)
    currencies = set()
    for row in fetch_dicts(sql, p):
        day = _as_date(row["day"])
        target = buckets.get(day if unit == DAY else day - timedelta(days=day.weekday()))
        if target is None:  # pragma: no cover - the period filter keeps rows inside
            continue
        target.conversions += as_count(row["conversions"] or 0)
        if row["revenue"] is not None:
            currency = row["currency"]
            currencies.add(currency)
            target.revenue[currency] = target.revenue.get(currency, Decimal(0)) + as_money(
                row["revenue"], currency
            )
    return Trend(unit=unit, buckets=list(buckets.values()), currencies=sorted(currencies))


def _as_date(value) -> date:
    """SQLite hands computed dates back as text."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value
