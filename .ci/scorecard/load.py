"""Load: N agents, each signed in as a different person, submit M outcomes each through real
HTTP to gunicorn on 127.0.0.1; then the rows are counted.

    .venv/bin/python .ci/scorecard/load.py [--agents 8] [--outcomes 25] [--output FILE]

Figures: submitted, stored, lost (0), duplicated (0), failed, p50 and p99 in ms. Bounded: at
most agents x outcomes submissions (each retried at most 20 times, with the same idempotency
token, on 503 or a broken connection) and --max-seconds of sending.
"""

import argparse
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from common import (
    HOST,
    Browser,
    drop_database,
    free_port,
    gunicorn,
    login,
    percentile,
    prepare,
    scorecard_database,
    write_json,
)

DATABASE = "outcomes_scorecard_load"
RETRIES = 20


class Run:
    def __init__(self, deadline: float):
        self.deadline = deadline
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.confirmed: set[str] = set()
        self.failed: list[str] = []

    def note(self, status: int | str, seconds: float | None = None) -> None:
        with self.lock:
            self.statuses[str(status)] += 1
            if seconds is not None:
                self.latencies.append(seconds * 1000)


def submit(browser: Browser, run: Run, conversation: int, order_id: str) -> None:
    """One outcome, retried with the same token until it is accepted (302)."""
    token = str(uuid.uuid4())
    fields = {
        "add-purchase-total": "49.90",
        "add-purchase-currency": "USD",
        "add-purchase-orderId": order_id,
        "add-purchase-token": token,
    }
    body = urllib.parse.urlencode(fields).encode()
    path = f"/workspace/conversations/{conversation}/outcomes/purchase/"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    for _attempt in range(RETRIES):
        started = time.monotonic()
        try:
            status, _headers, _body = browser.request("POST", path, body, headers)
        except OSError:
            run.note("connection error")
            time.sleep(0.2)
            continue
        run.note(status, time.monotonic() - started)
        if status == 302:
            with run.lock:
                run.confirmed.add(token)
            return
        if status not in (502, 503, 504):
            break
        time.sleep(0.2)
    with run.lock:
        run.failed.append(order_id)


def agent_work(port: int, cookies: dict, conversation: int, index: int, outcomes: int, run: Run):
    browser = Browser(port, cookies)
    for number in range(outcomes):
        if time.monotonic() > run.deadline:
            break
        submit(browser, run, conversation, f"L-{index}-{number}")
    browser.close()


def count_rows(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            """
            SELECT count(*), count(DISTINCT action_id), count(DISTINCT idempotency_token),
                   count(*) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM workspace_eventrevision r
                       WHERE r.event_id = e.id AND r.kind = 'create'))
            FROM workspace_engagementattributeevent e WHERE action_id LIKE 'L-%%'
            """
        ).fetchone()
        tokens = {
            str(token)
            for (token,) in connection.execute(
                "SELECT idempotency_token FROM workspace_engagementattributeevent "
                "WHERE action_id LIKE 'L-%%'"
            )
        }
    return {
        "rows": rows[0],
        "distinct_orders": rows[1],
        "distinct_tokens": rows[2],
        "without_revision": rows[3],
        "tokens": tokens,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--outcomes", type=int, default=25)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--output")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    database_url, password, env = scorecard_database(DATABASE)
    world = prepare(env, agents=args.agents)
    port = free_port()
    base = f"http://{HOST}:{port}"
    with gunicorn(env, port, workers=args.workers):
        with ThreadPoolExecutor(max_workers=args.agents) as pool:
            cookies = list(
                pool.map(lambda a: login(base, a["username"], password), world["agents"])
            )
        started = time.monotonic()
        run = Run(deadline=started + args.max_seconds)
        threads = [
            threading.Thread(
                target=agent_work,
                args=(port, cookies[i], agent["conversation"], i, args.outcomes, run),
            )
            for i, agent in enumerate(world["agents"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
    counted = count_rows(database_url)
    if not args.keep_database:
        drop_database(DATABASE)
    submitted = args.agents * args.outcomes
    stored_confirmed = len(run.confirmed & counted["tokens"])
    write_json(
        args.output,
        {
            "agents": args.agents,
            "outcomes_per_agent": args.outcomes,
            "submitted": submitted,
            "confirmed": len(run.confirmed),
            "stored": counted["distinct_tokens"],
            "lost": len(run.confirmed) - stored_confirmed,
            "duplicated": counted["rows"] - counted["distinct_orders"],
            "partial_writes": counted["without_revision"],
            "failed": len(run.failed) + (submitted - len(run.confirmed) - len(run.failed)),
            "requests": sum(run.statuses.values()),
            "statuses": dict(run.statuses),
            "p50_ms": round(percentile(run.latencies, 0.50), 1),
            "p99_ms": round(percentile(run.latencies, 0.99), 1),
            "seconds": round(seconds, 1),
            "per_second": round(len(run.confirmed) / seconds, 1) if seconds else 0,
        },
    )


if __name__ == "__main__":
    main()
