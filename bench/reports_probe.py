"""Times the goal tracker at the current size of the database, inside Django; prints one JSON line.

Run by ``bench/reports_scale.py --probe`` as ``manage.py shell -c "from bench.reports_probe import
main; main()"`` (PostgreSQL: the hand-written SQL below is PostgreSQL's). Times, medians of
``REPEAT`` runs after one warm-up:
- ``product``: ``reporting.selectors.goal_tracker.goal_tracker_rows`` for an admin with the
  default filters (the last 30 days, by agent): the table's numbers, as the view computes them;
- ``page``: ``goal_tracker_page``, everything the page shows (table, charts, targets, the first
  page of goal reached events);
- ``hand_sql``: the best hand-written SQL for the same numbers over the event tables (below),
  then checks that every agent's numbers are equal (``x_hand``: product / hand-written).
``export_main`` builds the CSV export of the period as the background task does.
"""

import json
import os
import resource
import statistics
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import User
from reporting.forms import report_context
from reporting.models import ReportExport
from reporting.selectors.goal_tracker import Measures, goal_tracker_rows
from reporting.selectors.pages import goal_tracker_page
from reporting.services.exports import export_build
from workspace.attribution import period_at

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))

# The goal tracker's numbers straight from the tables, for the policy in force (one attribution
# model and window, as the benchmark account has): de-duplicated first reports, agent-reported
# events to their agent, customer-reported ones to the last touch of their conversation (or of the
# visitor's latest conversation in the window: cross-session), each judged against the goal of
# the credited conversation's campaign, dated by that conversation's start.
HAND_SQL = """
WITH ev AS (
    SELECT e.id, e.attribute_type, e.source, e.conversation_id, e.visitor_id, e.agent_id,
        e.occurred_at, e.amount, e.currency, e.status, e.topic
    FROM workspace_engagementattributeevent e
    WHERE e.retracted_at IS NULL AND e.attribute_type IN ('purchase', 'lead', 'service')
      AND (e.conversation_id IN (SELECT c.id FROM workspace_conversation c
                                 WHERE c.started_at >= %(start)s AND c.started_at < %(end)s)
           OR (e.conversation_id IS NULL AND e.occurred_at >= %(start)s
               AND e.occurred_at < %(reach)s))
      AND (e.dedupe_key = '' OR NOT EXISTS (
          SELECT 1 FROM workspace_engagementattributeevent d
          WHERE d.dedupe_key = e.dedupe_key AND d.retracted_at IS NULL AND d.dedupe_key <> ''
            AND (d.occurred_at, d.id) < (e.occurred_at, e.id)))
), credit AS (
    SELECT ev.id, COALESCE(ev.agent_id, c.agent_id) AS agent_id, c.campaign_id, 'in' AS session
    FROM ev JOIN workspace_conversation c ON c.id = ev.conversation_id
    WHERE ev.source IN ('agent_widget', 'agent_survey', 'manager')
    UNION ALL
    SELECT ev.id, t.agent_id, c.campaign_id, 'in'
    FROM ev JOIN workspace_conversation c ON c.id = ev.conversation_id
    LEFT JOIN LATERAL (
        SELECT s.agent_id FROM workspace_segment s
        WHERE s.conversation_id = c.id AND s.agent_id IS NOT NULL
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1) t ON true
    WHERE ev.source NOT IN ('agent_widget', 'agent_survey', 'manager')
    UNION ALL
    SELECT ev.id, t.agent_id, c.campaign_id, CASE WHEN c.id IS NULL THEN 'none' ELSE 'cross' END
    FROM ev LEFT JOIN LATERAL (
        SELECT c.id, c.campaign_id, c.started_at FROM workspace_conversation c
        WHERE c.visitor_id = ev.visitor_id AND c.started_at < ev.occurred_at
          AND c.started_at >= ev.occurred_at - %(window)s * interval '1 day'
        ORDER BY c.started_at DESC, c.id DESC LIMIT 1) c ON true
    LEFT JOIN LATERAL (
        SELECT s.agent_id FROM workspace_segment s
        WHERE s.conversation_id = c.id AND s.agent_id IS NOT NULL
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1) t ON true
    WHERE ev.conversation_id IS NULL
      AND COALESCE(c.started_at, ev.occurred_at) >= %(start)s
      AND COALESCE(c.started_at, ev.occurred_at) < %(end)s
)
SELECT cr.agent_id, ev.attribute_type, ev.currency, ev.status, cr.session,
    CASE WHEN g.goal_type = 'sell' AND ev.attribute_type = 'purchase'
              AND (g.sell_more_than IS NULL OR (ev.amount > g.sell_more_than
                   AND ev.currency = COALESCE(NULLIF(g.sell_currency, ''), %(currency)s)))
         THEN 1
         WHEN g.goal_type = 'leads' AND ev.attribute_type = 'lead' THEN 1
         WHEN g.goal_type = 'service' AND ev.attribute_type = 'service' AND EXISTS (
              SELECT 1 FROM campaigns_servicestatusbox b WHERE b.goal_id = g.id
              AND b.status = ev.status AND lower(trim(b.topic)) = lower(trim(ev.topic))) THEN 1
         ELSE 0 END AS reached,
    COUNT(*) AS weight, SUM(ev.amount) AS amount
FROM credit cr JOIN ev ON ev.id = cr.id
LEFT JOIN campaigns_campaign camp ON camp.id = COALESCE(cr.campaign_id,
    (SELECT d.id FROM campaigns_campaign d WHERE d.is_default))
LEFT JOIN campaigns_goal g ON g.id = camp.goal_id
GROUP BY 1, 2, 3, 4, 5, 6
"""
HAND_HANDLED_SQL = """
SELECT s.agent_id, COUNT(DISTINCT c.id) AS handled,
    COUNT(DISTINCT c.id) FILTER (WHERE g.goal_type = 'interact') AS interactions
FROM workspace_segment s JOIN workspace_conversation c ON c.id = s.conversation_id
LEFT JOIN campaigns_campaign camp ON camp.id = COALESCE(c.campaign_id,
    (SELECT d.id FROM campaigns_campaign d WHERE d.is_default))
LEFT JOIN campaigns_goal g ON g.id = camp.goal_id
WHERE s.agent_id IS NOT NULL AND c.started_at >= %(start)s AND c.started_at < %(end)s
GROUP BY s.agent_id
"""


def hand_params(context) -> dict:
    f = context.filters
    return {
        "start": f.start_at,
        "end": f.end_at,
        "reach": f.end_at + timedelta(days=31),
        "window": period_at(context.periods, f.start_at).window_days,
        "currency": context.default_currency,
    }


def hand_written(context) -> dict:
    """Per agent Measures from the hand-written SQL (Python only pivots aggregated rows)."""
    params = hand_params(context)
    per_agent: dict = {}
    # The same session settings as the product's report cursor: no JIT, sorts in memory.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
        )
        cursor.execute(HAND_SQL, params)
        names = [col[0] for col in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            per_agent.setdefault(row["agent_id"], Measures()).add_credit(row)
        cursor.execute(HAND_HANDLED_SQL, params)
        for agent_id, handled, interactions in cursor.fetchall():
            measures = per_agent.setdefault(agent_id, Measures())
            measures.handled, measures.interactions = handled, interactions
    return per_agent


def _comparable(measures: Measures) -> tuple:
    return (
        measures.handled,
        measures.interactions,
        measures.conversions,
        measures.in_session,
        measures.cross_session,
        {k: v for k, v in measures.revenue.items() if v},
        {k: v for k, v in measures.lead_value.items() if v},
        {k: v for k, v in measures.service.items() if v},
    )


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    function(*args, **kwargs)  # warm-up: plans, caches
    times, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def export_main() -> None:
    """The CSV export of the period's goal tracker events as the background task builds it;
    prints rows, seconds and the process's peak RSS (constant memory: server-side cursor)."""
    admin = User.objects.get(username="admin")
    days = os.environ.get("BENCH_EXPORT_DAYS", "30")
    today = timezone.localdate()
    params = {"start": str(today - timedelta(days=int(days) - 1)), "end": str(today)}
    export = ReportExport.objects.create(
        requested_by=admin, dataset="events", params=params, created_at=timezone.now()
    )
    started = time.perf_counter()
    rows = export_build(export_id=export.pk)
    seconds = time.perf_counter() - started
    size = Path(settings.REPORT_EXPORTS_DIR) / ReportExport.objects.get(pk=export.pk).file_name
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(peak_mb, 1),
                "file_mb": round(size.stat().st_size / 2**20, 1),
            }
        )
    )
    size.unlink()


def main() -> None:
    admin = User.objects.get(username="admin")
    context, _form, _account = report_context(admin, {}, now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM workspace_engagementattributeevent WHERE occurred_at >= %s",
            [context.filters.start_at],
        )
        events_in_period = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM workspace_engagementattributeevent")
        events = cursor.fetchone()[0]
    product_s, tracker = _timed(goal_tracker_rows, context)
    page_s, _page = _timed(goal_tracker_page, context)
    hand_s, hand = _timed(hand_written, context)
    product = {row.agent_id: _comparable(row.measures) for row in tracker.rows}
    expected = {agent: _comparable(m) for agent, m in hand.items()}
    idle = _comparable(Measures())
    differing = sorted(
        str(agent)
        for agent in set(product) | set(expected)
        if product.get(agent, idle) != expected.get(agent, idle)
    )
    print(
        json.dumps(
            {
                "events": events,
                "events_in_period": events_in_period,
                "agents": len(tracker.rows),
                "product_s": round(product_s, 4),
                "page_s": round(page_s, 4),
                "hand_sql_s": round(hand_s, 4),
                "x_hand": round(product_s / hand_s, 3),
                "equal": not differing,
                "differing_agents": differing[:10],
                "period": [str(context.filters.start_at), str(context.filters.end_at)],
            }
        )
    )
