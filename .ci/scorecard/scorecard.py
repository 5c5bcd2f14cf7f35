# ruff: noqa: S603 - runs fixed local tools (pytest, bandit, pip) with arguments built here
"""The reliability and security scorecard (issue 8): runs every figure-producing step and
prints ONE JSON document; exits 1 when a figure misses its target.

    .venv/bin/python .ci/scorecard/scorecard.py      (or: make scorecard)

Steps: the authorization matrix and bad-input tests (pytest, figures through the
``security_figures`` fixture), the deployment tests (slow clients behind nginx, the API rate
limit across two gunicorn workers with Redis and with the database cache: tests/deploy), bandit,
the dependency freshness report (informational), the load, the database faults and the wapiti
scan (each with its own gunicorn on 127.0.0.1 and its own PostgreSQL database). Step logs go to
test-artifacts/scorecard/.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-artifacts" / "scorecard"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HERE = ROOT / ".ci" / "scorecard"


def step(name: str, command: list[str], env: dict | None = None, timeout: int = 900) -> dict:
    """Run one step, its output to a log; the JSON it wrote to OUT/<name>.json."""
    started = time.monotonic()
    log = OUT / f"{name}.log"
    with log.open("w") as output:
        result = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    seconds = round(time.monotonic() - started, 1)
    figures_file = OUT / f"{name}.json"
    if not figures_file.exists():
        tail = log.read_text()[-3000:]
        print(
            f"== scorecard step {name!r} failed (exit {result.returncode}):\n{tail}",
            file=sys.stderr,
        )
        return {
            "error": f"exit {result.returncode}, see {log.relative_to(ROOT)}",
            "seconds": seconds,
        }
    figures = json.loads(figures_file.read_text())
    figures["seconds_total"] = seconds
    figures["exit_code"] = result.returncode
    return figures


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    tests = _security_tests()
    deploy = _deployment_tests()
    bandit = step(
        "bandit",
        [PYTHON, str(HERE / "static_checks.py"), "bandit", "--output", str(OUT / "bandit.json")],
    )
    freshness = step(
        "freshness",
        [
            PYTHON,
            str(HERE / "static_checks.py"),
            "freshness",
            "--output",
            str(OUT / "freshness.json"),
        ],
    )
    load = step("load", [PYTHON, str(HERE / "load.py"), "--output", str(OUT / "load.json")])
    faults = step("faults", [PYTHON, str(HERE / "faults.py"), "--output", str(OUT / "faults.json")])
    scan = step(
        "scan", [PYTHON, str(HERE / "scan.py"), "--output", str(OUT / "scan.json")], timeout=600
    )

    matrix, bad = tests.get("matrix", {}), tests.get("bad_inputs", {})
    card = {
        "authorization_matrix": {
            "url_patterns": matrix.get("url_patterns"),
            "urls_covered": len(matrix.get("urls_covered", [])),
            "cells_checked": matrix.get("cells_checked"),
            "violations": matrix.get("violations"),
            "admin_checks": matrix.get("admin_checks"),
        },
        "bad_inputs": bad,
        "security_tests": _pick(tests, "exit_code", "source", "error"),
        "load": _pick(load, "submitted", "stored", "lost", "duplicated", "partial_writes", "failed",
                      "p50_ms", "p99_ms", "per_second", "seconds", "seconds_total", "error"),
        "database_faults": _pick(faults, "requests", "faults", "service_unavailable_503",
                                 "server_errors_other_than_503", "submissions", "lost",
                                 "duplicated", "partial_writes", "recovery_seconds",
                                 "app_restarted", "workers_replaced", "seconds_total", "error"),
        "scan": _pick(scan, "tool", "findings_medium_or_higher", "findings_low",
                      "false_positives_verified", "https_only_findings_on_plain_http", "scans",
                      "seconds_total", "error"),
        "deployment": _pick(deploy, "slow_clients", "rate_limit_redis", "rate_limit_database",
                            "exit_code", "source", "error"),
        "bandit": _pick(bandit, "medium_or_high", "low", "findings", "error"),
        "dependency_freshness": _pick(freshness, "packages", "checked", "outdated",
                                      "outdated_packages", "note", "error"),
    }  # fmt: skip
    targets = {
        "authorization_matrix.violations == 0": matrix.get("violations") == 0
        and matrix.get("url_patterns") == len(matrix.get("urls_covered", [])),
        "security tests pass": tests.get("exit_code") == 0,
        "bad_inputs.server_errors == 0": bad.get("server_errors") == 0,
        "bad_inputs.rows_persisted == 0": bad.get("rows_persisted") == 0,
        "bad_inputs.unescaped == 0": bad.get("unescaped") == 0,
        "load.lost == 0 and duplicated == 0": load.get("lost") == 0
        and load.get("duplicated") == 0
        and load.get("failed") == 0,
        "faults: no 5xx but 503, nothing lost, duplicated or half-written": faults.get(
            "server_errors_other_than_503"
        )
        == 0
        and faults.get("lost") == 0
        and faults.get("duplicated") == 0
        and faults.get("partial_writes") == 0
        and faults.get("app_restarted") is False
        and faults.get("workers_replaced") == 0,
        "slow clients: others answered within 1 s behind nginx": _slow_clients_met(deploy),
        "rate limit across 2 workers: at most the limit through (Redis, database)": all(
            _rate_limit_met(deploy.get(f"rate_limit_{backend}"))
            for backend in ("redis", "database")
        ),
        "scan.findings_medium_or_higher == 0": scan.get("findings_medium_or_higher") == 0,
        "bandit.medium_or_high == 0": bandit.get("medium_or_high") == 0,
    }
    card["targets"] = targets
    card["all_targets_met"] = all(targets.values())
    card["load_fault_scan_seconds"] = round(
        sum(s.get("seconds_total", s.get("seconds", 0)) or 0 for s in (load, faults, scan)), 1
    )
    print(json.dumps(card, indent=2, default=str))
    (OUT / "scorecard.json").write_text(json.dumps(card, indent=2, default=str))
    return 0 if card["all_targets_met"] else 1


def _security_tests() -> dict:
    """The matrix and bad-input figures: from a pytest run of tests/security, or (CI, where the
    suite has just run on PostgreSQL) from the figures that run wrote, named by
    SCORECARD_TEST_FIGURES."""
    reused = os.environ.get("SCORECARD_TEST_FIGURES")
    if reused and Path(reused).is_file():
        figures = json.loads(Path(reused).read_text())
        return {**figures, "exit_code": 0, "source": reused}
    return step(
        "tests",
        [PYTHON, "-m", "pytest", "tests/security", "-q", "-p", "no:cacheprovider"],
        env={"OUTCOMES_TESTING": "1", "SECURITY_FIGURES": str(OUT / "tests.json")},
    )


def _deployment_tests() -> dict:
    """The slow-client and cross-worker rate-limit figures (tests/deploy: gunicorn behind the
    shipped nginx, Redis): from a pytest run, or (CI, where they have just run) from the figures
    that run wrote, named by SCORECARD_DEPLOY_FIGURES."""
    reused = os.environ.get("SCORECARD_DEPLOY_FIGURES")
    if reused and Path(reused).is_file():
        figures = json.loads(Path(reused).read_text())
        return {**figures, "exit_code": 0, "source": reused}
    return step(
        "deploy",
        [PYTHON, "-m", "pytest", "-m", "deploy", "tests/deploy", "-q", "-p", "no:cacheprovider"],
        env={"OUTCOMES_TESTING": "1", "DEPLOY_FIGURES": str(OUT / "deploy.json")},
        timeout=600,
    )


def _slow_clients_met(deploy: dict) -> bool:
    """Everyone else answered within a second while every slow client hung, nginx cut them all
    off, and bare gunicorn answered nobody meanwhile (the problem the proxy solves)."""
    slow = deploy.get("slow_clients") or {}
    return (
        deploy.get("exit_code") == 0
        and slow.get("answered_behind_nginx") == slow.get("other_requests_behind_nginx", -1)
        and slow.get("slowest_answer_behind_nginx_ms", 1e9) < 1000
        and slow.get("slow_clients_still_hanging_meanwhile") == slow.get("slow_clients", -1)
        and slow.get("slow_clients_cut_off_by_nginx") == slow.get("slow_clients", -1)
        and slow.get("bare_gunicorn_answered_within_2s") == 0
    )


def _rate_limit_met(figures: dict | None) -> bool:
    return bool(figures) and figures["workers"] == 2 and figures["let_through"] <= figures["limit"]


def _pick(figures: dict, *names: str) -> dict:
    return {name: figures[name] for name in names if name in figures}


if __name__ == "__main__":
    sys.exit(main())
