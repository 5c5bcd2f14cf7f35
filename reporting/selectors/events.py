"""The events behind a number: credit rows with each event's details, a page at a time for the
screen, or all of them through a server-side cursor for a CSV export."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import AttributeType, ServiceStatus
from campaigns.models import Connector, GoalType, Skill
from outcomes_site.db_router import reporting_alias
from reporting.selectors.context import ReportContext
from reporting.selectors.credits import (
    CAMPAIGNS,
    CONVERSATIONS,
    EVENTS,
    GOALS,
    USERS,
    Params,
    credit_filters_sql,
    credits_cte,
    credits_relation,
    fetch_dicts,
)
from reporting.selectors.numbers import as_count, as_money
from workspace.models import AGENT_SOURCES

CONNECTORS = Connector._meta.db_table
SKILLS = Skill._meta.db_table


class Measure:
    """Which credit rows a number counts."""

    ALL = ""
    CONVERSIONS = "conversions"
    IN_SESSION = "in_session"
    CROSS_SESSION = "cross_session"
    REVENUE = "revenue"
    LEAD_VALUE = "lead_value"
    SERVICE = "service"

    LABELS = {
        ALL: _("All credited events"),
        CONVERSIONS: _("Conversions (goal reached events)"),
        IN_SESSION: _("In-session conversions"),
        CROSS_SESSION: _("Cross-session conversions"),
        REVENUE: _("Revenue (transactions)"),
        LEAD_VALUE: _("Lead value (leads)"),
        SERVICE: _("Service activities"),
    }
    SQL = {
        ALL: "1 = 1",
        CONVERSIONS: "cr.reached = 1",
        IN_SESSION: "cr.reached = 1 AND cr.session = 'in'",
        CROSS_SESSION: "cr.reached = 1 AND cr.session = 'cross'",
        REVENUE: "cr.attribute_type = 'purchase'",
        LEAD_VALUE: "cr.attribute_type = 'lead'",
        SERVICE: "cr.attribute_type = 'service'",
    }


@dataclass(frozen=True)
class Drill:
    """A number's definition on top of the filters: its measure, and for money a currency, for
    service activities a status; ``unattributed`` selects events credited to no agent."""

    measure: str = Measure.ALL
    currency: str = ""
    status: int | None = None
    unattributed: bool = False

    def params(self) -> dict[str, str]:
        values = {
            "measure": self.measure,
            "currency": self.currency,
            "status": "" if self.status is None else str(self.status),
            "unattributed": "1" if self.unattributed else "",
        }
        return {k: v for k, v in values.items() if v}

    @property
    def label(self) -> str:
        label = str(Measure.LABELS.get(self.measure, Measure.LABELS[Measure.ALL]))
        if self.currency:
            label += f" · {self.currency}"
        if self.status is not None:
            label += f" · {ServiceStatus(self.status).label}"
        if self.unattributed:
            label += " · " + str(_("Unattributed"))
        return label


@dataclass
class EventRow:
    event_id: int
    agent_name: str
    agent_id: int | None
    conversation_id: int | None
    conversation_ref: str
    credited_at: datetime
    occurred_at: datetime
    session: str
    weight: Decimal
    amount_share: Decimal | None
    amount: Decimal | None
    currency: str
    attribute_type: str
    type_label: str
    goal_name: str
    goal_type_label: str
    campaign_name: str
    skill_name: str
    reached: bool
    action_id: str
    topic: str
    status: int | None
    status_label: str
    category: str
    source: str
    is_agent_reported: bool
    source_label: str
    reporter_name: str
    connector_name: str
    policy_id: int | None


def _drill_conditions(drill: Drill, p: Params) -> list[str]:
    """The drill's conditions on ``credits``."""
    where = [Measure.SQL[drill.measure]]
    if drill.currency:
        where.append(f"cr.currency = {p(drill.currency)}")
    if drill.status is not None:
        where.append(f"cr.status = {p(drill.status)}")
    if drill.unattributed:
        where.append("cr.agent_id IS NULL")
    return where


def _rows_sql(context: ReportContext, drill: Drill) -> tuple[str, Params, str]:
    query = credits_cte(context, rows=True)
    p = query.params
    where = [credit_filters_sql(context.filters, context.scope, p), *_drill_conditions(drill, p)]
    return query.sql, p, " AND ".join(where)


def _event_select(context: ReportContext, drill: Drill) -> tuple[str, Params]:
    head, p, where = _rows_sql(context, drill)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""{head}
SELECT cr.event_id, cr.agent_id, cr.conversation_id, cr.credited_at, cr.session, cr.weight,
    cr.amount_share, cr.amount, cr.currency, cr.attribute_type, cr.source, cr.status,
    cr.goal_type, cr.reached, cr.policy_id, e.action_id, e.topic, e.category, e.occurred_at,
    rep.first_name AS rep_first, rep.last_name AS rep_last, rep.username AS rep_username,
    ag.first_name AS ag_first, ag.last_name AS ag_last, ag.username AS ag_username,
    g.name AS goal_name, camp.name AS campaign_name, conv.external_id AS conversation_ref,
    conn.name AS connector_name, sk.name AS skill_name
FROM credits cr JOIN {EVENTS} e ON e.id = cr.event_id
LEFT JOIN {USERS} rep ON rep.id = e.reported_by_id
LEFT JOIN {USERS} ag ON ag.id = cr.agent_id
LEFT JOIN {GOALS} g ON g.id = cr.goal_id
LEFT JOIN {CAMPAIGNS} camp ON camp.id = cr.campaign_id
LEFT JOIN {CONVERSATIONS} conv ON conv.id = cr.conversation_id
LEFT JOIN {CONNECTORS} conn ON conn.id = e.connector_id
LEFT JOIN {SKILLS} sk ON sk.id = cr.skill_id
WHERE {where}
ORDER BY cr.credited_at DESC, cr.event_id DESC, cr.agent_id"""  # noqa: S608 (values are parameters)  # nosec B608
    return sql, p


def _name(first, last, username) -> str:
    full = f"{first or ''} {last or ''}".strip()
    return full or (username or "")


def _when(value) -> datetime:
    if isinstance(value, str):  # SQLite hands back text for computed datetime columns
        parsed = parse_datetime(value)
        return parsed.replace(tzinfo=UTC) if timezone.is_naive(parsed) else parsed
    return value


def event_row(item: dict) -> EventRow:
    currency = item["currency"] or ""
    agent_reported = item["source"] in AGENT_SOURCES
    status = item["status"]
    return EventRow(
        event_id=item["event_id"],
        agent_name=_name(item["ag_first"], item["ag_last"], item["ag_username"]),
        agent_id=item["agent_id"],
        conversation_id=item["conversation_id"],
        conversation_ref=item["conversation_ref"] or "",
        credited_at=_when(item["credited_at"]),
        occurred_at=_when(item["occurred_at"]),
        session=item["session"],
        weight=as_count(item["weight"]),
        amount_share=as_money(item["amount_share"], currency)
        if item["amount_share"] is not None
        else None,
        amount=as_money(item["amount"], currency) if item["amount"] is not None else None,
        currency=currency,
        attribute_type=item["attribute_type"],
        type_label=str(AttributeType(item["attribute_type"]).label),
        goal_name=item["goal_name"] or "",
        goal_type_label=str(GoalType(item["goal_type"]).label) if item["goal_type"] else "",
        campaign_name=item["campaign_name"] or "",
        skill_name=item["skill_name"] or "",
        reached=bool(item["reached"]),
        action_id=item["action_id"] or "",
        topic=item["topic"] or "",
        status=status,
        status_label=str(ServiceStatus(status).label) if status is not None else "",
        category=item["category"] or "",
        source=item["source"],
        is_agent_reported=agent_reported,
        source_label=str(_("Agent-reported") if agent_reported else _("Customer-reported")),
        reporter_name=_name(item["rep_first"], item["rep_last"], item["rep_username"]),
        connector_name=item["connector_name"] or "",
        policy_id=item["policy_id"],
    )


@dataclass
class EventPage:
    """One page of credit rows and the totals of all of them: ``count`` rows, their credited
    count (``weight``) and value (``money``, sums of shares), and each event once (``events``,
    ``money_once``: the de-duplicated totals; ``None`` when the caller did not ask for them)."""

    rows: list[EventRow]
    count: int
    weight: Decimal
    money: list[tuple[str, Decimal]]
    page: int
    pages: int
    events: int | None = None
    money_once: list[tuple[str, Decimal]] | None = None

    @property
    def once_differs(self) -> bool:
        """True when counting each event once gives other totals than the sum of the rows
        (an event shared by agents under "all", or only part of it in the selection)."""
        if self.events is None:
            return False
        return self.events != self.weight or self.money_once != self.money


def event_page(
    context: ReportContext,
    drill: Drill,
    *,
    page: int = 1,
    per_page: int = 25,
    totals: dict | None = None,
) -> "EventPage":
    """One page of credit rows and the totals of all of them (two queries, or one when the
    caller already knows the totals)."""
    totals = totals or event_totals(context, drill)
    pages = max(1, -(-totals["count"] // per_page))
    page = min(max(page, 1), pages)
    sql, p = _event_select(context, drill)
    sql += f" LIMIT {int(per_page)} OFFSET {int((page - 1) * per_page)}"
    rows = [event_row(item) for item in fetch_dicts(sql, p)]
    return EventPage(
        rows,
        totals["count"],
        totals["weight"],
        totals["money"],
        page,
        pages,
        events=totals.get("events"),
        money_once=totals.get("money_once"),
    )


def event_totals(context: ReportContext, drill: Drill) -> dict:
    """How many credit rows, their credited count and their value per currency (sums of
    shares), and each event once: how many events and their whole value per currency."""
    count, weight, events, money, once = 0, Decimal(0), 0, {}, {}
    for item in _event_totals_events(context, drill):
        count += int(item["n"])  # PostgreSQL sums counts as numeric
        weight += as_count(item["weight"])
        events += int(item["events"])
        currency = item["currency"]
        if currency and item["amount"] is not None:
            money[currency] = money.get(currency, Decimal(0)) + as_money(item["amount"], currency)
        if currency and item["amount_once"] is not None:
            once[currency] = once.get(currency, Decimal(0)) + as_money(
                item["amount_once"], currency
            )
    return {
        "count": count,
        "weight": weight,
        "money": sorted(money.items()),
        "events": events,
        "money_once": sorted(once.items()),
    }


def _event_totals_events(context: ReportContext, drill: Drill) -> list[dict]:
    """Per currency: rows, credited count, value of the shares, and each event once. Events
    credited once are their rows (the day sums, for whole days); those credited to several
    agents are grouped by event first, so that each counts once with its whole value."""
    p = Params()
    where = " AND ".join(
        [credit_filters_sql(context.filters, context.scope, p), *_drill_conditions(drill, p)]
    )
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = f"""WITH {credits_relation(context, p)}, {credits_relation(context, p, shared=True)}
SELECT cr.currency, SUM(cr.n) AS n, SUM(cr.weight) AS weight, SUM(cr.amount_share) AS amount,
    SUM(cr.n) AS events, SUM(cr.amount_share) AS amount_once
FROM credits cr WHERE {where} AND cr.shared = 0 GROUP BY cr.currency
UNION ALL
SELECT x.currency, SUM(x.n), SUM(x.weight), SUM(x.share), COUNT(*), SUM(x.amount)
FROM (SELECT cr.event_id, MAX(cr.currency) AS currency, COUNT(*) AS n, SUM(cr.weight) AS weight,
        SUM(cr.amount_share) AS share, MAX(cr.amount) AS amount
      FROM shared cr WHERE {where} GROUP BY cr.event_id) x
GROUP BY x.currency"""  # noqa: S608 (values are parameters)  # nosec B608
    return fetch_dicts(sql, p)


def event_rows_iter(context: ReportContext, drill: Drill, chunk: int = 2000) -> Iterator[EventRow]:
    """Every credit row, streamed from a server-side cursor (constant memory)."""
    sql, p = _event_select(context, drill)
    with connections[reporting_alias()].chunked_cursor() as cursor:
        cursor.execute(sql, p.values)
        names = [col[0] for col in cursor.description]
        while batch := cursor.fetchmany(chunk):
            for values in batch:
                yield event_row(dict(zip(names, values, strict=True)))


def event_count(context: ReportContext, drill: Drill) -> int:
    return event_totals(context, drill)["count"]
