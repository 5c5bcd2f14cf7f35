"""Every report page at scale, through gunicorn with production settings, as people read them.

    .venv/bin/python bench/reports_scale.py --database postgresql  # 1M conversations, 500 agents
    .venv/bin/python bench/reports_scale.py --database sqlite      # 100k conversations, 50 agents
    .venv/bin/python bench/reports_scale.py --ci                   # 10k conversations, SQLite
    ... [--keep] [--writes-seconds 60] [--no-writes] [--probe]

Seeds ``seed_demo --conversations N --agents M`` (closed conversations over 60 days, about two
events each, 10 % transferred between two agents, agent surveys answered on half of those a
survey applies to, about 5 % of the events left on the visitor for cross-session credit), adds a
target for every agent and month (``bench/reports_fixtures.py``), fills the credit tables with
``manage.py reports_rebuild --all`` (the seeding writes rows in bulk, past the write paths), then
starts gunicorn (DEBUG off, 2 sync workers, loopback only) and reads every report page: the
overview, the goal tracker by agent, skill, campaign and goal, the conversation and event lists
behind the goal tracker's busiest agent cell and behind the headline totals (first page), the
targets the goal tracker loads after itself, targets,
the survey report, completeness with its follow-up queue, duplicates, as ``admin`` and as
``manager`` (an agent manager: two of the three groups), and My summary as an agent. Wall time of
each request, rendering included: one warm-up, then the median (and p95) of ``--repeat`` reads.

On PostgreSQL a second phase reads the pages again while a load generator in its own process
sends 20 outcome submits and 5 ingests of 10 SDEs per second to the same server; its p95 per page
must stay under the bar too. Bars: every page under 0.5 s on PostgreSQL, under 1 s on SQLite.
Prints a table, writes ``bench/results/reports_scale_<database>_<N>.json`` and exits 1 on a miss
(or any answer other than 200). ``--keep`` reuses the database and its data (over data already
seeded at the asked size: no seeding and no full credit rebuild, only pending rebuilds).
"""

import argparse
import html
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import (
    RESULTS,
    free_port,
    gunicorn,
    load_average,
    local_database_url,
    login,
    machine,
    server_env,
    timed_get,
    write_results,
)
from bench.reports_load import WriteLoad

BARS = {"postgresql": 0.5, "sqlite": 1.0}
DEFAULTS = {"postgresql": (1_000_000, 500), "sqlite": (100_000, 50)}
CI = {"conversations": 10_000, "agents": 50, "writes_seconds": 20, "budget_s": 180}
MANAGERS = ("admin", "manager")
AGENT = "bench-agent-001"
PAGES = [
    ("overview", "/reports/"),
    ("goal tracker by agent", "/reports/goal-tracker/"),
    ("goal tracker by skill", "/reports/goal-tracker/?by=skill"),
    ("goal tracker by campaign", "/reports/goal-tracker/?by=campaign"),
    ("goal tracker by goal", "/reports/goal-tracker/?by=goal"),
    ("targets", "/reports/targets/"),
    ("survey report", "/reports/surveys/"),
    ("completeness and follow-up", "/reports/completeness/"),
    ("duplicates", "/reports/duplicates/"),
]
VACUUM = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM (ANALYZE)")
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=sorted(BARS), default=None)
    parser.add_argument("--conversations", type=int, default=None)
    parser.add_argument("--agents", type=int, default=None)
    parser.add_argument("--ci", action="store_true", help="10k conversations, short write phase")
    parser.add_argument("--keep", action="store_true", help="reuse the database and its data")
    parser.add_argument("--repeat", type=int, default=5, help="timed reads per page, after one")
    parser.add_argument("--writes-seconds", type=int, default=None, help="the write phase")
    parser.add_argument("--no-writes", action="store_true", help="skip the write phase")
    parser.add_argument(
        "--probe", action="store_true", help="also the goal tracker beside hand-written SQL"
    )
    args = parser.parse_args()
    args.database = args.database or "sqlite" if args.ci else args.database or "postgresql"
    size = (CI["conversations"], CI["agents"]) if args.ci else DEFAULTS[args.database]
    args.conversations = args.conversations or size[0]
    args.agents = args.agents or size[1]
    if args.writes_seconds is None:
        args.writes_seconds = CI["writes_seconds"] if args.ci else 60
    return args


def database_env(args: argparse.Namespace) -> dict[str, str]:
    if args.database == "postgresql":
        url = local_database_url("outcomes_bench_reports", fresh=not args.keep)
        return server_env(url, API_RATE_LIMIT_PER_MINUTE="0")
    path = RESULTS / f"reports_scale_{args.conversations}.sqlite3"
    if not args.keep:
        for stale in RESULTS.glob(f"{path.name}*"):
            stale.unlink()
    RESULTS.mkdir(parents=True, exist_ok=True)
    return server_env("", SQLITE_PATH=str(path), API_RATE_LIMIT_PER_MINUTE="0")


def manage(env: dict[str, str], *args: str) -> str:
    """``manage.py`` as the harness runs it; on a failure, its error output before exiting."""
    try:
        return harness.manage(env, *args)
    except subprocess.CalledProcessError as failed:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{failed.stderr[-3000:]}")


def _shape(env: dict[str, str]) -> dict:
    return _last_json(
        manage(env, "shell", "-c", "from bench.reports_fixtures import data_shape; data_shape()")
    )


def prepare(env: dict[str, str], args: argparse.Namespace) -> dict:
    """Seed (idempotent), targets, credit tables, fresh statistics; returns timings and shape.
    With ``--keep`` over data already seeded at this size, only what the writes keep and a
    migration asked for is brought up to date (``reports_rebuild`` of pending requests): seeding
    again would rebuild every credit row (minutes at 1M conversations)."""
    timings = {}
    manage(env, "migrate", "--no-input", "-v0")
    if args.keep and _shape(env)["conversations"] >= args.conversations:
        started = time.monotonic()
        manage(env, "reports_rebuild")
        timings["reports_rebuild_pending_s"] = round(time.monotonic() - started, 1)
        if args.database == "postgresql":
            manage(env, "shell", "-c", VACUUM)
        return {**timings, **_shape(env), "reused": True}
    started = time.monotonic()
    manage(
        env, "seed_demo", "--conversations", str(args.conversations), "--agents", str(args.agents)
    )
    timings["seed_s"] = round(time.monotonic() - started, 1)
    manage(env, "shell", "-c", "from bench.reports_fixtures import agent_targets; agent_targets()")
    if "reports_rebuild" in manage(env, "help", "--commands"):
        started = time.monotonic()
        manage(env, "reports_rebuild", "--all")
        timings["reports_rebuild_s"] = round(time.monotonic() - started, 1)
    else:
        print("manage.py reports_rebuild is missing: the credit tables are not rebuilt")
        timings["reports_rebuild_s"] = None
    if args.database == "postgresql":
        manage(env, "shell", "-c", VACUUM)  # as autovacuum would leave it (index-only scans)
    return {**timings, **_shape(env)}


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def _cookie(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def drill_links(base: str, cookie: str) -> list[tuple[str, str]]:
    """The lists a goal tracker cell opens: the busiest agent's handled conversations and
    conversions, and the same behind the headline totals (all agents in scope); and the
    targets the page loads after itself."""
    _status, _seconds, body = timed_get(base, "/reports/goal-tracker/", cookie)
    links = [
        (html.unescape(href), int(re.sub(r"\D", "", text) or 0))
        for href, text in re.findall(r'<a href="(/reports/(?:events|conversations)/\?[^"]+)">'
                                     r"(?:<strong>)?([\d,.\s\u00a0\u202f]*)<", body)
    ]  # fmt: skip
    found = []
    for name, marker in (("conversations", "family=handled"), ("events", "measure=conversions")):
        cells = [(n, href) for href, n in links if marker in href and "agent=" in href]
        totals = [href for href, _n in links if marker in href and "agent=" not in href]
        if cells:
            found.append((f"drill-down {name} (busiest cell)", max(cells)[1]))
        if totals:
            found.append((f"drill-down {name} (headline total)", totals[0]))
    # The targets the goal tracker loads after itself (its table's page of agents).
    targets = re.search(r'hx-get="(/reports/goal-tracker/targets/\?[^"]+)"', body)
    if targets:
        found.append(("goal tracker's targets", html.unescape(targets[1])))
    return found


def read_pages(base: str, pages: list[tuple], repeat: int, samples: dict | None = None) -> dict:
    """``{(page, role): [seconds, ...]}``; one warm-up first unless ``samples`` are added to."""
    samples = samples if samples is not None else {}
    for name, role, url, cookie in pages:
        key = (name, role)
        if key not in samples:
            samples[key] = {"seconds": [], "statuses": [], "url": url}
            timed_get(base, url, cookie)  # warm-up: plans, caches, connections
        for _ in range(repeat):
            status, seconds, _body = timed_get(base, url, cookie)
            samples[key]["seconds"].append(seconds)
            samples[key]["statuses"].append(status)
    return samples


def summarise(samples: dict, bar: float, statistic: str) -> list[dict]:
    rows = []
    for (name, role), got in samples.items():
        seconds = sorted(got["seconds"])
        p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
        median = statistics.median(seconds)
        judged = median if statistic == "median" else p95
        ok = all(s == 200 for s in got["statuses"])
        rows.append(
            {
                "page": name,
                "role": role,
                "url": got["url"],
                "reads": len(seconds),
                "median_s": round(median, 3),
                "p95_s": round(p95, 3),
                "bar_s": bar,
                "judged_by": statistic,
                "statuses": sorted(set(got["statuses"])),
                "met": ok and judged < bar,
            }
        )
    return rows


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'page':<44} {'role':<8} {'median s':>8} {'p95 s':>7} {'bar':>9}  verdict")
    for r in rows:
        bar = f"{r['judged_by'][:3]}<{r['bar_s']}"
        verdict = "met" if r["met"] else "MISSED"
        if r["statuses"] != [200]:
            verdict += f" (HTTP {','.join(map(str, r['statuses']))})"
        print(
            f"{r['page']:<44} {r['role']:<8} {r['median_s']:>8.3f} {r['p95_s']:>7.3f} "
            f"{bar:>9}  {verdict}"
        )


def page_list(base: str) -> list[tuple]:
    pages = []
    for role in MANAGERS:
        cookie = _cookie(login(base, role))
        for name, url in [*PAGES, *drill_links(base, cookie)]:
            pages.append((name, role, url, cookie))
    pages.append(("my summary", "agent", "/reports/my-summary/", _cookie(login(base, AGENT))))
    return pages


def write_phase(env, base: str, pages: list[tuple], args, bar: float) -> tuple[list, dict]:
    """Pages read round after round while the writes run beside them (p95 per page)."""
    load = WriteLoad(env, base, submits_per_s=20, ingests_per_s=5)
    samples: dict = {}
    with load:
        time.sleep(2)  # the generator reaches its rate
        deadline = time.monotonic() + args.writes_seconds
        rounds = 0
        while rounds < 3 or time.monotonic() < deadline:
            read_pages(base, pages, 1, samples)
            rounds += 1
    return summarise(samples, bar, "p95"), load.figures


def main() -> None:
    args = parse_args()
    started, load_before = time.monotonic(), load_average()
    if args.database == "postgresql" and not shutil.which("psql"):
        sys.exit("PostgreSQL is missing: apt-get install postgresql")
    env = database_env(args)
    data = prepare(env, args)
    print(f"data: {json.dumps(data)}", flush=True)
    bar = BARS[args.database]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    writes, load_figures = [], None
    with gunicorn(env, port):
        pages = page_list(base)
        quiet = summarise(read_pages(base, pages, args.repeat), bar, "median")
        print_table(f"Pages, {args.database}, {data['conversations']} conversations", quiet)
        if args.database == "postgresql" and not args.no_writes:
            writes, load_figures = write_phase(env, base, pages, args, bar)
            print_table("With writes beside (20 submits/s, 5 ingests of 10 SDEs/s)", writes)
            print(f"write load: {json.dumps(load_figures)}")
    probe = None
    if args.probe:
        probe = _last_json(
            manage(env, "shell", "-c", "from bench.reports_probe import main; main()")
        )
        print(f"goal tracker beside hand-written SQL: {json.dumps(probe)}")
    seconds = round(time.monotonic() - started, 1)
    bars = {
        "pages": all(r["met"] for r in quiet),
        "pages_with_writes": all(r["met"] for r in writes),
    }
    if load_figures is not None:
        bars["write_load_reached"] = load_figures["errors"] == 0 and load_figures["rate_reached"]
    if probe is not None:
        bars["tracker_within_2x_of_hand_sql"] = probe["x_hand"] <= 2.0
        bars["tracker_equals_hand_sql"] = probe["equal"]
    if args.ci:
        bars["ci_under_3_minutes"] = seconds < CI["budget_s"]
    print(f"\nbars: {', '.join(f'{k} {"ok" if v else "MISSED"}' for k, v in bars.items())}")
    print(f"{seconds} s; load average before / after: {load_before} / {load_average()}")
    write_results(
        f"reports_scale_{args.database}_{args.conversations}",
        {
            "machine": machine(),
            "mode": vars(args),
            "data": data,
            "load_average": {"before": load_before, "after": load_average()},
            "seconds": seconds,
            "pages": quiet,
            "pages_with_writes": writes,
            "write_load": load_figures,
            "probe": probe,
            "bars": bars,
        },
    )
    if not all(bars.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
