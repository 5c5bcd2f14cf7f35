"""Requests per second of the product's main paths beside the two references (SPEC section 10).

    .venv/bin/python bench/requests.py [--duration 5] [--runs 3]

One gunicorn (production settings: DEBUG off, PostgreSQL, 2 sync workers) on 127.0.0.1 and wrk
(2 threads, 16 connections) on loopback only, each run bounded by ``--duration``. Every round
measures the bare view once, then each path right after its own run of the reference page, so
that each ratio compares two runs made seconds apart under the same conditions (the machine's
speed drifts by tens of percent within minutes, and writes leave the database busy for a while
after them). The table shows the medians of ``--runs`` rounds: requests per second, latencies,
and the median of each path's paired ratios to the reference page and to the round's bare view.

Paths: the bare view and the reference page (``bench/references.py``), the conversation page,
the widget's outcomes partial (an htmx GET), an outcome submit (an htmx POST with CSRF and a
fresh idempotency token, so each request makes a new event, spread over 2,000 open
conversations; it targets its type's fragment, as the widget's forms do), the goal tracker with
its default filters (the last 30 days of the demo account), and an ingest API POST of 10 SDEs.
After the load: the RSS of each gunicorn worker.
A fresh database ``outcomes_bench`` is made each time (or ``DATABASE_URL`` is used as it is).
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    free_port,
    gunicorn,
    load_average,
    local_database_url,
    login,
    machine,
    manage,
    server_env,
    write_results,
    wrk,
)

# Ten SDEs of the kinds a shop's back end sends after a sale (the ingest API's common case). Each
# request is a new sale: wrk puts a fresh id where ``@ID@`` stands, so that order and lead ids are
# reported once or twice, as in life, rather than thousands of times.
SDES = [
    *[
        {"type": "purchase", "total": "49.90", "currency": "USD", "orderId": f"B-@ID@-{i}"}
        for i in range(4)
    ],
    *[
        {"type": "lead", "lead": {"topic": "Quote", "value": 120, "leadId": f"L-@ID@-{i}"}}
        for i in (1, 2)
    ],
    *[
        {"type": "service", "service": {"topic": "Refund", "status": 0, "serviceId": f"S-@ID@-{i}"}}
        for i in (1, 2)
    ],
    {"type": "ctmrinfo", "info": {"customerId": "C-1", "ctype": "gold"}},
    {"type": "mrktInfo", "info": {"channel": 1, "affiliate": "search"}},
]
# wrk runs one Lua state per thread: ``setup`` numbers them, so that tokens never collide.
THREADS_LUA = """
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
local counter = 0
"""
INGEST_LUA = (
    THREADS_LUA
    + """
local sdes = %s
-- A new number for each run of wrk (each round): the ids of one round are never sent again.
local run = (%d + os.time()) %% 2147483647
function request()
  counter = counter + 1
  local id = run .. "-" .. tid .. "-" .. counter
  local visitor = '{"visitorId": "bench-api-' .. tid .. '-' .. (counter %% 250) .. '", '
  return wrk.format("POST", "/api/v1/engagement-attributes", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("CO_API_KEY"),
  }, visitor .. '"engagementAttributes": ' .. string.gsub(sdes, "@ID@", id) .. '}')
end
"""
)
SUBMIT_LUA = (
    THREADS_LUA
    + """
local ids = {%s}
-- A new number for each run of wrk (each round): the ids of one round are never sent again.
local run = (%d + os.time()) %% 2147483647
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = "%s",
  ["X-CSRFToken"] = "%s",
  ["HX-Request"] = "true",
  ["HX-Target"] = "outcome-type-purchase",
}
function request()
  counter = counter + 1
  local token = string.format("%%08x-%%04x-4000-8000-%%012x", run, tid, counter)
  local pk = ids[(counter * 2 + tid) %% #ids + 1]
  local body = "add-purchase-token=" .. token .. "&add-purchase-total=49.90"
    .. "&add-purchase-currency=USD&add-purchase-orderId=W" .. run .. "-" .. tid .. "-" .. counter
  return wrk.format("POST", "/workspace/conversations/" .. pk .. "/outcomes/purchase/",
    headers, body)
end
"""
)
IDS = """
import json
from bench.fixtures import open_conversations
from workspace.models import Conversation
page = Conversation.objects.filter(
    agent__username="agent", ended_at=None, external_id__startswith="demo-").first()
print(json.dumps({"page": page.pk, "open": open_conversations("agent", 2000)}))
"""
BARS = {"widget_partial": 0.8, "outcome_submit": 0.5, "api_ingest_10": 0.5}


def _cookie(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def prepare() -> tuple[dict[str, str], dict]:
    """A fresh database with the demo account, 2,000 open conversations and a connector key."""
    env = server_env(local_database_url("outcomes_bench", fresh=True))
    env["API_RATE_LIMIT_PER_MINUTE"] = "0"
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo")
    ids = json.loads(manage(env, "shell", "-c", IDS).strip().splitlines()[-1])
    # The key stays in this process and wrk's environment; it is never printed.
    key = manage(env, "connector_create", "--name", "bench").strip().splitlines()[-1]
    os.environ["CO_API_KEY"] = key
    return env, ids


def scenarios(base: str, ids: dict, scripts: dict[str, str]) -> dict[str, dict]:
    agent = _cookie(login(base, "agent"))
    admin = _cookie(login(base, "admin"))
    page = f"{base}/workspace/conversations/{ids['page']}/"
    return {
        "bare": {"url": f"{base}/bench/bare/"},
        "reference": {"url": f"{base}/bench/reference/", "headers": {"Cookie": agent}},
        "conversation_page": {"url": page, "headers": {"Cookie": agent}},
        "widget_partial": {
            "url": page,
            "headers": {"Cookie": agent, "HX-Request": "true", "HX-Target": "summary-outcomes"},
        },
        "outcome_submit": {"url": base, "script": scripts["submit"]},
        "goal_tracker": {"url": f"{base}/reports/goal-tracker/", "headers": {"Cookie": admin}},
        "api_ingest_10": {"url": base, "script": scripts["ingest"]},
    }


def write_scripts(folder: str, base: str, ids: dict) -> dict[str, str]:
    cookies = login(base, "agent")
    submit = SUBMIT_LUA % (
        ", ".join(str(pk) for pk in ids["open"]),
        secrets.randbelow(2**31),
        _cookie(cookies),
        cookies["csrftoken"],
    )
    ingest = INGEST_LUA % ("'" + json.dumps(SDES) + "'", secrets.randbelow(2**31))
    paths = {}
    for name, text in (("submit", submit), ("ingest", ingest)):
        paths[name] = str(Path(folder) / f"{name}.lua")
        Path(paths[name]).write_text(text)
    return paths


def worker_rss_mb(master_pid: int) -> list[float]:
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout
    return [round(int(kb) / 1024, 1) for kb in out.split()]


def summarise(runs: dict[str, list[dict]]) -> dict[str, dict]:
    """Medians over the rounds; the ratios are medians of the paired ratios (see above)."""
    return {
        name: {
            **{
                key: statistics.median(r[key] for r in rounds)
                for key in ("rps", "p50_ms", "p99_ms", "errors")
            },
            **{key: round(statistics.median(r[key] for r in rounds), 3) for key in RATIOS},
        }
        for name, rounds in runs.items()
    }


RATIOS = ("x_bare", "x_reference")


def settle(url: str, *, limit_s: float = 60.0) -> None:
    """Wait until the server answers ``url`` at once again: a slow path's requests (the goal
    tracker's) may still be queued in the workers after wrk stops, and would otherwise eat the
    next run."""
    import contextlib
    import urllib.request

    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(url)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            # bandit: only the benchmark's own server, checked above.
            urllib.request.urlopen(url, timeout=limit_s).read()  # nosec B310
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.5)


def _ratio(rps: float, base: float) -> float:
    return rps / base if base else 0.0


def measure_round(paths: dict[str, dict], duration: int) -> dict[str, list[dict]]:
    """One round: the bare view, then every path after its own run of the reference page."""

    def run(name: str) -> dict:
        how = paths[name]
        settle(paths["bare"]["url"])
        return wrk(
            how["url"], headers=how.get("headers"), script=how.get("script"), duration=duration
        )

    bare = run("bare")
    got: dict[str, list[dict]] = {"bare": [{**bare, "x_bare": 1.0, "x_reference": 0.0}]}
    for name in paths:
        if name in ("bare", "reference"):
            continue
        reference = run("reference")
        result = run(name)
        for figures in (reference, result):
            figures["x_bare"] = _ratio(figures["rps"], bare["rps"])
            figures["x_reference"] = _ratio(figures["rps"], reference["rps"])
        got.setdefault("reference", []).append(reference)
        got[name] = [result]
    # The bare view's ratio to the reference page: to the first reference run of the round.
    got["bare"][0]["x_reference"] = _ratio(bare["rps"], got["reference"][0]["rps"])
    return got


def print_table(medians: dict[str, dict], bars: dict[str, dict]) -> None:
    print(f"{'path':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>7} {'x ref':>7}  bar")
    for name, f in medians.items():
        bar = bars.get(name)
        verdict = f">= {bar['bar']}x ref: {'ok' if bar['met'] else 'MISSED'}" if bar else ""
        print(
            f"{name:<18} {f['rps']:>8.0f} {f['p50_ms']:>8.1f} {f['p99_ms']:>8.1f} "
            f"{f['x_bare']:>7.3f} {f['x_reference']:>7.3f}  {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are reported")
    args = parser.parse_args()
    env, ids = prepare()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runs: dict[str, list[dict]] = {}
    load_before = load_average()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, gunicorn(env, port) as server:
        paths = scenarios(base, ids, write_scripts(folder, base, ids))
        for _ in range(args.runs):
            for name, results in measure_round(paths, args.duration).items():
                runs.setdefault(name, []).extend(results)
        rss = worker_rss_mb(server.pid)
    medians = summarise(runs)
    bars = {
        name: {"bar": bar, "met": medians[name]["x_reference"] >= bar} for name, bar in BARS.items()
    }
    print_table(medians, bars)
    print(f"gunicorn worker RSS after the load: {', '.join(f'{mb} MB' for mb in rss)}")
    print(f"load average before / after: {load_before} / {load_average()}")
    failed = [name for name, f in medians.items() if f["errors"]]
    if failed:
        print(f"non-2xx/3xx answers in: {', '.join(failed)}")
    write_results(
        "requests",
        {
            "machine": machine(),
            "settings": {"duration_s": args.duration, "runs": args.runs, "workers": 2},
            "load_average": {"before": load_before, "after": load_average()},
            "seconds": round(time.monotonic() - started, 1),
            "median": medians,
            "bars": bars,
            "worker_rss_mb": rss,
            "rounds": runs,
        },
    )
    if failed or not all(bar["met"] for bar in bars.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
