"""Requests per second for an ingest API POST of 10 SDEs, beside the two references (SPEC section
10: at least 0.5x the reference page).

    DATABASE_URL=postgres://... .venv/bin/python bench/api_ingest.py [--duration 10] [--runs 3]

gunicorn (2 sync workers) and wrk on 127.0.0.1 only; every run is bounded by ``--duration``.
Each request reports for one of 500 visitors (so requests do not all queue on one visitor's
lock): 4 transactions, 2 leads, 2 service activities, customer info and marketing source.
"""

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    gunicorn,
    local_database_url,
    login,
    manage,
    server_env,
    write_results,
    wrk,
)

SDES = [
    *[
        {"type": "purchase", "total": "49.90", "currency": "USD", "orderId": f"B-{i}"}
        for i in range(4)
    ],
    *[
        {"type": "lead", "lead": {"topic": "Quote", "value": 120, "leadId": f"L-{i}"}}
        for i in (1, 2)
    ],
    *[
        {"type": "service", "service": {"topic": "Refund", "status": 0, "serviceId": f"S-{i}"}}
        for i in (1, 2)
    ],
    {"type": "ctmrinfo", "info": {"customerId": "C-1", "ctype": "gold"}},
    {"type": "mrktInfo", "info": {"channel": 1, "affiliate": "search"}},
]
LUA = """
local counter = 0
local rest = %s
function request()
  counter = counter + 1
  local visitor = '{"visitorId": "bench-api-' .. (counter %% 500) .. '", '
  local body = visitor .. '"engagementAttributes": ' .. rest .. '}'
  return wrk.format("POST", "/api/v1/engagement-attributes", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("CO_API_KEY"),
  }, body)
end
"""
# Only what the references need (people, demo conversations), so that this benchmark does not
# depend on every other feature's demo data.
SEED = (
    "from django.utils import timezone; from campaigns.roles import roles_sync; "
    "from campaigns.demo import seed_people; from workspace.demo import seed_conversations; "
    "roles_sync(); seed_people(); seed_conversations(now=timezone.now())"
)
NEW_KEY = (
    "from campaigns.services.connectors import connector_create; "
    "print(connector_create(name='Benchmark', actor=None)[1])"
)


def free_port() -> int:
    """A port nobody listens on now (other benchmarks may run on this machine at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = server_env(local_database_url("outcomes_bench_api"), API_RATE_LIMIT_PER_MINUTE="0")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "shell", "-c", SEED)
    # The key stays in this process and wrk's environment; it is never printed.
    os.environ["CO_API_KEY"] = manage(env, "shell", "-c", NEW_KEY).strip().splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, list[float]] = {"bare": [], "reference": [], "ingest_10": []}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script, gunicorn(env, port):
        script.write(LUA % ("'" + json.dumps(SDES) + "'"))
        script.flush()
        cookies = login(base, "agent")
        cookie_header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        for _ in range(args.runs):
            figures["bare"].append(wrk(f"{base}/bench/bare/", duration=args.duration)["rps"])
            reference = wrk(
                f"{base}/bench/reference/",
                headers={"Cookie": cookie_header},
                duration=args.duration,
            )
            figures["reference"].append(reference["rps"])
            ingest = wrk(base, script=script.name, duration=args.duration)
            if ingest["errors"]:
                sys.exit(f"ingest answered {ingest['errors']:.0f} non-2xx responses")
            figures["ingest_10"].append(ingest["rps"])
    medians = {name: statistics.median(values) for name, values in figures.items()}
    ratio = medians["ingest_10"] / medians["reference"]
    report = {"runs": figures, "median_rps": medians, "ingest_vs_reference": round(ratio, 2)}
    print(json.dumps(report, indent=2))
    write_results("api_ingest", report)
    if ratio < 0.5:
        sys.exit("ingest of 10 SDEs is below 0.5x the reference page")


if __name__ == "__main__":
    main()
