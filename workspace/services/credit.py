"""Credit: who gets what share of which event. The one statement of the attribution rules
(SPEC section 7), kept as rows of ``Credit`` and ``Handled`` by the writes that move them.

- Only purchases, leads and service activities count; retracted events leave; of the reports of
  one order, lead or service id (``dedupe_key``) only the first counts.
- An agent-reported event is credited in full to ``event.agent`` (in-session).
- A customer-reported event on a conversation is in-session: credited over the conversation's
  segments (its *touches*) by the model in force at the conversation's start.
- A customer-reported event left on the visitor is cross-session when an earlier conversation of
  that visitor started within the window before it (each conversation judged by the window of the
  policy in force at its own start); it is credited over those conversations' touches by the
  model of the most recent one. Otherwise it is unattributed.
- Models: ``first`` and ``last`` touch; ``split`` divides the count and the value evenly between
  the distinct agents (money floored to the currency's minor unit, the remainder to the agent of
  the last touch), each dated by that agent's last touch; ``all`` gives every distinct agent full
  credit.
- The goal of the credited conversation's campaign (or the default campaign) decides whether the
  event reaches it.

Beside credit, the same writes keep two kinds of rows the other reports read:

- ``DuplicateGroup`` (and ``DuplicateAgent``): each de-duplication key with more than one
  standing report, the first one's time, whether their amounts or currencies differ, and the
  agents concerned (whose report, or whose conversation, any report of the key is);
- ``Completion``: per ended conversation, its assigned agent, skill and campaign, the attribute
  types an agent reported (standing) or declined, and whether its survey was answered or
  submitted. Which of them are required stays configuration, read with the rows.

The rules are SQL (``_CREDITS``) so that a rebuild of millions of events runs in the database;
``tests/reporting/reference.py`` states them again in plain Python for the tests to compare with.
Writers call ``credit_events`` (an event written, corrected, amended or retracted),
``credit_conversations`` (a conversation created, transferred, closed or moved) and
``credit_completion`` (a "No outcome" chosen, a survey answered or dismissed) inside their
transaction; ``credit_rebuild`` redoes a whole period after a configuration change.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache as memoize
from itertools import batched, pairwise

from babel.numbers import get_currency_precision, list_currencies
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Sum

from campaigns.catalogue import AttributeType
from campaigns.models import AccountSettings, AttributionModel, Campaign, Goal, ServiceStatusBox
from outcomes_site.prepared import planned_once
from workspace.attribution import MAX_WINDOW_DAYS, PolicyPeriod, policy_periods
from workspace.models import (
    AGENT_SOURCES,
    Completion,
    Conversation,
    Credit,
    CreditDay,
    DuplicateAgent,
    DuplicateGroup,
    EngagementAttributeEvent,
    EventRevision,
    Handled,
    HandledDay,
    NoOutcome,
    Segment,
    SurveyResponse,
)
from workspace.services.events import dedupe_key_for

GOAL_TYPES = (AttributeType.PURCHASE, AttributeType.LEAD, AttributeType.SERVICE)
EVENTS = EngagementAttributeEvent._meta.db_table
CONVERSATIONS = Conversation._meta.db_table
SEGMENTS = Segment._meta.db_table
CAMPAIGNS = Campaign._meta.db_table
GOALS = Goal._meta.db_table
BOXES = ServiceStatusBox._meta.db_table
CREDITS = Credit._meta.db_table
HANDLED = Handled._meta.db_table
CREDIT_COLUMNS = (
    "event_id, agent_id, conversation_id, credited_at, skill_id, campaign_id, goal_id, goal_type, "
    "session, weight, amount_share, amount, currency, attribute_type, source, status, reached, "
    "agent_reported, shared, policy_id"
)
HANDLED_COLUMNS = (
    "agent_id, conversation_id, skill_id, started_at, campaign_id, goal_id, goal_type, shared, "
    "first_row, repeat_row, peer_agent_id"
)
CREDIT_DAYS = CreditDay._meta.db_table
HANDLED_DAYS = HandledDay._meta.db_table
# The day sums' keys, with "none" as 0, '' or -1 (see ``CreditDay``).
DAY_KEY_SQL = (
    "COALESCE(agent_id, 0), COALESCE(skill_id, 0), COALESCE(campaign_id, 0), "
    "COALESCE(goal_id, 0), COALESCE(goal_type, '')"
)
CREDIT_DAY_KEY = (
    "day, agent_id, skill_id, campaign_id, goal_id, goal_type, attribute_type, currency, status, "
    "session, reached, agent_reported, shared"
)
HANDLED_DAY_KEY = (
    "day, agent_id, skill_id, campaign_id, goal_id, goal_type, shared, first_row, repeat_row"
)
COMPLETIONS = Completion._meta.db_table
COMPLETION_COLUMNS = (
    "conversation_id, agent_id, skill_id, campaign_id, ended_at, covered, submitted, answered"
)
NO_OUTCOMES = NoOutcome._meta.db_table
RESPONSES = SurveyResponse._meta.db_table
DUPLICATES = DuplicateGroup._meta.db_table
DUPLICATE_AGENTS = DuplicateAgent._meta.db_table
# ``Completion.covered``: one bit per attribute type, in the catalogue's order (a new type goes
# last; after a change here, ``reports_rebuild --all``), and one for a type it no longer has.
COVERED_BITS = {value: 1 << n for n, value in enumerate(AttributeType.values)}
OTHER_TYPE_BIT = 1 << 30
BATCH = 500  # ids per statement: well under SQLite's limit on parameters
RANGE = BATCH * 20  # ids per range of a rebuild (each range one transaction)


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

    def many(self, values: Iterable) -> str:
        return ", ".join(self(value) for value in values)


def _literals(values) -> str:
    """Constants we own (enumeration values, ISO codes), inlined as SQL string literals."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


@memoize
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


def _minus_days(column_sql: str, days_sql: str) -> str:
    """``column - days`` for the database in use (SQLite keeps datetimes as text and the ORM
    subtracts through its registered ``django_format_dtdelta`` function)."""
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


def _policy_id(period: PolicyPeriod) -> str:
    return "CAST(NULL AS BIGINT)" if period.policy_id is None else str(int(period.policy_id))


def _credits_sql(
    selection: Callable[[Params], str], periods: list[PolicyPeriod] | None = None
) -> tuple:
    """``SELECT`` of the credit rows of the events that ``selection`` picks (a condition on
    ``e``): the attribution rules in SQL, for both databases."""
    p = Params()
    periods = periods if periods is not None else policy_periods()
    agent_sources = _literals(AGENT_SOURCES)
    # ``d.dedupe_key <> ''`` changes no answer but lets PostgreSQL use the partial index
    # event_dedupe_first (reporting migration 0002).
    first_report = f"""(e.dedupe_key = '' OR NOT EXISTS (
        SELECT 1 FROM {EVENTS} d WHERE d.dedupe_key = e.dedupe_key AND d.retracted_at IS NULL
        AND d.dedupe_key <> ''
        AND (d.occurred_at < e.occurred_at OR (d.occurred_at = e.occurred_at AND d.id < e.id))))"""  # noqa: S608  # nosec B608
    model_at = _by_period("c.started_at", periods, lambda x: _literals([x.model]), p)
    window_at = _by_period("c.started_at", periods, lambda x: str(int(x.window_days)), p)
    policy_at = _by_period("c.started_at", periods, _policy_id, p)
    unattributed_policy = _by_period(
        "COALESCE(c.started_at, ev.occurred_at)", periods, _policy_id, p
    )
    scale = _minor_unit_scale_sql()
    order_desc = "ORDER BY conv_started DESC, seg_started DESC, seg_id DESC"
    default_currency = p(AccountSettings.load().default_currency)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""WITH
ev AS (
    SELECT e.id, e.attribute_type, e.source, e.conversation_id, e.visitor_id, e.agent_id,
        e.skill_id, e.occurred_at, e.amount, e.currency, e.status, e.topic
    FROM {EVENTS} e
    WHERE ({selection(p)}) AND e.retracted_at IS NULL
      AND e.attribute_type IN ({_literals(GOAL_TYPES)}) AND {first_report}
),
touch AS (
    SELECT ev.id AS event_id, c.id AS conversation_id, c.started_at AS conv_started,
        c.campaign_id, s.agent_id, s.skill_id, s.started_at AS seg_started, s.id AS seg_id,
        'in' AS session, {model_at} AS model, {policy_at} AS policy_id
    FROM ev JOIN {CONVERSATIONS} c ON c.id = ev.conversation_id
    JOIN {SEGMENTS} s ON s.conversation_id = c.id AND s.agent_id IS NOT NULL
    WHERE ev.source NOT IN ({agent_sources})
    UNION ALL
    SELECT ev.id, c.id, c.started_at, c.campaign_id, s.agent_id, s.skill_id, s.started_at, s.id,
        'cross', {model_at}, {policy_at}
    FROM ev JOIN {CONVERSATIONS} c ON c.visitor_id = ev.visitor_id
        AND c.started_at < ev.occurred_at
        AND c.started_at >= {_minus_days("ev.occurred_at", str(MAX_WINDOW_DAYS))}
    JOIN {SEGMENTS} s ON s.conversation_id = c.id AND s.agent_id IS NOT NULL
    WHERE ev.conversation_id IS NULL
      AND c.started_at >= {_minus_days("ev.occurred_at", window_at)}
),
ranked AS (
    SELECT t.*,
        ROW_NUMBER() OVER (PARTITION BY event_id
            ORDER BY conv_started, seg_started, seg_id) AS pos_first,
        ROW_NUMBER() OVER (PARTITION BY event_id {order_desc}) AS pos_last,
        ROW_NUMBER() OVER (PARTITION BY event_id, agent_id {order_desc}) AS agent_pos_last,
        FIRST_VALUE(model) OVER (PARTITION BY event_id {order_desc}) AS event_model,
        FIRST_VALUE(policy_id) OVER (PARTITION BY event_id {order_desc}) AS event_policy
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
        1.0 AS weight, ev.amount AS amount_share, {policy_at} AS policy_id
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
    WHERE (k.event_model = '{AttributionModel.FIRST}' AND k.pos_first = 1)
       OR (k.event_model = '{AttributionModel.LAST}' AND k.pos_last = 1)
       OR (k.event_model IN ('{AttributionModel.SPLIT}', '{AttributionModel.ALL}')
           AND k.agent_pos_last = 1)
    UNION ALL
    SELECT ev.id, CAST(NULL AS BIGINT), c.id, COALESCE(c.started_at, ev.occurred_at), c.skill_id,
        c.campaign_id, CASE WHEN c.id IS NULL THEN 'none' ELSE 'in' END, 1.0, ev.amount,
        {unattributed_policy}
    FROM ev LEFT JOIN {CONVERSATIONS} c ON c.id = ev.conversation_id
    WHERE NOT (ev.conversation_id IS NOT NULL AND ev.source IN ({agent_sources}))
      AND NOT EXISTS (SELECT 1 FROM touch t WHERE t.event_id = ev.id)
)
SELECT cr.event_id, cr.agent_id, cr.conversation_id, cr.credited_at, cr.skill_id,
    camp.id, g.id, g.goal_type, cr.session, cr.weight, cr.amount_share, ev.amount, ev.currency,
    ev.attribute_type, ev.source, ev.status,
    CASE
      WHEN g.goal_type = 'sell' AND ev.attribute_type = 'purchase'
           AND (g.sell_more_than IS NULL OR (ev.amount > g.sell_more_than
                AND ev.currency = COALESCE(NULLIF(g.sell_currency, ''), {default_currency})))
        THEN 1
      WHEN g.goal_type = 'leads' AND ev.attribute_type = 'lead' THEN 1
      WHEN g.goal_type = 'service' AND ev.attribute_type = 'service' AND EXISTS (
           SELECT 1 FROM {BOXES} b WHERE b.goal_id = g.id AND b.status = ev.status
           AND LOWER(TRIM(b.topic)) = LOWER(TRIM(ev.topic))) THEN 1
      ELSE 0 END,
    CASE WHEN ev.source IN ({agent_sources}) THEN 1 ELSE 0 END,
    CASE WHEN COUNT(*) OVER (PARTITION BY cr.event_id) > 1 THEN 1 ELSE 0 END,
    cr.policy_id
FROM credit cr JOIN ev ON ev.id = cr.event_id
LEFT JOIN {CAMPAIGNS} camp ON camp.id = COALESCE(cr.campaign_id,
    (SELECT dc.id FROM {CAMPAIGNS} dc WHERE dc.is_default = {p(True)}))
LEFT JOIN {GOALS} g ON g.id = camp.goal_id"""  # noqa: S608 (values are parameters)  # nosec B608
    return sql, p.values


# ``Handled.peer_agent_id`` from a conversation's number of agents (``agents``) and its lowest
# and highest agent (``lo``, ``hi``): of two agents, the one this row is not.
PEER_SQL = """CASE WHEN k.agents = 2 THEN k.lo + k.hi - k.agent_id
        WHEN k.agents > 2 THEN 0 END"""


def _handled_sql(selection: Callable[[Params], str]) -> tuple:
    """``SELECT`` of the ``Handled`` rows of the conversations ``selection`` picks (on ``c``)."""
    p = Params()
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""SELECT k.agent_id, k.conversation_id, k.skill_id, k.started_at, k.campaign_id,
        k.goal_id, k.goal_type, k.shared, k.first_row, k.repeat_row, {PEER_SQL}
    FROM (SELECT j.*, MAX(j.agent_rank) OVER (PARTITION BY j.conversation_id) AS agents
    FROM (SELECT h.*,
        CASE WHEN COUNT(*) OVER (PARTITION BY h.conversation_id) > 1 THEN 1 ELSE 0 END AS shared,
        CASE WHEN ROW_NUMBER() OVER (PARTITION BY h.conversation_id
            ORDER BY h.agent_id, h.skill_id) = 1 THEN 1 ELSE 0 END AS first_row,
        CASE WHEN ROW_NUMBER() OVER (PARTITION BY h.conversation_id, h.agent_id
            ORDER BY h.skill_id) > 1 THEN 1 ELSE 0 END AS repeat_row,
        DENSE_RANK() OVER (PARTITION BY h.conversation_id ORDER BY h.agent_id) AS agent_rank,
        MIN(h.agent_id) OVER (PARTITION BY h.conversation_id) AS lo,
        MAX(h.agent_id) OVER (PARTITION BY h.conversation_id) AS hi
    FROM (SELECT DISTINCT s.agent_id, c.id AS conversation_id, s.skill_id, c.started_at,
        camp.id AS campaign_id, g.id AS goal_id, g.goal_type
    FROM {SEGMENTS} s JOIN {CONVERSATIONS} c ON c.id = s.conversation_id
    LEFT JOIN {CAMPAIGNS} camp ON camp.id = COALESCE(c.campaign_id,
        (SELECT dc.id FROM {CAMPAIGNS} dc WHERE dc.is_default = {p(True)}))
    LEFT JOIN {GOALS} g ON g.id = camp.goal_id
    WHERE s.agent_id IS NOT NULL AND ({selection(p)})) h) j) k"""  # noqa: S608 (values are parameters)  # nosec B608
    return sql, p.values


def _covered_sql(column_sql: str) -> str:
    """The ``Completion.covered`` bit of the attribute type in ``column_sql``."""
    whens = " ".join(f"WHEN {_literals([t])} THEN {bit}" for t, bit in COVERED_BITS.items())
    return f"(CASE {column_sql} {whens} ELSE {OTHER_TYPE_BIT} END)"


def _completion_sql(selection: Callable[[Params], str], without_events=()) -> tuple:
    """``SELECT`` of the ``Completion`` rows of the ended conversations ``selection`` picks (on
    ``c``), leaving out the reports ``without_events`` (about to be deleted)."""
    p = Params()
    skip = f"AND e.id NOT IN ({p.many(without_events)})" if without_events else ""
    submitted = p(SurveyResponse.Status.SUBMITTED)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""SELECT c.id, c.agent_id, c.skill_id, c.campaign_id, c.ended_at,
    COALESCE((SELECT SUM(DISTINCT {_covered_sql("e.attribute_type")}) FROM {EVENTS} e
        WHERE e.conversation_id = c.id AND e.source IN ({_literals(AGENT_SOURCES)})
        AND e.retracted_at IS NULL {skip}), 0)
    | COALESCE((SELECT SUM(DISTINCT {_covered_sql("n.attribute_type")}) FROM {NO_OUTCOMES} n
        WHERE n.conversation_id = c.id), 0),
    CASE WHEN EXISTS (SELECT 1 FROM {RESPONSES} r WHERE r.conversation_id = c.id
        AND r.status = {submitted}) THEN 1 ELSE 0 END,
    CASE WHEN EXISTS (SELECT 1 FROM {RESPONSES} r WHERE r.conversation_id = c.id) THEN 1 ELSE 0 END
FROM {CONVERSATIONS} c WHERE c.ended_at IS NOT NULL AND ({selection(p)})"""  # noqa: S608  # nosec B608
    return sql, p.values


@planned_once()
def credit_completion(
    conversation_ids: Iterable[int], *, moved: bool = False, without_events: Iterable[int] = ()
) -> None:
    """Recompute the ``Completion`` rows of these conversations: an agent reported, corrected
    or retracted an outcome, chose "No outcome", answered or dismissed the survey; ``moved``:
    the conversation itself changed (closed, transferred, its skill or campaign), so one that is
    open again loses its row. ``without_events``: reports about to be deleted."""
    ids = sorted(set(conversation_ids))
    without = sorted(set(without_events))
    updates = ", ".join(
        f"{column} = excluded.{column}" for column in COMPLETION_COLUMNS.split(", ")[1:]
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for chunk in batched(ids, BATCH):
            sql, params = _completion_sql(lambda p, c=chunk: f"c.id IN ({p.many(c)})", without)
            # One statement however the row stood (two writers of one conversation at once
            # meet on its key instead of failing).
            cursor.execute(
                f"INSERT INTO {COMPLETIONS} ({COMPLETION_COLUMNS}) {sql} "  # nosec B608
                f"ON CONFLICT (conversation_id) DO UPDATE SET {updates}",
                params,
            )
            if moved:
                where, in_params = _in("id", list(chunk))
                cursor.execute(
                    f"DELETE FROM {COMPLETIONS} WHERE conversation_id IN ("  # noqa: S608  # nosec B608
                    f"SELECT id FROM {CONVERSATIONS} WHERE {where} AND ended_at IS NULL)",
                    in_params,
                )


def _duplicates_rewrite(keys_where: str, params: list) -> None:
    """Recompute the ``DuplicateGroup`` and ``DuplicateAgent`` rows of the de-duplication keys
    ``keys_where`` picks (a condition on ``dedupe_key``): the keys with more than one standing
    report; a conflict when their amounts or currencies differ, or some have an amount and
    others none; the agents of every report of the key (retracted too) and of its conversation,
    each with a copy of the group's figures."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for table in (DUPLICATES, DUPLICATE_AGENTS):
            cursor.execute(f"DELETE FROM {table} WHERE {keys_where}", params)  # noqa: S608  # nosec B608
        # bandit: SQL text built from constants; every value is a bound parameter.
        cursor.execute(
            f"""INSERT INTO {DUPLICATES} (dedupe_key, reports, first_at, conflict)
SELECT dedupe_key, COUNT(*), MIN(occurred_at),
    CASE WHEN COUNT(DISTINCT amount) > 1 OR COUNT(DISTINCT currency) > 1
        OR (COUNT(*) > COUNT(amount) AND COUNT(amount) > 0) THEN 1 ELSE 0 END
FROM {EVENTS} WHERE retracted_at IS NULL AND dedupe_key <> '' AND {keys_where}
GROUP BY dedupe_key HAVING COUNT(*) > 1""",  # noqa: S608  # nosec B608
            params,
        )
        grouped = f"e.dedupe_key IN (SELECT g.dedupe_key FROM {DUPLICATES} g WHERE g.{keys_where})"  # noqa: S608  # nosec B608
        cursor.execute(
            f"""INSERT INTO {DUPLICATE_AGENTS}
    (dedupe_key, agent_id, reports, first_at, conflict)
SELECT a.dedupe_key, a.agent_id, g.reports, g.first_at, g.conflict FROM (
    SELECT e.dedupe_key, e.agent_id FROM {EVENTS} e
    WHERE {grouped} AND e.agent_id IS NOT NULL
    UNION
    SELECT e.dedupe_key, c.agent_id FROM {EVENTS} e JOIN {CONVERSATIONS} c
        ON c.id = e.conversation_id
    WHERE {grouped} AND c.agent_id IS NOT NULL
) a JOIN {DUPLICATES} g ON g.dedupe_key = a.dedupe_key""",  # noqa: S608  # nosec B608
            params * 2,
        )


def _lock_events(events) -> None:
    """Two writers recomputing one event (two reports of one order id at once, or a write beside
    a rebuild) would each delete the rows the other has not committed yet and both insert: the
    event rows' locks, taken in id order, make them take turns. SQLite writes one at a time."""
    if connection.vendor == "postgresql":
        list(events.order_by("pk").select_for_update().values_list("pk", flat=True))


def day_sql(column: str, zone: str | None = None) -> str:
    """The date of ``column`` in ``zone`` (an IANA name or ``UTC+05:30``; by default the
    account's report time zone, the day sums' zone), as SQL for the database in use."""
    zone = zone or AccountSettings.load().report_time_zone or settings.TIME_ZONE
    sql, params = connection.ops.datetime_cast_date_sql(column, (), zone)
    return sql % tuple(_literals([value]) for value in params)


def _credit_days_add(sign: int, where: str, params: list) -> None:
    """Add (``sign`` 1) or take away (-1) the credit rows ``where`` picks to or from their
    day sums."""
    # bandit: SQL text built from constants; every value is a bound parameter.
    sql = f"""INSERT INTO {CREDIT_DAYS} ({CREDIT_DAY_KEY}, weight, amount_share, n)
SELECT {day_sql("credited_at")}, {DAY_KEY_SQL}, attribute_type, currency, COALESCE(status, -1),
    session, reached, agent_reported, shared, {sign} * SUM(weight),
    {sign} * SUM(COALESCE(amount_share, 0)), {sign} * COUNT(*)
FROM {CREDITS} WHERE {where}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
ON CONFLICT ({CREDIT_DAY_KEY}) DO UPDATE SET weight = {CREDIT_DAYS}.weight + excluded.weight,
    amount_share = {CREDIT_DAYS}.amount_share + excluded.amount_share,
    n = {CREDIT_DAYS}.n + excluded.n"""  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _handled_days_add(sign: int, where: str, params: list) -> None:
    # bandit: SQL text built from constants; every value is a bound parameter.
    sql = f"""INSERT INTO {HANDLED_DAYS} ({HANDLED_DAY_KEY}, n)
SELECT {day_sql("started_at")}, {DAY_KEY_SQL}, shared, first_row, repeat_row, {sign} * COUNT(*)
FROM {HANDLED} WHERE {where}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
ON CONFLICT ({HANDLED_DAY_KEY}) DO UPDATE SET n = {HANDLED_DAYS}.n + excluded.n"""  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rewrite(
    table: str, where: str, params: list, select: tuple | None, *, fresh: bool = False
) -> None:
    """Replace the rows of ``table`` that ``where`` picks by what ``select`` computes (``None``:
    delete only; ``fresh``: insert only, there being none yet), keeping their day sums in step."""
    columns, days_add = (
        (CREDIT_COLUMNS, _credit_days_add)
        if table == CREDITS
        else (HANDLED_COLUMNS, _handled_days_add)
    )
    # No savepoint: a failure aborts the caller's whole write, and two statements are saved.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if not fresh:
            days_add(-1, where, params)
            # bandit: table and column names are our constants; values are bound parameters.
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608  # nosec B608
        if select is not None:
            sql, select_params = select
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", select_params)  # nosec B608
            days_add(1, where, params)


@planned_once()
def credit_forget(*, event_ids: Iterable[int] = (), conversation_ids: Iterable[int] = ()) -> None:
    """Take the rows of events or conversations about to be deleted out of the day sums (the
    database's cascade would delete the rows but leave their sums)."""
    for chunk in batched(sorted(set(event_ids)), BATCH):
        _rewrite(CREDITS, *_in("event_id", list(chunk)), None)
        reported = EngagementAttributeEvent.objects.filter(
            pk__in=chunk, source__in=AGENT_SOURCES, conversation__isnull=False
        ).values_list("conversation_id", flat=True)
        credit_completion(set(reported), without_events=chunk)
    for chunk in batched(sorted(set(conversation_ids)), BATCH):
        _rewrite(HANDLED, *_in("conversation_id", list(chunk)), None)
        _rewrite(CREDITS, *_in("conversation_id", list(chunk)), None)


def _in(key: str, ids: list[int]) -> tuple[str, list]:
    return f"{key} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _between(key: str, low: int, high: int) -> tuple[str, list]:
    return f"{key} >= %s AND {key} <= %s", [low, high]


@planned_once()
def credit_event(event: EngagementAttributeEvent, *, created: bool = False) -> None:
    """Recompute after one event was written (``created``: just inserted, so it has no rows
    yet) or changed; other types than purchases, leads and service activities have no credit,
    but an agent's report of any type completes its conversation."""
    if event.conversation_id and event.source in AGENT_SOURCES and not _known_open(event):
        credit_completion([event.conversation_id])
    if event.attribute_type not in GOAL_TYPES:
        return
    keys = {event.dedupe_key} if created else {event.dedupe_key, _previous_key(event)}
    credit_events([event.pk], dedupe_keys=keys - {""}, created=[event.pk] if created else ())


def _known_open(event: EngagementAttributeEvent) -> bool:
    """The event's conversation is open, as its writer read it (no query): an open conversation
    has no ``Completion`` row to change (ended ones have one; reopening deletes it)."""
    field = EngagementAttributeEvent._meta.get_field("conversation")
    return field.is_cached(event) and event.conversation.ended_at is None


def _previous_key(event: EngagementAttributeEvent) -> str:
    """The key the event had before its latest change (a corrected order id leaves its old
    key, whose other reports may count now, or stop being duplicates)."""
    before = (
        EventRevision.objects.filter(event=event)
        .order_by("-version")
        .values_list("before", flat=True)
        .first()
    )
    return dedupe_key_for(event.attribute_type, before) if isinstance(before, dict) else ""


@planned_once()
def credit_events(
    event_ids: Iterable[int],
    *,
    dedupe_keys: set[str] | None = None,
    periods: list[PolicyPeriod] | None = None,
    created: Iterable[int] = (),
) -> None:
    """Recompute the credit of these events and of every event sharing a de-duplication key
    with one of them (which of them counts may have changed). ``dedupe_keys``: their keys, when
    the caller knows them. ``created``: those just inserted by the caller's transaction; when
    they are all there is (no earlier report shares their keys), they have no rows yet, so
    theirs are only inserted, and only keys reported twice among them form duplicate groups."""
    ids = set(event_ids)
    if dedupe_keys is None:
        dedupe_keys = set(
            EngagementAttributeEvent.objects.filter(pk__in=ids)
            .exclude(dedupe_key="")
            .values_list("dedupe_key", flat=True)
        )
    reports = Counter()
    for pk, key in _reports_of(dedupe_keys):
        ids.add(pk)
        reports[key] += 1
    fresh = bool(ids) and ids <= set(created)
    if fresh:
        dedupe_keys = {key for key, count in reports.items() if count > 1}
    if ids and periods is None:
        periods = policy_periods()
    for chunk in batched(sorted(ids), BATCH):
        chunk = list(chunk)
        with transaction.atomic(savepoint=False):  # the caller's, if any: locks last till then
            if not fresh:  # rows no other transaction can see yet need no lock
                _lock_events(EngagementAttributeEvent.objects.filter(pk__in=chunk))
            select = _credits_sql(lambda p, chunk=chunk: f"e.id IN ({p.many(chunk)})", periods)
            _rewrite(CREDITS, *_in("event_id", chunk), select, fresh=fresh)
    # After the locks on the keys' reports: two writers of one order take turns here too (the
    # second deletes the group row the first committed, instead of colliding with it).
    for keys in batched(sorted(dedupe_keys), BATCH):
        _duplicates_rewrite(*_in("dedupe_key", list(keys)))


def _reports_of(dedupe_keys: set[str]) -> list[tuple[int, str]]:
    """``(id, key)`` of every event reported under one of ``dedupe_keys``. A plain statement:
    the ORM's compiling of it was 800 of an ingest's 11,900 Python calls (bench/README.md,
    "Statements built once")."""
    reports = []
    with connection.cursor() as cursor:
        for keys in batched(sorted(dedupe_keys), BATCH):
            # bandit: the table name is our constant; the keys are bound parameters.
            sql = f"SELECT id, dedupe_key FROM {EVENTS} WHERE {_in('dedupe_key', list(keys))[0]}"  # noqa: S608  # nosec B608
            cursor.execute(sql, keys)
            reports += cursor.fetchall()
    return reports


@planned_once()
def credit_conversations(conversation_ids: Iterable[int]) -> None:
    """Recompute what these conversations decide: who handled them, the credit of their events
    and of their visitors' events left on the visitor (cross-session credit)."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return
    for chunk in batched(ids, BATCH):
        chunk = list(chunk)
        select = _handled_sql(lambda p, chunk=chunk: f"c.id IN ({p.many(chunk)})")
        _rewrite(HANDLED, *_in("conversation_id", chunk), select)
    credit_completion(ids, moved=True)
    visitors = Conversation.objects.filter(pk__in=ids).values("visitor_id")
    events = EngagementAttributeEvent.objects.filter(conversation__in=ids) | (
        EngagementAttributeEvent.objects.filter(conversation__isnull=True, visitor__in=visitors)
    )
    credit_events(events.values_list("pk", flat=True))


def credit_rebuild(
    *, since: datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """Recompute every handled and credit row from ``since`` on (all when ``None``): of the
    conversations started since then, their events and the events left on the visitor since then.
    Works through ranges of ids so that each statement stays small, and recomputes every event of
    a range (those outside the period come out as they were). Returns the events considered."""
    _analyze()
    if since is None:  # everything, day sums included (after a change of the report zone)
        with transaction.atomic(), connection.cursor() as cursor:
            for table in (CREDIT_DAYS, HANDLED_DAYS, CREDITS, HANDLED, COMPLETIONS):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # nosec B608
    conversations = Conversation.objects.order_by("pk")
    events = EngagementAttributeEvent.objects.all()
    if since is not None:
        conversations = conversations.filter(started_at__gte=since)
        events = events.filter(conversation__in=conversations) | events.filter(
            conversation__isnull=True, occurred_at__gte=since
        )
    handled_ranges = _ranges(conversations.values_list("pk", flat=True))
    for low, high in handled_ranges:
        _rewrite(
            HANDLED,
            *_between("conversation_id", low, high),
            _handled_sql(lambda p, low=low, high=high: f"c.id >= {p(low)} AND c.id <= {p(high)}"),
        )
    periods = policy_periods()
    event_ids = sorted(events.values_list("pk", flat=True))
    for done, (low, high) in _ranges_done(event_ids):
        with transaction.atomic(savepoint=False):
            _lock_events(EngagementAttributeEvent.objects.filter(pk__gte=low, pk__lte=high))
            _rewrite(
                CREDITS,
                *_between("event_id", low, high),
                _credits_sql(
                    lambda p, a=low, b=high: f"e.id >= {p(a)} AND e.id <= {p(b)}", periods
                ),
            )
        if progress:
            progress(done, len(event_ids))
    with connection.cursor() as cursor:  # days whose rows all moved elsewhere
        cursor.execute(f"DELETE FROM {CREDIT_DAYS} WHERE n = 0")  # noqa: S608  # nosec B608
        cursor.execute(f"DELETE FROM {HANDLED_DAYS} WHERE n = 0")  # noqa: S608  # nosec B608
    report_rows_rebuild(since=since)
    if len(handled_ranges) > 1 or len(event_ids) > RANGE:
        day_sums_compact()  # each range replaced the sums of every day it touched
    return len(event_ids)


def day_sums_compact() -> None:
    """Write the day sums afresh after a rebuild of more than one range (PostgreSQL; one range
    replaces each sum at most twice, and the small rebuilds a configuration change asks for
    need no more). A rebuild adds each range of ids to the sums of every day the range
    touches, so each sum is replaced once per range (a hundred times at a million
    conversations); PostgreSQL appends each new version and reuses the space only after a
    vacuum, and the two small tables every report reads had grown to twenty times their rows
    (77 MB for 34,000 sums of handled conversations, read whole by each goal tracker query).
    ``VACUUM FULL`` takes a second or less, while reads and writes of the sums wait. Not
    inside a transaction (a test's), where PostgreSQL refuses it."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (FULL, ANALYZE) {CREDIT_DAYS}, {HANDLED_DAYS}")


def report_rows_rebuild(*, since: datetime | None = None) -> None:
    """Recompute the ``Completion`` rows of the conversations started since ``since`` and the
    duplicate groups of the keys reported since then (all when ``None``). No configuration
    moves them; a rebuild is for data loaded past the write paths (demo, benchmark, import)."""
    conversations = Conversation.objects.filter(ended_at__isnull=False)
    if since is not None:
        conversations = conversations.filter(started_at__gte=since)
    for low, high in _ranges(conversations.values_list("pk", flat=True)):
        sql, params = _completion_sql(lambda p, a=low, b=high: f"c.id >= {p(a)} AND c.id <= {p(b)}")
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            # bandit: table and column names are our constants; values are bound parameters.
            cursor.execute(
                f"DELETE FROM {COMPLETIONS} WHERE conversation_id >= %s AND conversation_id <= %s",  # noqa: S608  # nosec B608
                [low, high],
            )
            cursor.execute(f"INSERT INTO {COMPLETIONS} ({COMPLETION_COLUMNS}) {sql}", params)  # nosec B608
    if since is None:
        _duplicates_rewrite("dedupe_key <> ''", [])
    else:
        reported = f"SELECT d.dedupe_key FROM {EVENTS} d WHERE d.occurred_at >= %s"  # noqa: S608  # nosec B608
        _duplicates_rewrite(
            f"dedupe_key IN ({reported} AND d.dedupe_key <> '')",
            [connection.ops.adapt_datetimefield_value(since)],
        )


def _analyze() -> None:
    """Fresh planner statistics: after a bulk load (demo or benchmark data, an import) they are
    missing, and PostgreSQL then estimates one row per chunk and nests loops over each chunk's
    thousands of events (minutes per chunk instead of a fifth of a second)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {EVENTS}, {CONVERSATIONS}, {SEGMENTS}")


def _ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive ``(first, last)`` id ranges of at most ``RANGE`` of ``ids`` (sorted)."""
    return [(chunk[0], chunk[-1]) for chunk in batched(sorted(ids), RANGE)]


def _ranges_done(ids: list[int]):
    """``(ids done so far, (first, last))`` for each range of ``ids`` (sorted)."""
    for start in range(0, len(ids), RANGE):
        chunk = ids[start : start + RANGE]
        yield start + len(chunk), (chunk[0], chunk[-1])


def currencies_by_use() -> list[str]:
    """The currencies of the account's credited money, most used first, for the pickers (read
    from the day sums at most every ten minutes in each process, so a picker costs no query: it
    need not see today's first yen)."""

    def count() -> list[str]:
        totals = (
            CreditDay.objects.exclude(currency="")
            .values("currency")
            .annotate(total=Sum("n"))
            .filter(total__gt=0)
            .order_by("-total", "currency")
        )
        return [row["currency"] for row in totals[:10]]

    return caches["local"].get_or_set("credit:currencies-by-use", count, timeout=600)
