"""Everything one report page shows, gathered in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from reporting.charts import ColumnChart, bar_chart, column_chart
from reporting.filters import NONE_PARAM, Breakdown
from reporting.selectors.comparison import headlines_with_change
from reporting.selectors.context import ReportContext
from reporting.selectors.events import Drill, Measure, event_page
from reporting.selectors.goal_tracker import GoalTracker, conversions_by_skill, goal_tracker_rows
from reporting.selectors.targets import attainment_for, targets_for_filters
from reporting.selectors.trend import conversion_trend, trend_unit
from reporting.sorting import sort_tracker

SUB_PARAM = {Breakdown.SKILL: "skill", Breakdown.CAMPAIGN: "campaign", Breakdown.GOAL: "goal"}


def _row_drills(tracker: GoalTracker) -> None:
    """The URL parameters that narrow the filters to one row."""
    for row in tracker.rows:
        drill: dict = {"page": None}
        if row.agent_id is None:
            drill["unattributed"] = 1
        else:
            drill["agent"] = row.agent_id
        if tracker.by in SUB_PARAM:
            drill[SUB_PARAM[tracker.by]] = NONE_PARAM if row.sub_id is None else row.sub_id
        row.drill = drill


def _agent_chart(tracker: GoalTracker):
    per_agent: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in tracker.rows:
        label = row.agent_name or _("Unattributed")
        per_agent[label][0] += row.measures.in_session
        per_agent[label][1] += row.measures.cross_session
    return bar_chart([(label, v[0], v[1]) for label, v in per_agent.items()])


@dataclass(frozen=True)
class ManagerView:
    """What a manager's goal tracker shows beyond an agent's own summary, as the URL asks:
    ``sort`` (a column, ``-`` first for descending), ``trend`` (``day`` or ``week``) and
    ``rows`` (the page of the agents table; anything but a page number is the first)."""

    sort: str = ""
    trend: str = ""
    rows: int = 1

    @classmethod
    def from_query(cls, query) -> "ManagerView":
        return cls(
            sort=query.get("sort", ""), trend=query.get("trend", ""), rows=rows_number(query)
        )


def rows_number(query) -> int:
    """The ``rows`` URL parameter: the page of an agents table asked for (anything but a page
    number is the first; a page past the last shows the last, see ``rows_page``)."""
    rows = query.get("rows", "")
    return int(rows) if rows.isascii() and rows.isdigit() and 0 < int(rows) < 10**6 else 1


# Rows per page of the goal tracker's and the completeness agents tables, and of the Targets
# page. Totals, charts and exports cover every row; a page of 500 agents was 950 KB of HTML whose
# rendering took most of the request (the completeness table's 505 rows were 464 KB, two thirds
# of its request), and at 100 the goal tracker (with its 300 targets) still spent 0.1 s more.
AGENT_ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class RowsPage:
    """An agents table's page: its rows, and where the pages before and after it are."""

    rows: list
    page: int
    pages: int
    count: int  # rows on every page

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def rows_page(rows: list, page: int, per_page: int | None = None) -> RowsPage:
    per_page = per_page or AGENT_ROWS_PER_PAGE
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(page, 1), pages)
    return RowsPage(rows[(page - 1) * per_page : page * per_page], page, pages, len(rows))


@dataclass(frozen=True)
class TrendSeries:
    """One trend chart: conversions, or revenue in one currency."""

    key: str
    title: str
    currency: str
    chart: ColumnChart

    @property
    def dom_id(self) -> str:
        return f"trend-{self.key}" + (f"-{self.currency.lower()}" if self.currency else "")


def trend_section(context: ReportContext, requested: str) -> dict:
    """The trend charts by day or week (one query) and a message for an unknown step."""
    unit, error = trend_unit(context.filters, requested)
    trend = conversion_trend(context, unit)
    series = [
        TrendSeries(
            "conversions",
            _("Conversions"),
            "",
            column_chart([(b, b.conversions) for b in trend.buckets], whole=True),
        )
    ]
    for currency in trend.currencies:
        values = trend.revenue_series(currency)
        series.append(
            TrendSeries(
                "revenue",
                _("Revenue (%(currency)s)") % {"currency": currency},
                currency,
                column_chart(list(zip(trend.buckets, values, strict=True)), value_room=80),
            )
        )
    return {
        "trend": trend,
        "trend_series": series,
        "trend_param": unit if requested.strip().lower() == unit else "",
        "notices": [error] if error else [],
    }


def _manager_extras(context: ReportContext, tracker: GoalTracker, view: ManagerView) -> dict:
    """Sorting, the trend and the change of each headline number against the previous period
    (one trend query and one more ``goal_tracker_rows``)."""
    sorting = sort_tracker(tracker, view.sort)
    extras = {**trend_section(context, view.trend), **headlines_with_change(context, tracker)}
    extras["sorting"] = sorting
    extras["table"] = rows_page(tracker.rows, view.rows)
    extras["notices"] = [*([sorting.error] if sorting.error else []), *extras["notices"]]
    # Carried by the filter form, the sort links and the pagination, so nothing asked is lost.
    extras["keep"] = {"sort": sorting.param, "trend": extras["trend_param"]}
    return extras


def overview_page(context: ReportContext, view: ManagerView) -> dict:
    """The reports overview's numbers: headline totals with their change, and the trend."""
    tracker = goal_tracker_rows(context)
    by_agent = context.filters.by == Breakdown.AGENT
    return {
        "tracker": tracker,
        # Each agent's conversations handled, for the workload table (by agent only: a row per
        # agent and skill would count a conversation once per skill).
        "handled_per_agent": {
            row.agent_id: row.measures.handled for row in tracker.rows if row.agent_id
        }
        if by_agent
        else None,
        **trend_section(context, view.trend),
        **headlines_with_change(context, tracker),
        "policies": context.policies_used(),
    }


def tracker_targets(context: ReportContext, *, agents: list[int] | None = None) -> dict:
    """The targets of the period's last month with their attainment: the groups' and, of the
    agents', those of ``agents`` (the tracker table's page; None: all), the others counted
    for the Targets page (at 500 agents, 1,500 targets were most of the page)."""
    month = context.filters.end.replace(day=1)
    targets, elsewhere = targets_for_filters(context, month, agents=agents)
    return {
        "attainment": attainment_for(context, month, targets),
        "target_month": month,
        "targets_on_other_pages": elsewhere,
    }


def goal_tracker_page(
    context: ReportContext, *, page: int = 1, manager: ManagerView | None = None
) -> dict:
    """The goal tracker: table, charts, and one page of the goal reached events (about a dozen
    queries, however many events there are). For managers (``manager``) also sorting, the
    trend and the comparison with the previous period, and the targets are left to their own
    fragment (``target_agents``: the table's page of agents, whose targets it shows); else
    (an agent's own summary) the targets are here."""
    tracker = goal_tracker_rows(context)
    _row_drills(tracker)
    extras = _manager_extras(context, tracker, manager) if manager is not None else {}
    skills = conversions_by_skill(tracker)
    skill_chart = bar_chart(
        [(item["label"] or _("No skill"), item["in"], item["cross"]) for item in skills]
    )
    if manager is not None:
        targets = {
            "target_month": context.filters.end.replace(day=1),
            "target_agents": ",".join(
                str(row.agent_id) for row in extras["table"].rows if row.agent_id
            ),
        }
    else:
        targets = tracker_targets(context)
    return {
        "tracker": tracker,
        "agent_chart": _agent_chart(tracker),
        "skill_chart": skill_chart,
        "events": event_page(
            context,
            Drill(measure=Measure.CONVERSIONS),
            page=page,
            totals=tracker.reached.as_event_totals(),
        ),
        "policies": context.policies_used(),
        **targets,
        **extras,
    }
