"""The reports' reads of credit: the ``credits`` and ``handled`` relations of a report's period.

The rows are written by ``workspace.services.credit`` (the one statement of the attribution
rules) when the data changes, with their day sums (``CreditDay``, ``HandledDay``); a report only
selects its period and aggregates in the database, with the filters and the reader's scope
applied here and nowhere else (``credit_filters_sql``).

A period of whole days in the account's report time zone (every report unless its filter names
another zone) reads the day sums: a month of a million conversations is a few hundred thousand
rows instead of millions. Another zone reads the rows themselves. Either way the relation has the
same columns, so every aggregate is written once:

``credits``: agent_id (NULL: unattributed), skill_id, campaign_id, goal_id, goal_type,
attribute_type, currency, status, session ('in', 'cross', 'none'), reached (1: the event meets
the goal), agent_reported, shared (1: the event has several credit rows), weight (share of the
count), amount_share (share of the value), n (rows). Read ``rows=True`` (event lists), it also has
event_id, conversation_id, credited_at, amount, source and policy_id.

``handled``: agent_id, skill_id, campaign_id, goal_id, goal_type, shared (1: the conversation has
several rows), first_row (1 on one row of each conversation), repeat_row (1 on an agent's rows
after their first in a conversation), n; read ``rows=True``, also conversation_id, started_at and
peer_agent_id (the other agent of a conversation handled by two, 0 by more).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections, transaction

from campaigns.models import Campaign, Goal, User
from outcomes_site.db_router import reporting_alias
from reporting.filters import NONE, ReportFilters, Scope, Source
from workspace.models import Conversation, EngagementAttributeEvent
from workspace.services.credit import (
    CREDIT_COLUMNS,
    CREDIT_DAYS,
    CREDITS,
    HANDLED,
    HANDLED_COLUMNS,
    HANDLED_DAYS,
    Params,
    day_sql,
)

EVENTS = EngagementAttributeEvent._meta.db_table
CONVERSATIONS = Conversation._meta.db_table
CAMPAIGNS = Campaign._meta.db_table
GOALS = Goal._meta.db_table
USERS = User._meta.db_table
MANAGERS = User.managed_groups.through._meta.db_table
# The day sums' "none" (0, '' and -1) back to NULL, so filters read both relations alike.
DAY_KEYS = """NULLIF(agent_id, 0) AS agent_id, NULLIF(skill_id, 0) AS skill_id,
    NULLIF(campaign_id, 0) AS campaign_id, NULLIF(goal_id, 0) AS goal_id,
    NULLIF(goal_type, '') AS goal_type"""


@dataclass
class CreditQuery:
    """A ``WITH`` prefix naming the relations a report reads, and its parameters; callers
    append a SELECT."""

    sql: str
    params: Params = field(default_factory=Params)


def reads_day_sums(context) -> bool:
    """Whether the report's days are the account's (the day sums' zone)."""
    return context.filters.tz_key == context.account_tz_key


def credits_relation(context, p: Params, *, rows: bool = False, shared: bool = False) -> str:
    """``credits AS (...)`` for the report's period (see module), with each row's ``day`` in the
    report's zone; ``shared``: ``shared AS (...)``, the rows of events credited more than once,
    always read from the rows."""
    f = context.filters
    if rows or shared or not reads_day_sums(context):
        only_shared = "AND shared = 1" if shared else ""
        day = day_sql("credited_at", f.tz_key)
        # bandit: SQL text built from constants; every value is a bound parameter.
        return f"""{"shared" if shared else "credits"} AS (
    SELECT {CREDIT_COLUMNS}, 1 AS n, {day} AS day FROM {CREDITS}
    WHERE credited_at >= {p(f.start_at)} AND credited_at < {p(f.end_at)} {only_shared}
)"""  # noqa: S608 (values are parameters)  # nosec B608
    # bandit: SQL text built from constants; every value is a bound parameter.
    return f"""credits AS (
    SELECT day, {DAY_KEYS}, attribute_type, currency, NULLIF(status, -1) AS status, session,
        reached, agent_reported, shared, weight, amount_share, n
    FROM {CREDIT_DAYS} WHERE day >= {p(f.start)} AND day <= {p(f.end)} AND n <> 0
)"""  # noqa: S608 (values are parameters)  # nosec B608


def handled_relation(context, p: Params, *, rows: bool = False, shared: bool = False) -> str:
    """``handled AS (...)``: conversations started in the period and who handled them;
    ``shared``: ``shared AS (...)``, the rows of conversations with several."""
    f = context.filters
    if rows or shared or not reads_day_sums(context):
        only_shared = "AND shared = 1" if shared else ""
        # bandit: SQL text built from constants; every value is a bound parameter.
        return f"""{"shared" if shared else "handled"} AS (
    SELECT {HANDLED_COLUMNS}, 1 AS n FROM {HANDLED}
    WHERE started_at >= {p(f.start_at)} AND started_at < {p(f.end_at)} {only_shared}
)"""  # noqa: S608 (values are parameters)  # nosec B608
    # bandit: SQL text built from constants; every value is a bound parameter.
    return f"""handled AS (
    SELECT {DAY_KEYS}, shared, first_row, repeat_row, n FROM {HANDLED_DAYS}
    WHERE day >= {p(f.start)} AND day <= {p(f.end)} AND n <> 0
)"""  # noqa: S608 (values are parameters)  # nosec B608


def credits_cte(context, *, rows: bool = False) -> CreditQuery:
    """``WITH credits AS (...)`` for the report's period (see module)."""
    p = Params()
    return CreditQuery(sql=f"WITH {credits_relation(context, p, rows=rows)}\n", params=p)


def credit_filters_sql(
    filters: ReportFilters, scope: Scope, p: Params, alias: str = "cr", *, handled: bool = False
) -> str:
    """WHERE conditions on ``credits`` (or ``handled``) for the scope and the non-date filters
    (``1 = 1`` when none). Unattributed rows belong to no agent: only people who see everyone
    see them."""
    conditions = ["1 = 1"]
    # The source is an event's: conversations handled have none.
    if filters.source == Source.AGENT and not handled:
        conditions.append(f"{alias}.agent_reported = 1")
    elif filters.source == Source.CUSTOMER and not handled:
        conditions.append(f"{alias}.agent_reported = 0")
    conditions += agent_conditions(filters, scope, p, f"{alias}.agent_id")
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


def agent_conditions(filters: ReportFilters, scope: Scope, p: Params, agent: str) -> list[str]:
    """The conditions on the agent column ``agent`` of the scope and of the agent and group
    filters; none for a reader who sees everyone, unattributed rows included."""
    conditions = []
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
    return conditions


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
