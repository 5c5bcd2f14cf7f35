"""Outgoing webhooks under load: 50 outcome submits per second for 60 s, each queued in the
outbox by its own transaction and delivered by the real task worker (``manage.py db_worker``,
its own process) to a receiver on loopback that answers in 50 ms and verifies every signature
with the ``standardwebhooks`` package. The outbox must neither lose nor duplicate a message, and
each conversation's messages must arrive in order.

    .venv/bin/python bench/webhooks.py [--rate 50] [--seconds 60] [--conversations 300]

PostgreSQL: ``DATABASE_URL``, else a fresh local database (bench/harness.py); with
``DATABASE_URL``, also set ``SECRET_KEY`` so that a second run can read the secrets the first
one stored. Loopback only. The submits are issued at ``--rate`` from 16 threads (when the
machine cannot keep up they finish later: ``rate_reached`` says so); the wait for the last
deliveries stops after ``--drain`` seconds. Figures: bench/results/webhooks.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

# Run as a script, the folder itself would come first and its requests.py hide the package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import PYTHON, RESULTS, ROOT, local_database_url, manage, server_env  # noqa: E402


def _receiver(delay: float):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from standardwebhooks.webhooks import Webhook

    state = {"secret": "", "arrivals": [], "refused": 0, "lock": threading.Lock()}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            time.sleep(delay)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload = Webhook(state["secret"]).verify(body, headers)
            except Exception:
                with state["lock"]:
                    state["refused"] += 1
                self.send_response(401)
                self.end_headers()
                return
            with state["lock"]:
                conversation = payload["data"]["conversation"]["id"]
                state["arrivals"].append((headers["webhook-id"], conversation, time.time()))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state


def _setup(args, receiver_url: str) -> tuple:
    import django

    django.setup()
    from django.utils import timezone

    from bench.fixtures import open_conversations
    from campaigns.models import User
    from workspace.models import Conversation
    from workspace.webhooks.models import Endpoint
    from workspace.webhooks.signing import secret_generate

    secret = secret_generate()
    Endpoint.objects.filter(description="bench").update(enabled=False)
    endpoint = Endpoint.objects.create(
        url=receiver_url, description="bench", event_types=["outcome.reported"],
        secret=secret, created_at=timezone.now(),
    )  # fmt: skip
    ids = open_conversations("agent", args.conversations)
    conversations = list(Conversation.objects.filter(pk__in=ids).select_related("skill", "agent"))
    return endpoint, secret, conversations, User.objects.get(username="agent")


def _load(args, conversations, agent) -> dict:
    from django.db import connection
    from django.utils import timezone

    from workspace.services.outcomes import outcome_submit

    latencies, errors, lock = [], [], threading.Lock()

    def submit(n: int) -> None:
        conversation = conversations[n % len(conversations)]
        started = time.perf_counter()
        try:
            outcome_submit(
                conversation=conversation, attribute_type="purchase",
                values={"total": Decimal("10.00"), "orderId": f"WH-{time.time_ns()}-{n}"},
                currency="USD", actor=agent, token=None, now=timezone.now(),
            )  # fmt: skip
        except Exception as error:  # counted, not raised: the figures say how many
            with lock:
                errors.append(type(error).__name__)
        else:
            with lock:
                latencies.append(time.perf_counter() - started)
        finally:
            connection.close()

    total = args.rate * args.seconds
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for n in range(total):
            delay = start + n / args.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(submit, n)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "submitted": len(latencies),
        "errors": len(errors),
        "rate_reached": round(len(latencies) / elapsed, 1),
        "submit_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "submit_p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1)
        if latencies
        else None,
    }


def _check(endpoint, state, load: dict, drain_seconds: float) -> dict:
    from workspace.webhooks.models import Delivery

    pending = Delivery.objects.filter(endpoint=endpoint, state="pending")
    drain_start = time.time()
    while pending.exists() and time.time() - drain_start < drain_seconds:
        time.sleep(0.5)
    drained = round(time.time() - drain_start, 1)
    expected = defaultdict(list)
    created = {}
    rows = Delivery.objects.filter(endpoint=endpoint).order_by("message_id")
    for webhook_id, conversation, at in rows.values_list(
        "message__webhook_id", "message__conversation__external_id", "message__created_at"
    ):
        expected[conversation].append(webhook_id)
        created[webhook_id] = at.timestamp()
    with state["lock"]:
        arrivals = list(state["arrivals"])
    arrived = defaultdict(list)
    for webhook_id, conversation, _at in arrivals:
        arrived[conversation].append(webhook_id)
    ids = [a[0] for a in arrivals]
    lags = sorted(at - created[w] for w, _c, at in arrivals if w in created)
    queued = sum(len(v) for v in expected.values())
    return {
        **load,
        "outbox_messages": queued,
        "arrived": len(ids),
        "duplicates": len(ids) - len(set(ids)),
        "missing": len(set(created) - set(ids)),
        "lost": load["submitted"] - queued,
        "out_of_order_conversations": sum(
            1 for c, order in expected.items() if arrived.get(c) != order
        ),
        "refused_signatures": state["refused"],
        "still_pending": pending.count(),
        "drain_after_load_s": drained,
        "lag_p50_ms": round(statistics.median(lags) * 1000) if lags else None,
        "lag_p95_ms": round(lags[int(len(lags) * 0.95)] * 1000) if lags else None,
        "lag_max_ms": round(lags[-1] * 1000) if lags else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--receiver-ms", type=int, default=50)
    parser.add_argument("--drain", type=float, default=180)
    args = parser.parse_args()
    env = server_env(
        local_database_url("outcomes_bench_webhooks", fresh=True),
        WEBHOOKS_ALLOW_LOOPBACK="1",
    )
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo")
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcomes_site.settings")
    server, state = _receiver(args.receiver_ms / 1000)
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    endpoint, state["secret"], conversations, agent = _setup(args, url)
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.1", "--verbosity", "0"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        load = _load(args, conversations, agent)
        figures = _check(endpoint, state, load, args.drain)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.shutdown()
    figures["settings"] = vars(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "webhooks.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    ok = not (figures["duplicates"] or figures["missing"] or figures["lost"])
    return 0 if ok and not figures["out_of_order_conversations"] else 1


if __name__ == "__main__":
    sys.exit(main())
