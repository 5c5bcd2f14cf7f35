"""The goal tracker at scale: the product's code path beside the best hand-written SQL, as the
data grows (SPEC section 10: under 0.5 s at a million events and within 2x of the hand SQL),
and the CSV export's memory.

    .venv/bin/python bench/reports_scale.py [--max 100000] [--keep]

One database (``outcomes_bench_scale``) grows through N = 10k, 100k, 1M conversations (up to
``--max``; ``BENCH_SCALE`` in ``make bench``) with ``seed_demo --conversations N --agents 500``:
about two events per conversation over 60 days, so the default 30-day period holds about N
events. At each N: the seeding time, then (inside Django, ``bench/reports_probe.py``) the
rollup's cold build, the product's time, the hand-written SQL's time, whether every agent's
numbers are equal, and the first read after one new outcome. At the largest N: ``EXPLAIN
ANALYZE`` of both (``bench/results/reports_explain.txt``) and the CSV export of the period in a
fresh process with its peak RSS. ``--keep`` reuses the database and its data.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PYTHON,
    RESULTS,
    ROOT,
    load_average,
    local_database_url,
    machine,
    manage,
    server_env,
    write_results,
)

SCALES = (10_000, 100_000, 1_000_000)
BAR_SECONDS, BAR_RATIO = 0.5, 2.0
EXPLAIN = """
from django.db import connection, transaction
from django.utils import timezone
from bench.reports_probe import HAND_SQL, hand_params
from campaigns.models import User
from reporting.forms import report_context
from reporting.filters import time_zone_for
from reporting.selectors.rollup import rollup_credit_rows, split_period
context, _form, _account = report_context(User.objects.get(username="admin"), {},
    now=timezone.now())
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + HAND_SQL, hand_params(context))
    print("-- hand-written SQL\\n" + "\\n".join(row[0] for row in cursor.fetchall()))
connection.queries_log.clear()
connection.force_debug_cursor = True
split = split_period(context.filters, time_zone_for(context.account_tz_key))
rollup_credit_rows(context, split, ["cr.agent_id", "cr.skill_id"])
sql = connection.queries[-1]["sql"]
with connection.cursor() as cursor:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    print("-- the product's read of the rollup\\n" + "\\n".join(r[0] for r in cursor.fetchall()))
"""


def seed(env: dict[str, str], conversations: int) -> float:
    started = time.monotonic()
    manage(env, "seed_demo", "--conversations", str(conversations), "--agents", "500")
    seconds = time.monotonic() - started
    # Fresh statistics and visibility maps, as autovacuum would leave them (index-only scans).
    manage(env, "shell", "-c", VACUUM)
    return round(seconds, 1)


VACUUM = """
from django.db import connection
with connection.cursor() as cursor:
    for table in ("workspace_engagementattributeevent", "workspace_conversation",
                  "workspace_segment", "workspace_visitor"):
        cursor.execute(f"VACUUM (ANALYZE) {table}")
"""


def probe(env: dict[str, str]) -> dict:
    out = manage(env, "shell", "-c", "from bench.reports_probe import main; main()")
    return json.loads(out.strip().splitlines()[-1])


def export(env: dict[str, str]) -> dict:
    """The export in its own process, as a task worker runs it; its peak RSS from the OS too."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "from bench.reports_probe import export_main; "
         "export_main()"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["children_peak_rss_mb"] = round(
        max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024, 1
    )
    return figures


COLUMNS = (
    ("N conv", "n", "{:>9}"),
    ("events", "events", "{:>9}"),
    ("in 30 d", "events_in_period", "{:>8}"),
    ("seed s", "seed_s", "{:>7}"),
    ("build s", "rollup_build_s", "{!s:>8}"),
    ("product s", "product_s", "{:>9.4f}"),
    ("hand SQL s", "hand_sql_s", "{:>10.4f}"),
    ("x hand", "x_hand", "{:>7.2f}"),
    ("equal", "equal", "{!s:>6}"),
    ("write+read s", "after_one_write_s", "{:>12.4f}"),
    ("page s", "page_s", "{:>7.3f}"),
)


def print_row(step: dict | None = None) -> None:
    """The header (no step) or one step's line."""
    cells = []
    for title, key, spec in COLUMNS:
        width = spec.split(">")[1].split(".")[0].rstrip("}f")
        cells.append(f"{title:>{width}}" if step is None else spec.format(step[key]))
    print(" ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=int(os.environ.get("BENCH_SCALE", 100_000)))
    parser.add_argument("--keep", action="store_true", help="reuse the database and its data")
    parser.add_argument(
        "--export-days", type=int, default=30, help="the exported period (60: all the data)"
    )
    args = parser.parse_args()
    env = server_env(local_database_url("outcomes_bench_scale", fresh=not args.keep))
    env["BENCH_EXPORT_DAYS"] = str(args.export_days)
    manage(env, "migrate", "--no-input", "-v0")
    scales = [n for n in SCALES if n <= args.max] or [args.max]
    if args.max not in scales:
        scales.append(args.max)
    if args.keep:
        scales = [args.max]  # the data is there already: only the largest step means anything
    load_before, started, steps = load_average(), time.monotonic(), []
    print_row()
    for n in scales:
        step = {"n": n, "seed_s": seed(env, n)}
        step.update(probe(env))
        step["x_hand"] = round(step["product_s"] / step["hand_sql_s"], 3)
        steps.append(step)
        print_row(step)
    explain = manage(env, "shell", "-c", EXPLAIN)
    (RESULTS / "reports_explain.txt").write_text(explain)
    exported = export(env)
    largest = steps[-1]
    ratio = largest["x_hand"]
    bars = {
        "product_under_0_5_s": largest["product_s"] < BAR_SECONDS,
        "within_2x_of_hand_sql": ratio <= BAR_RATIO,
        "numbers_equal": all(s["equal"] for s in steps),
        "export_rss_under_150_mb": exported["peak_rss_mb"] < 150,
    }
    print(
        f"CSV export of {exported['rows']} rows: {exported['seconds']} s, peak RSS "
        f"{exported['peak_rss_mb']} MB ({exported['file_mb']} MB file)"
    )
    verdicts = ", ".join(f"{name} {'ok' if met else 'MISSED'}" for name, met in bars.items())
    print(f"bars at N={largest['n']}: {verdicts}")
    print(f"load average before / after: {load_before} / {load_average()}")
    write_results(
        "reports_scale",
        {
            "machine": machine(),
            "load_average": {"before": load_before, "after": load_average()},
            "seconds": round(time.monotonic() - started, 1),
            "steps": steps,
            "export": exported,
            "bars": bars,
        },
    )
    if not all(bars.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
