# ruff: noqa: S603 - runs fixed local tools (pytest, bandit, pip) with arguments built here
"""Static checks for the scorecard: bandit over the project's code, and a dependency freshness
report.

    .venv/bin/python .ci/scorecard/static_checks.py bandit [--output FILE]
    .venv/bin/python .ci/scorecard/static_checks.py freshness [--output FILE] [--seconds 120]

bandit: every Python file of the repository but tests/ and .venv/; figure: findings of medium
or high severity (target 0). An accepted finding carries ``# nosec BXXX: reason`` on its line.

freshness: ``pip index versions`` for each direct dependency (pyproject.toml) at the version
pinned in requirements.lock, bounded in time, listing those with a newer release; one index
request per package, about twenty in all. Informational only: it is not a vulnerability audit.
The vulnerability databases (PyPI's advisory API, OSV) are not reachable from this machine, and
pip-audit would report "no known vulnerabilities" after checking nothing, so none is claimed.
"""

import argparse
import json
import re
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
EXCLUDED = ("tests", ".venv", "staticfiles", "test-artifacts", "media", "node_modules")
PINNED = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)")


def bandit() -> dict:
    command = [
        str(VENV_BIN / "bandit"),
        "-r",
        ".",
        "-x",
        ",".join(f"./{folder}" for folder in EXCLUDED),
        "-f",
        "json",
        "-q",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    serious = [
        {
            "file": item["filename"].removeprefix("./"),
            "line": item["line_number"],
            "test": item["test_id"],
            "severity": item["issue_severity"].lower(),
            "issue": item["issue_text"],
        }
        for item in report["results"]
        if item["issue_severity"] in ("MEDIUM", "HIGH")
    ]
    totals = report["metrics"]["_totals"]
    return {
        "tool": "bandit",
        "files": len(report["metrics"]) - 1,
        "lines": totals["loc"],
        "medium_or_high": len(serious),
        "low": int(totals["SEVERITY.LOW"]),
        "accepted_with_nosec": int(totals["nosec"]),
        "findings": serious,
    }


def _latest(name: str) -> str | None:
    try:
        result = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "pip", "index", "versions", name,
             "--disable-pip-version-check"],
            capture_output=True, text=True, timeout=20,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    match = re.search(r"^\S+ \(([^)]+)\)", result.stdout, re.MULTILINE)
    return match.group(1) if match else None


def _direct_dependencies() -> set[str]:
    """The names pyproject.toml asks for (runtime and dev): the ones the project upgrades on
    purpose; the lock's other pins follow them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project.get("optional-dependencies", {}).get("dev", [])]
    return {_canonical(re.split(r"[\[<>=!~; ]", item, maxsplit=1)[0]) for item in wanted}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def freshness(seconds: float) -> dict:
    direct, pinned = _direct_dependencies(), []
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = PINNED.match(line.strip())
        if match and _canonical(match.group(1).split("[")[0]) in direct:
            pinned.append((match.group(1).split("[")[0], match.group(2)))
    deadline = time.monotonic() + seconds
    answers: dict[str, str | None] = {}

    def ask(name: str) -> None:
        if time.monotonic() < deadline:
            answers[name] = _latest(name)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(ask, [name for name, _version in pinned]))
    outdated, unknown = [], []
    for name, locked in pinned:
        latest = answers.get(name)
        if latest is None:
            unknown.append(name)
            continue
        try:
            newer = Version(latest) > Version(locked)
        except InvalidVersion:
            newer = latest != locked
        if newer:
            outdated.append({"package": name, "locked": locked, "latest": latest})
    return {
        "packages": len(pinned),
        "checked": len(pinned) - len(unknown),
        "outdated": len(outdated),
        "outdated_packages": outdated,
        "not_answered": unknown,
        "note": (
            "Freshness only, from the package index. Not a vulnerability audit: the "
            "vulnerability databases are not reachable from this machine."
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["bandit", "freshness"])
    parser.add_argument("--output")
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    payload = bandit() if args.check == "bandit" else freshness(args.seconds)
    text = json.dumps(payload, indent=2)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text)
    print(text)
    if args.check == "freshness":
        for item in payload["outdated_packages"]:
            print(
                f"outdated: {item['package']} {item['locked']} -> {item['latest']}", file=sys.stderr
            )


if __name__ == "__main__":
    main()
