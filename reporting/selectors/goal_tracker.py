"""The Agent goal tracker: one row per agent (or agent and skill, campaign or goal), aggregated
in the database over ``credits``; Python only pivots the aggregated rows into table cells."""

from dataclasses import dataclass, field
from decimal import Decimal

from campaigns.catalogue import AttributeType, ServiceStatus
from campaigns.models import Campaign, Goal, Skill, User
from reporting.filters import Breakdown, Scope
from reporting.selectors.common import ids_or_nothing
from reporting.selectors.context import ReportContext
from reporting.selectors.credits import (
    Params,
    agent_conditions,
    credit_filters_sql,
    credits_cte,
    credits_relation,
    fetch_dicts,
    handled_relation,
)
from reporting.selectors.numbers import as_count, as_money

SUB_COLUMN = {
    Breakdown.AGENT: None,
    Breakdown.SKILL: "skill_id",
    Breakdown.CAMPAIGN: "campaign_id",
    Breakdown.GOAL: "goal_id",
}
SUB_MODEL = {Breakdown.SKILL: Skill, Breakdown.CAMPAIGN: Campaign, Breakdown.GOAL: Goal}


@dataclass
class Measures:
    """The numbers of one row (or of a total)."""

    handled: int = 0
    interactions: int = 0
    conversions: Decimal = Decimal(0)
    in_session: Decimal = Decimal(0)
    cross_session: Decimal = Decimal(0)
    revenue: dict[str, Decimal] = field(default_factory=dict)
    lead_value: dict[str, Decimal] = field(default_factory=dict)
    service: dict[int, Decimal] = field(default_factory=dict)

    @property
    def conversion_rate(self) -> Decimal | None:
        """Conversions per conversation handled (a fraction: 0.125 is 12.5 %); None when no
        conversation was handled, where a rate means nothing."""
        if not self.handled:
            return None
        return Decimal(self.conversions) / Decimal(self.handled)

    def add_credit(self, row: dict) -> None:
        weight = as_count(row["weight"])
        if row["reached"]:
            self.conversions += weight
            if row["session"] == "in":
                self.in_session += weight
            elif row["session"] == "cross":
                self.cross_session += weight
        kind, currency = row["attribute_type"], row["currency"] or ""
        if kind == AttributeType.PURCHASE and currency and row["amount"] is not None:
            self.revenue[currency] = self.revenue.get(currency, Decimal(0)) + as_money(
                row["amount"], currency
            )
        elif kind == AttributeType.LEAD and currency and row["amount"] is not None:
            self.lead_value[currency] = self.lead_value.get(currency, Decimal(0)) + as_money(
                row["amount"], currency
            )
        elif kind == AttributeType.SERVICE and row["status"] is not None:
            status = int(row["status"])
            self.service[status] = self.service.get(status, Decimal(0)) + weight


@dataclass
class ReachedTotals:
    """Totals of the goal reached events (the list under the table) and conversions per skill
    (the chart), summed from the tracker's aggregate."""

    rows: int = 0
    weight: Decimal = Decimal(0)
    money: dict[str, Decimal] = field(default_factory=dict)
    per_skill: dict = field(default_factory=dict)

    def add(self, item: dict) -> None:
        if not item["reached"]:
            return
        weight = as_count(item["weight"])
        self.rows += item["n"]
        self.weight += weight
        currency = item["currency"] or ""
        if currency and item["amount"] is not None:
            amount = as_money(item["amount"], currency)
            self.money[currency] = self.money.get(currency, Decimal(0)) + amount
        skill = self.per_skill.setdefault(item["skill_id"], {"in": Decimal(0), "cross": Decimal(0)})
        skill["cross" if item["session"] == "cross" else "in"] += weight

    def as_event_totals(self) -> dict:
        return {"count": self.rows, "weight": self.weight, "money": sorted(self.money.items())}


@dataclass
class TrackerRow:
    agent_id: int | None
    agent_name: str
    sub_id: int | None = None
    sub_name: str = ""
    measures: Measures = field(default_factory=Measures)
    cells: dict = field(default_factory=dict)


@dataclass
class GoalTracker:
    rows: list[TrackerRow]
    total: Measures
    distinct_total: Measures
    revenue_currencies: list[str]
    lead_currencies: list[str]
    statuses: list[tuple[int, str]]
    by: str
    total_cells: dict = field(default_factory=dict)
    distinct_cells: dict = field(default_factory=dict)
    reached: ReachedTotals = field(default_factory=ReachedTotals)

    @property
    def each_once_differs(self) -> bool:
        """True when counting each event and conversation once differs from the sum of rows
        (events credited to several agents, conversations handled by several)."""
        return (
            self.total.conversions != self.distinct_total.conversions
            or self.total.handled != self.distinct_total.handled
            or self.total.interactions != self.distinct_total.interactions
            or self.total.revenue != self.distinct_total.revenue
            or self.total.lead_value != self.distinct_total.lead_value
            or self.total.service != self.distinct_total.service
        )


def _credit_aggregate(context: ReportContext, group_by: list[str]) -> list[dict]:
    """Credit grouped by ``group_by`` and what the measures tell apart."""
    query = credits_cte(context)
    where = credit_filters_sql(context.filters, context.scope, query.params)
    keys = ", ".join(group_by)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""{query.sql}
SELECT {keys}, cr.attribute_type, cr.currency, cr.status, cr.session, cr.reached,
    SUM(cr.weight) AS weight, SUM(cr.amount_share) AS amount, SUM(cr.n) AS n
FROM credits cr WHERE {where}
GROUP BY {keys}, cr.attribute_type, cr.currency, cr.status, cr.session, cr.reached"""  # noqa: S608 (values are parameters)  # nosec B608
    return fetch_dicts(sql, query.params)


MEASURED = "attribute_type, currency, status, session, reached"


def _distinct_aggregate(context: ReportContext) -> list[dict]:
    """Each event once, whoever shares its credit: the total beside the per-agent sum. An event
    credited once is its row; one credited to several agents counts once (reached, in-session or
    cross-session when one of its shares in the selection is), read from its rows."""
    p = Params()
    where = credit_filters_sql(context.filters, context.scope, p)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""WITH {credits_relation(context, p)}, {credits_relation(context, p, shared=True)}
SELECT {MEASURED}, SUM(cr.n) AS weight, SUM(cr.amount_share) AS amount
FROM credits cr WHERE {where} AND cr.shared = 0 GROUP BY {MEASURED}
UNION ALL
SELECT {MEASURED}, COUNT(*), SUM(amount)
FROM (SELECT cr.event_id, MAX(cr.attribute_type) AS attribute_type, MAX(cr.currency) AS currency,
        MAX(cr.status) AS status, MAX(cr.session) AS session, MAX(cr.reached) AS reached,
        MAX(cr.amount) AS amount
      FROM shared cr WHERE {where} GROUP BY cr.event_id) x
GROUP BY {MEASURED}"""  # noqa: S608 (values are parameters)  # nosec B608
    return fetch_dicts(sql, p)


def handled_aggregate(context: ReportContext, group_by: list[str] | None) -> list[dict]:
    """Conversations handled (and of them, those of an interaction goal) per ``group_by`` (which
    starts with the agent); with ``None``, each conversation once in the whole selection (the
    headline total). Read from the day sums; only a selection that takes some agents' rows of a
    conversation and not others (a team, a group, a skill across agents) reads the rows of
    conversations handled by several, to count each once."""
    p = Params()
    where = credit_filters_sql(context.filters, context.scope, p, handled=True)
    once = _counted_once(context, group_by)
    keys = ", ".join(group_by or [])
    select = keys + ", " if keys else ""
    group = f"GROUP BY {keys}" if keys else ""
    interactions = "SUM(CASE WHEN cr.goal_type = 'interact' THEN cr.n ELSE 0 END)"
    if once is not None:
        # bandit: SQL text built from constants and fragments; every value is a bound parameter.
        sql = f"""WITH {handled_relation(context, p)}
SELECT {select}SUM(cr.n) AS handled, {interactions} AS interactions
FROM handled cr WHERE {where} AND {once} {group}"""  # noqa: S608 (values are parameters)  # nosec B608
    else:
        # bandit: SQL text built from constants and fragments; every value is a bound parameter.
        sql = f"""WITH {handled_relation(context, p)}, {handled_relation(context, p, shared=True)}
SELECT SUM(cr.n) AS handled, {interactions} AS interactions
FROM handled cr WHERE {where} AND cr.shared = 0
UNION ALL
{_shared_once_sql(context, p, where)}"""  # noqa: S608 (values are parameters)  # nosec B608
    merged: dict[tuple, dict] = {}
    names = [key.split(".")[-1] for key in group_by or []]
    for item in fetch_dicts(sql, p):
        key = tuple(item[name] for name in names)
        row = merged.setdefault(
            key, {**{n: item[n] for n in names}, "handled": 0, "interactions": 0}
        )
        row["handled"] += item["handled"] or 0
        row["interactions"] += item["interactions"] or 0
    return list(merged.values())


def _shared_once_sql(context: ReportContext, p: Params, where: str) -> str:
    """Conversations handled by several, each counted once among the ``shared`` rows that
    ``where`` takes. A conversation of two agents is counted on each selected agent's first row,
    except on the later agent's when the other is selected too (``peer_agent_id``): a sum over
    the rows, where grouping them by conversation took most of a team's report. Only the few
    conversations of three agents or more are counted distinct; and all of them under a skill
    filter, which may take one agent's row and not the other's."""
    if context.filters.skill_id is not None:
        return f"""SELECT COUNT(*), SUM(CASE WHEN x.goal_type = 'interact' THEN 1 ELSE 0 END)
FROM (SELECT DISTINCT cr.conversation_id, cr.goal_type FROM shared cr WHERE {where}) x"""  # noqa: S608 (values are parameters)  # nosec B608
    peer = agent_conditions(context.filters, context.scope, p, "cr.peer_agent_id")
    paired = " AND ".join(["cr.peer_agent_id < cr.agent_id", *peer])
    skipped = f"cr.peer_agent_id = 0 OR ({paired})"
    crowd = "COUNT(DISTINCT cr.conversation_id) FILTER (WHERE cr.peer_agent_id = 0{})"
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    return f"""SELECT SUM(CASE WHEN {skipped} THEN 0 ELSE 1 END) + {crowd.format("")},
    SUM(CASE WHEN {skipped} THEN 0 WHEN cr.goal_type = 'interact' THEN 1 ELSE 0 END)
        + {crowd.format(" AND cr.goal_type = 'interact'")}
FROM shared cr WHERE {where} AND cr.repeat_row = 0"""  # noqa: S608 (values are parameters)  # nosec B608


def _counted_once(context: ReportContext, group_by: list[str] | None) -> str | None:
    """The condition on ``handled`` rows that counts each conversation once per group (or once
    in all, ``group_by`` None), or None when only reading the rows can tell. A conversation's
    rows share its campaign, goal and start; they differ in agent and skill (one row per agent
    and skill)."""
    f, scope = context.filters, context.scope
    skill_apart = f.skill_id is not None or "cr.skill_id" in (group_by or [])
    if group_by or f.agent_id or scope.kind == Scope.SELF:  # one agent per group
        return "1 = 1" if skill_apart else "cr.repeat_row = 0"
    if scope.kind == Scope.ALL and not f.group_id and f.skill_id is None:  # whole conversations
        return "cr.first_row = 1"
    return None


def goal_tracker_rows(context: ReportContext) -> GoalTracker:
    """The goal tracker table: rows, the per-agent sum and the de-duplicated total."""
    by = context.filters.by
    sub = SUB_COLUMN.get(by)
    group_by = ["cr.agent_id"] + ([f"cr.{sub}"] if sub else [])
    # The skill is always grouped too: the chart by skill and the count of goal reached events
    # come from this one aggregate instead of queries of their own.
    credit_keys = group_by if sub == "skill_id" else [*group_by, "cr.skill_id"]
    rows: dict[tuple, TrackerRow] = {}

    def row_for(agent_id, sub_id) -> TrackerRow:
        key = (agent_id, sub_id)
        if key not in rows:
            rows[key] = TrackerRow(agent_id=agent_id, agent_name="", sub_id=sub_id)
        return rows[key]

    total, distinct = Measures(), distinct_totals(context)
    reached = ReachedTotals()
    for item in _credit_aggregate(context, credit_keys):
        row_for(item["agent_id"], item.get(sub) if sub else None).measures.add_credit(item)
        total.add_credit(item)
        reached.add(item)
    for item in handled_aggregate(context, group_by):
        measures = row_for(item["agent_id"], item.get(sub) if sub else None).measures
        measures.handled, measures.interactions = item["handled"], item["interactions"]
        total.handled += item["handled"]
        total.interactions += item["interactions"]
    _add_idle_agents(context, rows, sub)
    _name_rows(rows, by)
    ordered = sorted(
        rows.values(), key=lambda r: (r.agent_id is None, r.agent_name.casefold(), r.sub_name)
    )
    tracker = _with_cells(ordered, total, distinct, by)
    tracker.reached = reached
    return tracker


def distinct_totals(context: ReportContext) -> Measures:
    """Each event and each conversation once in the whole selection: the headline numbers, and
    all a comparison with another period needs (two queries)."""
    distinct = Measures()
    for item in _distinct_aggregate(context):
        distinct.add_credit(item)
    for item in handled_aggregate(context, None):
        distinct.handled, distinct.interactions = item["handled"], item["interactions"]
    return distinct


def _add_idle_agents(context: ReportContext, rows: dict, sub: str | None) -> None:
    """Agents in scope with nothing in the period still get a row (by agent only)."""
    if sub:
        return
    f = context.filters
    agents = context.scope.agents()
    if f.agent_id:
        agents = agents.filter(pk=f.agent_id)
    if f.group_id:
        agents = agents.filter(agent_group=f.group_id)
    if f.skill_id is not None:
        agents = agents.filter(skills=f.skill_id) if f.skill_id else agents.none()
    for user in agents.only("pk", "first_name", "last_name", "username"):
        rows.setdefault((user.pk, None), TrackerRow(agent_id=user.pk, agent_name=user.display_name))


def _name_rows(rows: dict, by: str) -> None:
    ids = {key[0] for key, row in rows.items() if key[0] is not None and not row.agent_name}
    names = {
        u.pk: u.display_name
        for u in User.objects.filter(pk__in=ids_or_nothing(ids)).only(
            "first_name", "last_name", "username"
        )
    }
    sub_names = {}
    if by in SUB_MODEL:
        sub_ids = {key[1] for key in rows if key[1] is not None}
        sub_names = {
            o.pk: str(o) for o in SUB_MODEL[by].objects.filter(pk__in=ids_or_nothing(sub_ids))
        }
    for (agent_id, sub_id), row in rows.items():
        if not row.agent_name:
            row.agent_name = names.get(agent_id, "") if agent_id is not None else ""
        if by in SUB_MODEL:
            row.sub_name = sub_names.get(sub_id, "")


def _with_cells(rows, total, distinct, by) -> GoalTracker:
    revenue = sorted({c for r in [*rows, total] for c in r_measures(r).revenue})
    leads = sorted({c for r in [*rows, total] for c in r_measures(r).lead_value})
    status_ids = sorted({s for r in [*rows, total] for s in r_measures(r).service})

    def cells(m: Measures) -> dict:
        return {
            "revenue": [(c, m.revenue.get(c)) for c in revenue],
            "lead_value": [(c, m.lead_value.get(c)) for c in leads],
            "service": [(s, m.service.get(s)) for s in status_ids],
        }

    for row in rows:
        row.cells = cells(row.measures)
    return GoalTracker(
        total_cells=cells(total),
        distinct_cells=cells(distinct),
        rows=rows,
        total=total,
        distinct_total=distinct,
        revenue_currencies=revenue,
        lead_currencies=leads,
        statuses=[(s, str(ServiceStatus(s).label)) for s in status_ids],
        by=by,
    )


def r_measures(item) -> Measures:
    return item.measures if isinstance(item, TrackerRow) else item


def conversions_by_skill(tracker: GoalTracker) -> list[dict]:
    """Conversions per skill (in-session and cross-session), for the chart (one query: names)."""
    per_skill = tracker.reached.per_skill
    names = {s.pk: s.name for s in Skill.objects.filter(pk__in=ids_or_nothing(per_skill))}
    return sorted(
        (
            {"id": k, "label": names.get(k, ""), "in": v["in"], "cross": v["cross"]}
            for k, v in per_skill.items()
        ),
        key=lambda item: (-(item["in"] + item["cross"]), item["label"]),
    )
