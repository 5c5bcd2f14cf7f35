"""A bounded write load beside the report reads (``bench/reports_scale.py``): outcome submits
(htmx POSTs by the demo agent, a new purchase each, spread over 2,000 open conversations) and
ingest API POSTs of 10 SDEs (``bench.requests.SDES``, new order and lead ids each), each stream
at a fixed rate, from a process of its own so that the reading client keeps its own core time.

Loopback only; at most ``MAX_IN_FLIGHT`` requests at once (a request that would exceed it is
counted as dropped, not queued), and the process stops after ``max_seconds`` whatever happens.
"""

import http.client
import json
import multiprocessing
import secrets
import statistics
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

from bench.harness import login, manage
from bench.requests import SDES

MAX_IN_FLIGHT = 24
OPEN_CONVERSATIONS = """
import json
from bench.fixtures import open_conversations
print(json.dumps(open_conversations("agent", 2000)))
"""


class WriteLoad:
    """``with WriteLoad(env, base, submits_per_s=20, ingests_per_s=5) as load:`` ... then
    ``load.figures``: per stream sent, answered 2xx/3xx, errors, dropped, the rate reached and
    the median latency."""

    def __init__(self, env, base: str, *, submits_per_s: float, ingests_per_s: float,
                 max_seconds: int = 1800) -> None:  # fmt: skip
        self.env, self.base, self.max_seconds = env, base, max_seconds
        self.rates = {"submit": submits_per_s, "ingest": ingests_per_s}
        self.figures: dict | None = None

    def __enter__(self) -> "WriteLoad":
        ids = json.loads(
            manage(self.env, "shell", "-c", OPEN_CONVERSATIONS).strip().splitlines()[-1]
        )
        name = f"bench-reports-{secrets.token_hex(3)}"
        # The key stays in this process and its child; it is never printed.
        key = manage(self.env, "connector_create", "--name", name).strip().splitlines()[-1]
        cookies = login(self.base, "agent")
        context = multiprocessing.get_context("fork")
        self._stop, self._results = context.Event(), context.Queue()
        job = {
            "base": self.base,
            "ids": ids,
            "cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "csrf": cookies["csrftoken"],
            "key": key,
            "rates": self.rates,
            "max_seconds": self.max_seconds,
        }
        self._process = context.Process(target=_run, args=(job, self._stop, self._results))
        self._process.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        try:
            self.figures = self._results.get(timeout=120)
        finally:
            self._process.join(timeout=30)
            if self._process.is_alive():
                self._process.terminate()


def _post(base: str, path: str, body: bytes, headers: dict) -> tuple[int, float]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    started = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
    finally:
        connection.close()


def _request(job: dict, kind: str, n: int, run: str) -> tuple[str, bytes, dict]:
    if kind == "submit":
        pk = job["ids"][(n * 7) % len(job["ids"])]
        body = urllib.parse.urlencode(
            {
                "add-purchase-token": str(uuid.uuid4()),
                "add-purchase-total": "49.90",
                "add-purchase-currency": "USD",
                "add-purchase-orderId": f"W{run}-{n}",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": job["cookie"],
            "X-CSRFToken": job["csrf"],
            "HX-Request": "true",
            "HX-Target": "outcome-type-purchase",
        }
        return f"/workspace/conversations/{pk}/outcomes/purchase/", body.encode(), headers
    sdes = json.dumps(SDES).replace("@ID@", f"{run}-{n}")
    body = f'{{"visitorId": "bench-api-{n % 250}", "engagementAttributes": {sdes}}}'
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {job['key']}"}
    return "/api/v1/engagement-attributes", body.encode(), headers


def _run(job: dict, stop, results) -> None:
    run = secrets.token_hex(4)
    stats = {
        kind: {"sent": 0, "ok": 0, "errors": 0, "dropped": 0, "latencies": []}
        for kind in job["rates"]
    }
    lock, slots = threading.Lock(), threading.BoundedSemaphore(MAX_IN_FLIGHT)
    started = time.monotonic()

    def send(kind: str, n: int) -> None:
        try:
            status, seconds = _post(job["base"], *_request(job, kind, n, run))
            with lock:
                stats[kind]["ok" if 200 <= status < 400 else "errors"] += 1
                stats[kind]["latencies"].append(seconds)
        finally:
            slots.release()

    def pace(kind: str, pool: ThreadPoolExecutor) -> None:
        interval, due, n = 1 / job["rates"][kind], time.monotonic(), 0
        while not stop.is_set() and time.monotonic() - started < job["max_seconds"]:
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, 0.05))
                continue
            due += interval
            n += 1
            with lock:
                stats[kind]["sent"] += 1
            if not slots.acquire(blocking=False):
                with lock:
                    stats[kind]["dropped"] += 1
                continue
            pool.submit(send, kind, n)

    with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT) as pool:
        pacers = [threading.Thread(target=pace, args=(k, pool)) for k in job["rates"]]
        for thread in pacers:
            thread.start()
        for thread in pacers:
            thread.join()
        elapsed = time.monotonic() - started
    figures: dict = {"seconds": round(elapsed, 1), "errors": 0, "rate_reached": True}
    for kind, s in stats.items():
        rate = s["ok"] / elapsed if elapsed else 0.0
        figures[kind] = {
            "target_per_s": job["rates"][kind],
            "answered_per_s": round(rate, 1),
            "sent": s["sent"],
            "ok": s["ok"],
            "errors": s["errors"],
            "dropped": s["dropped"],
            "median_ms": round(statistics.median(s["latencies"]) * 1000, 1)
            if s["latencies"]
            else None,
        }
        figures["errors"] += s["errors"] + s["dropped"]
        figures["rate_reached"] &= rate >= 0.9 * job["rates"][kind]
    results.put(figures)
