"""Credit rows in SQL: which agent gets how much of which event, dated by which conversation.

``credits_cte`` builds one relation, ``credits``, with a row per (event, credited agent):
de-duplicated (the first report of an order, lead or service id counts; retracted events leave),
attributed by the effective-dated policy (``reporting.attribution`` states the same rules in
Python), and evaluated against the goal of the credited conversation's campaign. Every report
aggregates over it in the database; nothing loops over events in Python.

It is also the seam for scale: a rollup table holding these rows per day can replace the CTE
without changing the selectors that read ``credits``.

Columns: event_id, agent_id (NULL: unattributed), conversation_id, credited_at (start of the
credited conversation, or the event time when unattributed), skill_id, campaign_id, goal_id,
goal_type, session ('in', 'cross', 'none'), weight (share of the count), amount_share (share of
the value), amount, currency, attribute_type, source, status, reached (1 when the event meets the
goal), policy (index of ``reporting.attribution.PolicyPeriod``).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from itertools import pairwise

from babel.numbers import get_currency_precision, list_currencies
from django.db import connection, connections, transaction

from campaigns.catalogue import AttributeType
from campaigns.models import AttributionModel, Campaign, Goal, ServiceStatusBox, User
from outcomes_site.db_router import reporting_alias
from reporting.attribution import MAX_WINDOW_DAYS, PolicyPeriod
from reporting.filters import NONE, ReportFilters, Scope, Source
from workspace.models import AGENT_SOURCES, Conversation, EngagementAttributeEvent, Segment

GOAL_TYPES = (AttributeType.PURCHASE, AttributeType.LEAD, AttributeType.SERVICE)
EVENTS = EngagementAttributeEvent._meta.db_table
CONVERSATIONS = Conversation._meta.db_table
SEGMENTS = Segment._meta.db_table
CAMPAIGNS = Campaign._meta.db_table
GOALS = Goal._meta.db_table
BOXES = ServiceStatusBox._meta.db_table
USERS = User._meta.db_table
MANAGERS = User.managed_groups.through._meta.db_table


class Params:
    """Collects query parameters under generated names (``%(p0)s``), adapting datetimes the way
    the ORM does for the connection's database."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def __call__(self, value: object) -> str:
        if isinstance(value, datetime):
            value = connection.ops.adapt_datetimefield_value(value)
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"%({name})s"


def _literals(values) -> str:
    """Constants we own (enumeration values, ISO codes), inlined as SQL string literals."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


@cache
def _minor_unit_scale_sql() -> str:
    """10 ** minor units of ``ev.currency``, for rounding money shares in SQL."""
    by_places: dict[int, list[str]] = {}
    for code in list_currencies():
        if len(code) == 3 and code.isalpha():
            by_places.setdefault(get_currency_precision(code), []).append(code)
    whens = " ".join(
        f"WHEN ev.currency IN ({_literals(sorted(codes))}) THEN {10**places}"
        for places, codes in sorted(by_places.items())
        if places != 2
    )
    return f"(CASE {whens} ELSE 100 END)"


def minus_days(column_sql: str, days_sql: str) -> str:
    """``column - days`` as SQL for the database in use (SQLite keeps datetimes as text and
    the ORM subtracts through its registered ``django_format_dtdelta`` function)."""
    if connection.vendor == "sqlite":
        return f"django_format_dtdelta('-', {column_sql}, ({days_sql}) * 86400000000)"
    return f"({column_sql} - ({days_sql}) * INTERVAL '1 day')"


def _by_period(column_sql: str, periods: list[PolicyPeriod], value, p: Params) -> str:
    """A CASE giving ``value(period)`` for the period in force at ``column_sql``."""
    if len(periods) == 1:
        return value(periods[0])
    whens = " ".join(
        f"WHEN {column_sql} < {p(nxt.starts)} THEN {value(cur)}" for cur, nxt in pairwise(periods)
    )
    return f"(CASE {whens} ELSE {value(periods[-1])} END)"


def _model_sql(period: PolicyPeriod) -> str:
    return _literals([AttributionModel(period.model).value])


@dataclass
class CreditQuery:
    """The ``WITH ... credits AS (...)`` prefix and its parameters; callers append a SELECT."""

    sql: str
    params: Params = field(default_factory=Params)


def credits_cte(
    filters: ReportFilters, periods: list[PolicyPeriod], *, default_currency: str
) -> CreditQuery:
    """The ``credits`` relation for conversations started in the filters' period (see module)."""
    p = Params()
    start, end = p(filters.start_at), p(filters.end_at)
    reach_end = p(filters.end_at + timedelta(days=MAX_WINDOW_DAYS))
    agent_sources = _literals(AGENT_SOURCES)
    types = _literals(GOAL_TYPES)
    source = ""
    if filters.source == Source.AGENT:
        source = f"AND e.source IN ({agent_sources})"
    elif filters.source == Source.CUSTOMER:
        source = f"AND e.source NOT IN ({agent_sources})"
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    # ``d.dedupe_key <> ''`` changes no answer (the first test covers empty keys) but lets
    # PostgreSQL use the partial index event_dedupe_first (reporting migration 0002).
    first_report = f"""(e.dedupe_key = '' OR NOT EXISTS (
        SELECT 1 FROM {EVENTS} d WHERE d.dedupe_key = e.dedupe_key AND d.retracted_at IS NULL
        AND d.dedupe_key <> ''
        AND (d.occurred_at < e.occurred_at OR (d.occurred_at = e.occurred_at AND d.id < e.id))))"""  # noqa: S608 (values are parameters)  # nosec B608
    columns = """e.id, e.attribute_type, e.source, e.conversation_id, e.visitor_id, e.agent_id,
        e.skill_id, e.occurred_at, e.amount, e.currency, e.status, e.topic"""
    model_at = _by_period("c.started_at", periods, _model_sql, p)
    window_at = _by_period("c.started_at", periods, lambda x: str(int(x.window_days)), p)
    policy_at = _by_period("c.started_at", periods, lambda x: str(x.index), p)
    scale = _minor_unit_scale_sql()
    order_desc = "ORDER BY conv_started DESC, seg_started DESC, seg_id DESC"
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""WITH
ev AS (
    SELECT {columns} FROM {EVENTS} e
    WHERE e.retracted_at IS NULL AND e.attribute_type IN ({types}) {source}
      AND e.conversation_id IN (
        SELECT c0.id FROM {CONVERSATIONS} c0
        WHERE c0.started_at >= {start} AND c0.started_at < {end})
      AND {first_report}
    UNION ALL
    SELECT {columns} FROM {EVENTS} e
    WHERE e.retracted_at IS NULL AND e.attribute_type IN ({types}) {source}
      AND e.conversation_id IS NULL AND e.occurred_at >= {start} AND e.occurred_at < {reach_end}
      AND {first_report}
),
touch AS (
    SELECT ev.id AS event_id, c.id AS conversation_id, c.started_at AS conv_started,
        c.campaign_id, s.agent_id, s.skill_id, s.started_at AS seg_started, s.id AS seg_id,
        'in' AS session, {model_at} AS model, {policy_at} AS policy
    FROM ev JOIN {CONVERSATIONS} c ON c.id = ev.conversation_id
    JOIN {SEGMENTS} s ON s.conversation_id = c.id AND s.agent_id IS NOT NULL
    WHERE ev.source NOT IN ({agent_sources})
    UNION ALL
    SELECT ev.id, c.id, c.started_at, c.campaign_id, s.agent_id, s.skill_id, s.started_at, s.id,
        'cross', {model_at}, {policy_at}
    FROM ev JOIN {CONVERSATIONS} c ON c.visitor_id = ev.visitor_id
        AND c.started_at < ev.occurred_at
        AND c.started_at >= {minus_days("ev.occurred_at", str(MAX_WINDOW_DAYS))}
    JOIN {SEGMENTS} s ON s.conversation_id = c.id AND s.agent_id IS NOT NULL
    WHERE ev.conversation_id IS NULL
      AND c.started_at >= {minus_days("ev.occurred_at", window_at)}
),
ranked AS (
    SELECT t.*,
        ROW_NUMBER() OVER (PARTITION BY event_id
            ORDER BY conv_started, seg_started, seg_id) AS pos_first,
        ROW_NUMBER() OVER (PARTITION BY event_id {order_desc}) AS pos_last,
        ROW_NUMBER() OVER (PARTITION BY event_id, agent_id {order_desc}) AS agent_pos_last,
        FIRST_VALUE(model) OVER (PARTITION BY event_id {order_desc}) AS event_model,
        FIRST_VALUE(policy) OVER (PARTITION BY event_id {order_desc}) AS event_policy
    FROM touch t
),
counted AS (
    SELECT r.*, SUM(CASE WHEN agent_pos_last = 1 THEN 1 ELSE 0 END)
        OVER (PARTITION BY event_id) AS n_agents
    FROM ranked r
),
credit AS (
    SELECT ev.id AS event_id, COALESCE(ev.agent_id, c.agent_id) AS agent_id,
        c.id AS conversation_id, c.started_at AS credited_at,
        COALESCE(ev.skill_id, c.skill_id) AS skill_id, c.campaign_id, 'in' AS session,
        1.0 AS weight, ev.amount AS amount_share, {policy_at} AS policy
    FROM ev JOIN {CONVERSATIONS} c ON c.id = ev.conversation_id
    WHERE ev.source IN ({agent_sources})
    UNION ALL
    SELECT ev.id, k.agent_id, k.conversation_id, k.conv_started, k.skill_id, k.campaign_id,
        k.session,
        CASE WHEN k.event_model = 'split' THEN 1.0 / k.n_agents ELSE 1.0 END,
        CASE WHEN k.event_model <> 'split' THEN ev.amount
             WHEN k.pos_last = 1 THEN ev.amount - (k.n_agents - 1)
                * FLOOR(ev.amount * 1.0 * {scale} / k.n_agents + 0.000000001) / {scale}
             ELSE FLOOR(ev.amount * 1.0 * {scale} / k.n_agents + 0.000000001) / {scale} END,
        k.event_policy
    FROM counted k JOIN ev ON ev.id = k.event_id
    WHERE (k.event_model = 'first' AND k.pos_first = 1)
       OR (k.event_model = 'last' AND k.pos_last = 1)
       OR (k.event_model IN ('split', 'all') AND k.agent_pos_last = 1)
    UNION ALL
    SELECT ev.id, CAST(NULL AS BIGINT), c.id, COALESCE(c.started_at, ev.occurred_at), c.skill_id,
        c.campaign_id, CASE WHEN c.id IS NULL THEN 'none' ELSE 'in' END, 1.0, ev.amount,
        {_by_period("COALESCE(c.started_at, ev.occurred_at)", periods, lambda x: str(x.index), p)}
    FROM ev LEFT JOIN {CONVERSATIONS} c ON c.id = ev.conversation_id
    WHERE NOT (ev.conversation_id IS NOT NULL AND ev.source IN ({agent_sources}))
      AND NOT EXISTS (SELECT 1 FROM touch t WHERE t.event_id = ev.id)
),
credits AS (
    SELECT cr.event_id, cr.agent_id, cr.conversation_id, cr.credited_at, cr.skill_id,
        camp.id AS campaign_id, g.id AS goal_id, g.goal_type, cr.session, cr.weight,
        cr.amount_share, cr.policy, ev.amount, ev.currency, ev.attribute_type, ev.source,
        ev.status,
        CASE
          WHEN g.goal_type = 'sell' AND ev.attribute_type = 'purchase'
               AND (g.sell_more_than IS NULL OR (ev.amount > g.sell_more_than
                    AND ev.currency = COALESCE(NULLIF(g.sell_currency, ''), {p(default_currency)})))
            THEN 1
          WHEN g.goal_type = 'leads' AND ev.attribute_type = 'lead' THEN 1
          WHEN g.goal_type = 'service' AND ev.attribute_type = 'service' AND EXISTS (
               SELECT 1 FROM {BOXES} b WHERE b.goal_id = g.id AND b.status = ev.status
               AND LOWER(TRIM(b.topic)) = LOWER(TRIM(ev.topic))) THEN 1
          ELSE 0 END AS reached
    FROM credit cr JOIN ev ON ev.id = cr.event_id
    LEFT JOIN {CAMPAIGNS} camp ON camp.id = COALESCE(cr.campaign_id,
        (SELECT dc.id FROM {CAMPAIGNS} dc WHERE dc.is_default = {p(True)}))
    LEFT JOIN {GOALS} g ON g.id = camp.goal_id
    WHERE cr.credited_at >= {start} AND cr.credited_at < {end}
)
"""  # noqa: S608 (values are parameters)  # nosec B608
    return CreditQuery(sql=sql, params=p)


def credit_filters_sql(filters: ReportFilters, scope: Scope, p: Params, alias: str = "cr") -> str:
    """WHERE conditions on ``credits`` for the scope and the non-date filters (``1 = 1`` when
    none). Unattributed rows belong to no agent: only people who see everyone see them."""
    conditions = ["1 = 1"]
    agent = f"{alias}.agent_id"
    if scope.kind == Scope.TEAM:
        # bandit: SQL text built from constants and fragments; every value is a bound parameter.
        managed = (
            f"SELECT u.id FROM {USERS} u JOIN {MANAGERS} m ON m.agentgroup_id = u.agent_group_id"  # noqa: S608 (values are parameters)  # nosec B608
        )
        conditions.append(f"{agent} IN ({managed} WHERE m.user_id = {p(scope.user_id)})")
    elif scope.kind == Scope.SELF:
        conditions.append(f"{agent} = {p(scope.user_id)}")
    elif scope.kind != Scope.ALL:
        conditions.append("1 = 0")
    if filters.agent_id:
        conditions.append(f"{agent} = {p(filters.agent_id)}")
    if filters.group_id:
        # bandit: SQL text built from constants and fragments; every value is a bound parameter.
        members = f"SELECT u.id FROM {USERS} u WHERE u.agent_group_id = {p(filters.group_id)}"  # noqa: S608 (values are parameters)  # nosec B608
        conditions.append(f"{agent} IN ({members})")
    for column, value in (
        ("skill_id", filters.skill_id),
        ("campaign_id", filters.campaign_id),
        ("goal_id", filters.goal_id),
    ):
        if value == NONE:
            conditions.append(f"{alias}.{column} IS NULL")
        elif value is not None:
            conditions.append(f"{alias}.{column} = {p(value)}")
    if filters.goal_type:
        conditions.append(f"{alias}.goal_type = {p(filters.goal_type)}")
    return " AND ".join(conditions)


@contextmanager
def report_cursor() -> Iterator:
    """A cursor for one report query. On PostgreSQL the query's transaction turns JIT off (its
    compilation took about a second here for a query that runs in half of that) and gives the
    sorts of the attribution step room in memory instead of on disk."""
    database = connections[reporting_alias()]  # a read replica, when configured
    if database.vendor != "postgresql":
        with database.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(using=database.alias), database.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
        )
        yield cursor


def fetch_dicts(sql: str, params: Params) -> list[dict]:
    """Run ``sql`` and return rows as dicts (aggregated rows only: never a table of events)."""
    with report_cursor() as cursor:
        cursor.execute(sql, params.values)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
