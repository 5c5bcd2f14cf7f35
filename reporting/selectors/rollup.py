"""The goal tracker's rollup: the ``credits`` aggregate and the conversations handled, per day.

Days are in the account's report time zone and built from the event tables (the same
``credits_cte`` the reports use, so the numbers cannot drift) the first time a report reads them.
Writes never wait for the rollup: PostgreSQL triggers (migration 0002) record which credited
instants a write changed, and the next read rebuilds the days those touch before reading, under a
transaction-level advisory lock. A report period that is not made of whole rollup days (another
time zone) reads its partial days from the event tables.

PostgreSQL only (``settings.REPORT_ROLLUP``); elsewhere every report reads the event tables.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone as django_timezone

from reporting.filters import Breakdown, ReportFilters, Source, time_zone_for
from reporting.models import CreditDay, HandledDay, RollupDay, RollupStale
from reporting.selectors.context import ReportContext
from reporting.selectors.credits import Params, credit_filters_sql, credits_cte
from workspace.models import AGENT_SOURCES

ALIAS = "default"  # the rollup is written, so it lives on the primary
LOCK = 7_351_204  # pg_advisory_xact_lock key: one rebuild at a time
CREDIT_DAY = CreditDay._meta.db_table
HANDLED_DAY = HandledDay._meta.db_table
STALE = RollupStale._meta.db_table
DAYS = RollupDay._meta.db_table
AGENT_SOURCES_SQL = ", ".join(f"'{source}'" for source in AGENT_SOURCES)


# A drill's conditions on ``credits`` columns, written with the query's parameters.
Conditions = Callable[[Params], list[str]]


@dataclass(frozen=True)
class SpanFilters(ReportFilters):
    """Filters over explicit instants ``[span_start, span_end)`` instead of whole days."""

    span_start: datetime | None = None
    span_end: datetime | None = None

    @property
    def start_at(self) -> datetime:
        return self.span_start

    @property
    def end_at(self) -> datetime:
        return self.span_end


@dataclass(frozen=True)
class Split:
    """A report period as whole rollup days plus the instants around them."""

    first_day: date | None
    last_day: date | None
    edges: list[tuple[datetime, datetime]]


def rollup_enabled() -> bool:
    return settings.REPORT_ROLLUP and connections[ALIAS].vendor == "postgresql"


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def split_period(filters: ReportFilters, tz: tzinfo) -> Split:
    """Whole days of ``tz`` inside the period, and the partial stretches at its ends."""
    start, end = filters.start_at, filters.end_at
    first = start.astimezone(tz).date()
    if _midnight(first, tz) < start:
        first += timedelta(days=1)
    last = end.astimezone(tz).date() - timedelta(days=1)
    if first > last:
        return Split(None, None, [(start, end)])
    edges = [(start, _midnight(first, tz)), (_midnight(last + timedelta(days=1), tz), end)]
    return Split(first, last, [(a, b) for a, b in edges if a < b])


def span_context(context: ReportContext, starts: datetime, ends: datetime) -> ReportContext:
    """``context`` over the instants ``[starts, ends)``."""
    return context.with_filters(
        SpanFilters(**_fields(context.filters), span_start=starts, span_end=ends)
    )


def rollup_split(context: ReportContext) -> Split | None:
    """The period as rollup days (built and fresh once this returns) and edges; ``None`` when
    the rollup is off or the period holds no whole day."""
    if not rollup_enabled():
        return None
    split = split_period(context.filters, time_zone_for(context.account_tz_key))
    if split.first_day is None:
        return None
    rollup_ready(context, split.first_day, split.last_day)
    return split


def _zone_sql(tz: tzinfo, p: Params) -> str:
    """``AT TIME ZONE`` for an IANA zone or a fixed offset (PostgreSQL reads text offsets the
    POSIX way, west positive, so offsets go as intervals)."""
    if isinstance(tz, timezone):
        return f"AT TIME ZONE {p(tz.utcoffset(None))}::interval"
    return f"AT TIME ZONE {p(str(tz))}"


def rollup_ready(context: ReportContext, first: date, last: date) -> None:
    """Rebuild stale days and build missing ones in ``[first, last]``: two statements when all
    is fresh, five more when some day must be built, whatever the number of days or rows."""
    tz_key = context.account_tz_key
    with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        cursor.execute(REFRESH, {"tz": tz_key, "first": first, "last": last})
        missing = [day for (day,) in cursor.fetchall()]
        if missing:
            cursor.execute(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
            )
            _build(cursor, context, time_zone_for(tz_key), missing)


# Forget the days built for another time zone and those that writes made stale (with their rows),
# and answer the days of [first, last] to build. Every part sees the table as it was before the
# statement, so a day just forgotten is listed through ``gone``.
# bandit: SQL text built from constants and fragments; every value is a bound parameter.
REFRESH = f"""WITH other_zone AS (DELETE FROM {DAYS} WHERE tz_key <> %(tz)s RETURNING day),
stale AS (DELETE FROM {STALE} RETURNING starts, ends),
touched AS (
    DELETE FROM {DAYS} d USING stale s WHERE d.starts < s.ends AND d.ends > s.starts
    RETURNING d.day
),
gone AS (SELECT day FROM other_zone UNION SELECT day FROM touched),
credit_rows AS (DELETE FROM {CREDIT_DAY} WHERE day IN (SELECT day FROM gone)),
handled_rows AS (DELETE FROM {HANDLED_DAY} WHERE day IN (SELECT day FROM gone))
SELECT d::date FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
WHERE d::date NOT IN (SELECT day FROM {DAYS}) OR d::date IN (SELECT day FROM gone)
ORDER BY 1"""  # noqa: S608 (table names are ours)  # nosec B608


def _build(cursor, context: ReportContext, tz: tzinfo, days: list[date]) -> None:
    """One pass over the event tables from the first to the last missing day."""
    starts, ends = _midnight(days[0], tz), _midnight(days[-1] + timedelta(days=1), tz)
    everything = ReportFilters(start=days[0], end=days[-1], tz=tz)
    span = context.with_filters(
        SpanFilters(**_fields(everything), span_start=starts, span_end=ends)
    )
    query = credits_cte(span.filters, span.periods, default_currency=span.default_currency)
    p = query.params
    day = f"(s.credited_at {_zone_sql(tz, p)})::date"
    wanted = p(days)
    # Rows of a day not listed as built are leftovers (of an interrupted or manual change).
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    cursor.execute(
        f"WITH c AS (DELETE FROM {CREDIT_DAY} WHERE day = ANY(%(days)s)) "  # noqa: S608
        f"DELETE FROM {HANDLED_DAY} WHERE day = ANY(%(days)s)",  # nosec B608
        {"days": days},
    )  # nosec B608
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    cursor.execute(
        f"""{query.sql}, shared AS (
    SELECT cr.*, COUNT(*) OVER (PARTITION BY cr.event_id) > 1 AS is_shared FROM credits cr
)
INSERT INTO {CREDIT_DAY} (day, agent_id, skill_id, campaign_id, goal_id, goal_type,
    attribute_type, currency, status, session, reached, agent_reported, weight, amount_share, n,
    n_shared)
SELECT {day}, s.agent_id, s.skill_id, s.campaign_id, s.goal_id,
    s.goal_type, s.attribute_type, COALESCE(s.currency, ''), s.status, s.session, s.reached,
    s.source IN ({AGENT_SOURCES_SQL}), SUM(s.weight), SUM(s.amount_share), COUNT(*),
    SUM(CASE WHEN s.is_shared THEN 1 ELSE 0 END)
FROM shared s WHERE {day} = ANY({wanted})
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12""",  # noqa: S608 (values are parameters)  # nosec B608
        p.values,
    )  # nosec B608
    from reporting.selectors.goal_tracker import handled_sql

    h = Params()
    head = handled_sql(span, h)
    h_day = f"(x.started_at {_zone_sql(tz, h)})::date"
    h_wanted = h(days)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    cursor.execute(
        f"""{head}
INSERT INTO {HANDLED_DAY} (day, agent_id, skill_id, campaign_id, goal_id, goal_type,
    conversations, conversations_once)
SELECT {h_day}, x.agent_id, x.skill_id, x.campaign_id, x.goal_id, x.goal_type, COUNT(*),
    SUM(CASE WHEN x.once THEN 1 ELSE 0 END)
FROM (SELECT h.*, ROW_NUMBER() OVER (PARTITION BY h.agent_id, h.conversation_id
        ORDER BY h.skill_id NULLS FIRST) = 1 AS once FROM handled h) x
WHERE {h_day} = ANY({h_wanted})
GROUP BY 1, 2, 3, 4, 5, 6""",  # noqa: S608 (values are parameters)  # nosec B608
        h.values,
    )  # nosec B608
    now = django_timezone.now()
    RollupDay.objects.using(ALIAS).bulk_create(
        [
            RollupDay(
                day=d,
                tz_key=context.account_tz_key,
                starts=_midnight(d, tz),
                ends=_midnight(d + timedelta(days=1), tz),
                built_at=now,
            )
            for d in days
        ]
    )


def _fields(filters: ReportFilters) -> dict:
    return {name: getattr(filters, name) for name in ReportFilters.__dataclass_fields__}


def _where(context: ReportContext, split: Split, p: Params) -> str:
    f = context.filters
    conditions = [
        f"r.day >= {p(split.first_day)}",
        f"r.day <= {p(split.last_day)}",
        credit_filters_sql(f, context.scope, p, alias="r"),
    ]
    return " AND ".join(conditions)


def _fetch(sql: str, p: Params) -> list[dict]:
    with connections[ALIAS].cursor() as cursor:
        cursor.execute(sql, p.values)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def rollup_credit_rows(context: ReportContext, split: Split, keys: list[str]) -> list[dict]:
    """The credit aggregate of the whole days, grouped like ``goal_tracker._credit_aggregate``."""
    p = Params()
    where = _where(context, split, p)
    if context.filters.source == Source.AGENT:
        where += " AND r.agent_reported"
    elif context.filters.source == Source.CUSTOMER:
        where += " AND NOT r.agent_reported"
    columns = ", ".join(key.replace("cr.", "r.") for key in keys)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""SELECT {columns}, r.attribute_type, NULLIF(r.currency, '') AS currency, r.status,
    r.session, r.reached, SUM(r.weight) AS weight, SUM(r.amount_share) AS amount,
    SUM(r.n)::bigint AS n
FROM {CREDIT_DAY} r WHERE {where}
GROUP BY {columns}, r.attribute_type, r.currency, r.status, r.session, r.reached"""  # noqa: S608  # nosec B608
    return _fetch(sql, p)


def rollup_distinct_rows(context: ReportContext, split: Split) -> list[dict] | None:
    """Each event once; ``None`` when some selected event is credited to several agents (then
    only the event tables can tell which rows are the same event)."""
    p = Params()
    where = _where(context, split, p)
    if context.filters.source == Source.AGENT:
        where += " AND r.agent_reported"
    elif context.filters.source == Source.CUSTOMER:
        where += " AND NOT r.agent_reported"
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""SELECT r.attribute_type, NULLIF(r.currency, '') AS currency, r.status, r.session,
    r.reached, SUM(r.n) AS weight, SUM(r.amount_share) AS amount, SUM(r.n_shared) AS shared
FROM {CREDIT_DAY} r WHERE {where}
GROUP BY r.attribute_type, r.currency, r.status, r.session, r.reached"""  # noqa: S608  # nosec B608
    rows = _fetch(sql, p)
    return None if any(row["shared"] for row in rows) else rows


def rollup_handled_rows(context: ReportContext, split: Split, keys: list[str]) -> list[dict]:
    """Conversations handled per row of the tracker, like ``goal_tracker._handled_aggregate``."""
    f = context.filters
    p = Params()
    where = _where(context, split, p)
    per_skill = f.skill_id is not None or f.by == Breakdown.SKILL
    count = "r.conversations" if per_skill else "r.conversations_once"
    columns = ", ".join(key.replace("cr.", "r.") for key in keys)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""SELECT {columns}, SUM({count}) AS handled,
    SUM(CASE WHEN r.goal_type = 'interact' THEN {count} ELSE 0 END) AS interactions
FROM {HANDLED_DAY} r WHERE {where} GROUP BY {columns}"""  # noqa: S608  # nosec B608
    return _fetch(sql, p)


def _drill_where(context: ReportContext, split: Split, conditions: Conditions, p: Params) -> str:
    """The WHERE of rollup rows for the filters plus a drill's conditions on ``credits``
    columns (written for the alias ``cr``, which the rollup's columns share)."""
    where = _where(context, split, p)
    if context.filters.source == Source.AGENT:
        where += " AND r.agent_reported"
    elif context.filters.source == Source.CUSTOMER:
        where += " AND NOT r.agent_reported"
    return " AND ".join([where, *(c.replace("cr.", "r.") for c in conditions(p))])


def rollup_event_totals(context: ReportContext, split: Split, conditions: Conditions) -> list:
    """Count, credited count and value per currency of the drill's credit rows (whole days)."""
    p = Params()
    where = _drill_where(context, split, conditions, p)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""SELECT NULLIF(r.currency, '') AS currency, SUM(r.n)::bigint AS n,
    SUM(r.weight) AS weight, SUM(r.amount_share) AS amount
FROM {CREDIT_DAY} r WHERE {where} GROUP BY r.currency"""  # noqa: S608  # nosec B608
    return _fetch(sql, p)


def newest_rows_start(
    context: ReportContext, split: Split, conditions: Conditions, needed: int
) -> tuple[datetime, datetime] | None:
    """Where the newest ``needed`` credit rows of a drill begin, so that a page of events
    (newest first) reads a few hours of events instead of the whole period: a likely start
    (a share of the latest day sized from its count, three times over) and a sure one (that
    day's midnight). ``None`` when the period has fewer rows or ends outside the rollup."""
    if split.edges:
        return None
    p = Params()
    where = _drill_where(context, split, conditions, p)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""SELECT r.day, SUM(r.n)::bigint AS n FROM {CREDIT_DAY} r WHERE {where}
GROUP BY r.day ORDER BY r.day DESC"""  # noqa: S608  # nosec B608
    tz = time_zone_for(context.account_tz_key)
    seen = 0
    for item in _fetch(sql, p):
        seen += item["n"]
        if seen < needed:
            continue
        sure = _midnight(item["day"], tz)
        if seen > item["n"]:  # the rows span more than this day
            return sure, sure
        ends = min(_midnight(item["day"] + timedelta(days=1), tz), context.now)
        share = min(1.0, 3 * needed / item["n"])
        return max(sure, ends - (ends - sure) * share), sure
    return None
