"""Database faults under load: while agents submit outcomes through the web and a platform
posts to the API, the app's PostgreSQL sessions are terminated (pg_terminate_backend on this
step's own database only) a few times. Every client retries on 503 or a broken connection
with the same idempotency token or Idempotency-Key, as a real client would.

    .venv/bin/python .ci/scorecard/faults.py [--seconds 20] [--faults 3] [--output FILE]

Figures: requests, 503s, 5xx other than 503 (0), lost submissions (0), duplicated (0),
partial writes (0: an event without its revision or audit entry, an API reply kept without
its events), seconds to recover (the longest time from a termination to the next success).
Bounded: --seconds of new submissions, then at most 20 s to finish retries.
"""

import argparse
import json
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
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
    prepare,
    scorecard_database,
    write_json,
)

DATABASE = "outcomes_scorecard_faults"
RETRY_STATUSES = {429, 502, 503, 504}
MAX_ATTEMPTS = 60


class Run:
    def __init__(self, seconds: float):
        self.started = time.monotonic()
        self.stop_new = self.started + seconds
        self.hard_stop = self.stop_new + 20
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.successes: list[float] = []  # when a request sent after ... succeeded
        self.confirmed_web: set[str] = set()
        self.confirmed_api: set[str] = set()
        self.gave_up: list[str] = []
        self.faults: list[dict] = []

    def note(self, status: int | str, sent_at: float, ok: bool) -> None:
        with self.lock:
            self.statuses[str(status)] += 1
            if ok:
                self.successes.append(sent_at)


def send_until_done(browser: Browser, run: Run, method, path, body, headers, ok_statuses) -> bool:
    """Send, and on 503, 429, a 5xx or a broken connection send the very same request again."""
    for _attempt in range(MAX_ATTEMPTS):
        if time.monotonic() > run.hard_stop:
            return False
        sent_at = time.monotonic()
        try:
            status, _headers, _content = browser.request(method, path, body, headers)
        except OSError:
            run.note("connection error", sent_at, False)
            time.sleep(0.1)
            continue
        ok = status in ok_statuses
        run.note(status, sent_at, ok)
        if ok:
            return True
        if status not in RETRY_STATUSES and status < 500:
            return False  # a refusal: retrying would not help
        time.sleep(0.1)
    return False


def web_worker(port: int, cookies: dict, conversation: int, index: int, run: Run) -> None:
    browser, number = Browser(port, cookies), 0
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    path = f"/workspace/conversations/{conversation}/outcomes/purchase/"
    while time.monotonic() < run.stop_new:
        token, order = str(uuid.uuid4()), f"F-WEB-{index}-{number}"
        fields = {
            "add-purchase-total": "10.00",
            "add-purchase-currency": "USD",
            "add-purchase-orderId": order,
            "add-purchase-token": token,
        }
        body = urllib.parse.urlencode(fields).encode()
        if send_until_done(browser, run, "POST", path, body, headers, {302}):
            with run.lock:
                run.confirmed_web.add(token)
        else:
            with run.lock:
                run.gave_up.append(order)
        number += 1
    browser.close()


def api_worker(port: int, key: str, index: int, run: Run) -> None:
    browser, number = Browser(port), 0
    while time.monotonic() < run.stop_new:
        order, idempotency_key = f"F-API-{index}-{number}", str(uuid.uuid4())
        body = json.dumps(
            {
                "visitorId": f"fault-visitor-{index}",
                "engagementAttributes": [
                    {"type": "purchase", "total": "20.00", "currency": "USD", "orderId": order}
                ],
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {key}",
            "Idempotency-Key": idempotency_key,
        }
        path = "/api/v1/engagement-attributes"
        if send_until_done(browser, run, "POST", path, body, headers, {200, 201}):
            with run.lock:
                run.confirmed_api.add(idempotency_key)
        else:
            with run.lock:
                run.gave_up.append(order)
        number += 1
    browser.close()


def health_probe(port: int, run: Run) -> None:
    """A steady trickle of reads, so recovery is measured even between submissions."""
    browser = Browser(port, timeout=5)
    while time.monotonic() < run.stop_new:
        sent_at = time.monotonic()
        try:
            status, _h, _c = browser.request("GET", "/health/")
            run.note(status, sent_at, status == 200)
        except OSError:
            run.note("connection error", sent_at, False)
        time.sleep(0.1)
    browser.close()


def terminate_backends(database_url: str, database: str) -> int:
    """End every session of the app's database except this one (the app's role may end the
    sessions of its own role; other databases of the cluster are untouched)."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def fault_injector(database_url: str, run: Run, faults: int, seconds: float) -> None:
    for number in range(faults):
        at = run.started + seconds * (number + 1) / (faults + 1)
        time.sleep(max(0.0, at - time.monotonic()))
        when = time.monotonic()
        ended = terminate_backends(database_url, DATABASE)
        with run.lock:
            run.faults.append({"at": round(when - run.started, 2), "sessions_ended": ended})


def recovery_seconds(run: Run) -> float:
    """For each fault, the time until a request sent after it succeeded; the longest."""
    worst = 0.0
    for fault in run.faults:
        at = run.started + fault["at"]
        after = [sent for sent in run.successes if sent >= at]
        worst = max(worst, (min(after) - at) if after else float("inf"))
    return round(worst, 2)


def worker_pids(master: int) -> set[int]:
    """gunicorn's worker processes: a worker that died on a fault would come back new."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def count_rows(database_url: str) -> dict:
    with psycopg.connect(database_url) as connection:

        def one(sql: str) -> tuple:
            return connection.execute(sql).fetchone()

        web = one(
            """SELECT count(*), count(DISTINCT action_id),
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM workspace_eventrevision r
                       WHERE r.event_id = e.id AND r.kind = 'create')),
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM campaigns_auditentry a
                       WHERE a.object_type = 'workspace.EngagementAttributeEvent'
                         AND a.object_id = e.id::text AND a.action = 'outcome.create'))
               FROM workspace_engagementattributeevent e WHERE action_id LIKE 'F-WEB-%%'"""
        )
        web_tokens = {
            str(t)
            for (t,) in connection.execute(
                "SELECT idempotency_token FROM workspace_engagementattributeevent "
                "WHERE action_id LIKE 'F-WEB-%%'"
            )
        }
        api = one(
            """SELECT count(*), count(DISTINCT action_id)
               FROM workspace_engagementattributeevent WHERE action_id LIKE 'F-API-%%'"""
        )
        replies = dict(
            connection.execute("SELECT key, response_body FROM workspace_apiidempotencyrecord")
        )
        stored_event_ids = {
            eid
            for (eid,) in connection.execute(
                "SELECT id FROM workspace_engagementattributeevent WHERE action_id LIKE 'F-API-%%'"
            )
        }
    replied_ids = {event["id"] for body in replies.values() for event in body.get("events", [])}
    return {
        "web_rows": web[0],
        "web_orders": web[1],
        "web_without_revision": web[2],
        "web_without_audit": web[3],
        "web_tokens": web_tokens,
        "api_rows": api[0],
        "api_orders": api[1],
        "api_keys": set(replies),
        "api_replies_without_events": len(replied_ids - stored_event_ids),
        "api_events_without_reply": len(stored_event_ids - replied_ids),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--faults", type=int, default=3)
    parser.add_argument("--web-clients", type=int, default=4)
    parser.add_argument("--api-clients", type=int, default=2)
    parser.add_argument("--output")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    database_url, password, env = scorecard_database(DATABASE)
    world = prepare(env, agents=args.web_clients)
    port = free_port()
    with gunicorn(env, port, workers=2) as server:
        base = f"http://{HOST}:{port}"
        cookies = [login(base, agent["username"], password) for agent in world["agents"]]
        workers_before = worker_pids(server.pid)
        run = Run(args.seconds)
        threads = [
            threading.Thread(
                target=web_worker, args=(port, cookies[i], agent["conversation"], i, run)
            )
            for i, agent in enumerate(world["agents"])
        ]
        threads += [
            threading.Thread(target=api_worker, args=(port, world["api_key"], i, run))
            for i in range(args.api_clients)
        ]
        threads.append(threading.Thread(target=health_probe, args=(port, run)))
        threads.append(
            threading.Thread(
                target=fault_injector, args=(database_url, run, args.faults, args.seconds)
            )
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        app_restarted = server.poll() is not None
        workers_replaced = len(workers_before - worker_pids(server.pid))
    counted = count_rows(database_url)
    if not args.keep_database:
        drop_database(DATABASE)
    server_errors = sum(
        count
        for status, count in run.statuses.items()
        if status.isdigit() and int(status) >= 500 and status != "503"
    )
    lost = len(run.confirmed_web - counted["web_tokens"]) + len(
        run.confirmed_api - counted["api_keys"]
    )
    write_json(
        args.output,
        {
            "seconds": args.seconds,
            "faults": run.faults,
            "requests": sum(run.statuses.values()),
            "statuses": dict(run.statuses),
            "service_unavailable_503": run.statuses.get("503", 0),
            "server_errors_other_than_503": server_errors,
            "submissions": len(run.confirmed_web) + len(run.confirmed_api) + len(run.gave_up),
            "confirmed": len(run.confirmed_web) + len(run.confirmed_api),
            "gave_up": len(run.gave_up),
            "lost": lost,
            "duplicated": (counted["web_rows"] - counted["web_orders"])
            + (counted["api_rows"] - counted["api_orders"]),
            "partial_writes": counted["web_without_revision"]
            + counted["web_without_audit"]
            + counted["api_replies_without_events"]
            + counted["api_events_without_reply"],
            "recovery_seconds": recovery_seconds(run),
            "app_restarted": app_restarted,
            "workers_replaced": workers_replaced,
        },
    )


if __name__ == "__main__":
    main()
