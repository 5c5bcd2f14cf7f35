"""Everything one report page shows, gathered in a constant number of queries."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from reporting.charts import bar_chart
from reporting.filters import NONE_PARAM, Breakdown
from reporting.selectors.context import ReportContext
from reporting.selectors.events import Drill, Measure, event_page
from reporting.selectors.goal_tracker import GoalTracker, conversions_by_skill, goal_tracker_rows
from reporting.selectors.targets import attainment_for, targets_for_filters

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


def goal_tracker_page(context: ReportContext, *, page: int = 1) -> dict:
    """The goal tracker: table, charts, targets of the period's last month, and one page of the
    goal reached events (about a dozen queries, however many events there are)."""
    tracker = goal_tracker_rows(context)
    _row_drills(tracker)
    skills = conversions_by_skill(tracker)
    skill_chart = bar_chart(
        [(item["label"] or _("No skill"), item["in"], item["cross"]) for item in skills]
    )
    month = context.filters.end.replace(day=1)
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
        "attainment": attainment_for(context, month, targets_for_filters(context, month)),
        "target_month": month,
        "policies": context.policies_used(),
    }
