"""The reports' reads of credit: the ``credits`` and ``handled`` relations of a report's period.

The rows are written by ``workspace.services.credit`` (the one statement of the attribution
rules) when the data changes; a report only selects the period's rows and aggregates them in the
database, with the filters and the reader's scope applied here and nowhere else
(``credit_filters_sql`` for SQL, ``credit_queryset``/``handled_queryset`` for the ORM).

``credits`` columns: event_id, agent_id (NULL: unattributed), conversation_id, credited_at (start
of the credited conversation, or the event time when unattributed), skill_id, campaign_id, goal_id,
goal_type, session ('in', 'cross', 'none'), weight (share of the count), amount_share (share of the
value), amount, currency, attribute_type, source, status, reached (1 when the event meets the
goal), policy_id (the attribution policy; NULL: the defaults).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import Q, QuerySet

from campaigns.models import Campaign, Goal, User
from outcomes_site.db_router import reporting_alias
from reporting.filters import NONE, ReportFilters, Scope, Source
from workspace.models import AGENT_SOURCES, Conversation, Credit, EngagementAttributeEvent, Handled
from workspace.services.credit import CREDIT_COLUMNS, CREDITS, HANDLED, Params

EVENTS = EngagementAttributeEvent._meta.db_table
CONVERSATIONS = Conversation._meta.db_table
CAMPAIGNS = Campaign._meta.db_table
GOALS = Goal._meta.db_table
USERS = User._meta.db_table
MANAGERS = User.managed_groups.through._meta.db_table
AGENT_SOURCES_SQL = ", ".join(f"'{source}'" for source in AGENT_SOURCES)


@dataclass
class CreditQuery:
    """The ``WITH credits AS (...)`` prefix and its parameters; callers append a SELECT."""

    sql: str
    params: Params = field(default_factory=Params)


def credits_cte(filters: ReportFilters) -> CreditQuery:
    """The ``credits`` relation: the credit rows dated in the filters' period."""
    p = Params()
    # bandit: SQL text built from constants; every value is a bound parameter.
    sql = f"""WITH credits AS (
    SELECT {CREDIT_COLUMNS} FROM {CREDITS}
    WHERE credited_at >= {p(filters.start_at)} AND credited_at < {p(filters.end_at)}
)
"""  # noqa: S608 (values are parameters)  # nosec B608
    return CreditQuery(sql=sql, params=p)


def handled_cte(filters: ReportFilters, p: Params) -> str:
    """The ``handled`` relation: one row per (agent, conversation, skill) of conversations
    started in the filters' period."""
    # bandit: SQL text built from constants; every value is a bound parameter.
    return f"""WITH handled AS (
    SELECT agent_id, conversation_id, skill_id, started_at, campaign_id, goal_id, goal_type
    FROM {HANDLED}
    WHERE started_at >= {p(filters.start_at)} AND started_at < {p(filters.end_at)}
)
"""  # noqa: S608 (values are parameters)  # nosec B608


def credit_filters_sql(
    filters: ReportFilters, scope: Scope, p: Params, alias: str = "cr", *, handled: bool = False
) -> str:
    """WHERE conditions on ``credits`` (or ``handled``) for the scope and the non-date filters
    (``1 = 1`` when none). Unattributed rows belong to no agent: only people who see everyone
    see them."""
    conditions = ["1 = 1"]
    agent = f"{alias}.agent_id"
    # The source is an event's: conversations handled have none.
    if filters.source == Source.AGENT and not handled:
        conditions.append(f"{alias}.source IN ({AGENT_SOURCES_SQL})")
    elif filters.source == Source.CUSTOMER and not handled:
        conditions.append(f"{alias}.source NOT IN ({AGENT_SOURCES_SQL})")
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


def _scope_q(filters: ReportFilters, scope: Scope) -> Q:
    """``credit_filters_sql`` for the ORM (rows of ``Credit`` or ``Handled``)."""
    q = Q()
    if scope.kind == Scope.TEAM:
        q &= Q(agent__agent_group__managers=scope.user_id)
    elif scope.kind == Scope.SELF:
        q &= Q(agent_id=scope.user_id)
    elif scope.kind != Scope.ALL:
        q &= Q(pk__in=[])
    if filters.agent_id:
        q &= Q(agent_id=filters.agent_id)
    if filters.group_id:
        q &= Q(agent__agent_group_id=filters.group_id)
    for column, value in (
        ("skill_id", filters.skill_id),
        ("campaign_id", filters.campaign_id),
        ("goal_id", filters.goal_id),
    ):
        if value == NONE:
            q &= Q(**{f"{column}__isnull": True})
        elif value is not None:
            q &= Q(**{column: value})
    if filters.goal_type:
        q &= Q(goal_type=filters.goal_type)
    return q


def credit_queryset(context) -> QuerySet[Credit]:
    """The credit rows of a report (``ReportContext``): its period, filters and scope."""
    f = context.filters
    rows = Credit.objects.using(reporting_alias()).filter(
        _scope_q(f, context.scope), credited_at__gte=f.start_at, credited_at__lt=f.end_at
    )
    if f.source == Source.AGENT:
        rows = rows.filter(source__in=AGENT_SOURCES)
    elif f.source == Source.CUSTOMER:
        rows = rows.exclude(source__in=AGENT_SOURCES)
    return rows


def handled_queryset(context) -> QuerySet[Handled]:
    """The conversations handled in a report's period, with its filters and scope."""
    f = context.filters
    return Handled.objects.using(reporting_alias()).filter(
        _scope_q(f, context.scope), started_at__gte=f.start_at, started_at__lt=f.end_at
    )


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
