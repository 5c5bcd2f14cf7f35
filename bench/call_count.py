"""How much of the project's own code one outcome submit passes through.

    .venv/bin/python bench/call_count.py [--list] [--keep]

Seeds the demo account into a fresh SQLite file (``bench/results/call_count.sqlite3``), signs
the demo agent in with Django's test client (CSRF enforced, as a browser sends it), makes one
htmx outcome submit to warm every cache, then records a second submit on another open
conversation with ``sys.setprofile``. Only the project's code counts (the apps ``campaigns``,
``workspace``, ``reporting`` and ``outcomes_site``; not Django, not templates, not migrations):
the distinct functions entered (lambdas and generator expressions included) and the modules they
live in, with the number of calls. Beside them, every Python function call the request makes in
all (Django's and the libraries' too), for the submit and for an ingest API request of the ten
SDEs ``bench/requests.py`` sends (after one to warm up): the work a request costs in Python.
It also counts the lines of ``workspace``'s views, services, forms and selectors. Prints a
summary (``--list`` adds every function) and writes ``bench/results/call_count.json``. Fails
(exit 1) only when the submit does not answer 200 or the ingest fails.
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's root instead of this folder, whose requests.py would shadow the library.
sys.path[0] = str(ROOT)

PROJECT_APPS = ("campaigns", "workspace", "reporting", "outcomes_site")
WORKSPACE_LAYERS = ("views", "services", "forms", "selectors")
RESULTS = ROOT / "bench" / "results"


def workspace_lines() -> dict[str, dict[str, int]]:
    """Lines of ``workspace``'s views, services, forms and selectors: all of them, and code only
    (no blank lines, no lines that are only a comment)."""
    lines = {}
    for layer in WORKSPACE_LAYERS:
        folder = ROOT / "workspace" / layer
        files = sorted(folder.glob("*.py")) if folder.is_dir() else []
        single = ROOT / "workspace" / f"{layer}.py"
        files += [single] if single.is_file() else []
        total = code = 0
        for file in files:
            for line in file.read_text().splitlines():
                total += 1
                code += bool(line.strip()) and not line.strip().startswith("#")
        lines[layer] = {"files": len(files), "lines": total, "code_lines": code}
    lines["total"] = {
        key: sum(layer[key] for layer in lines.values()) for key in ("files", "lines", "code_lines")
    }
    return lines


def _project_file(filename: str) -> str | None:
    """The path relative to the root when ``filename`` is the project's own code, else None."""
    try:
        relative = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    if relative.parts[0] not in PROJECT_APPS or "migrations" in relative.parts:
        return None
    return str(relative)


class CallRecorder:
    """A ``sys.setprofile`` hook that counts calls into the project's code objects."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str, int]] = Counter()
        self.all_calls = 0  # every Python function, the project's or not
        self._files: dict[str, str | None] = {}

    def __call__(self, frame, event, arg) -> None:
        if event != "call":
            return
        self.all_calls += 1
        code = frame.f_code
        filename = code.co_filename
        if filename not in self._files:
            self._files[filename] = _project_file(filename)
        relative = self._files[filename]
        if relative is not None:
            self.calls[(relative, code.co_qualname, code.co_firstlineno)] += 1

    def summary(self) -> dict:
        modules = Counter(path for path, _, _ in self.calls)
        return {
            "functions": len(self.calls),
            # Without lambdas and generator expressions: the functions a reader follows.
            "named_functions": sum(
                not name.rpartition(".")[2].startswith("<") for _, name, _ in self.calls
            ),
            "modules": len(modules),
            "calls": sum(self.calls.values()),
            "all_calls": self.all_calls,
            "by_module": dict(sorted(modules.items())),
            "function_list": [
                f"{path}:{line} {name} x{count}"
                for (path, name, line), count in sorted(self.calls.items())
            ],
        }


def _setup_django(database: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "outcomes_site.settings",
            # DEBUG for plain static files (no collectstatic); the project's code path is the
            # same as in production.
            "DEBUG": "1",
            "SQLITE_PATH": str(database),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("OUTCOMES_TESTING", None)
    import django

    django.setup()


def _seed(database: Path, keep: bool) -> None:
    from django.core.management import call_command

    if database.exists() and not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    call_command("migrate", "--no-input", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", verbosity=0, stdout=quiet)


def submit(client, pk: int, number: int):
    """One htmx outcome submit (a purchase), as the widget posts it."""
    body = {
        "add-purchase-token": f"00000000-0000-4000-8000-{number:012d}",
        "add-purchase-total": "49.90",
        "add-purchase-currency": "USD",
        "add-purchase-orderId": f"CALL-COUNT-{time.time_ns()}-{number}",
    }
    return client.post(
        f"/workspace/conversations/{pk}/outcomes/purchase/",
        body,
        headers={
            "HX-Request": "true",
            "HX-Target": "outcome-type-purchase",
            "X-CSRFToken": client.cookies["csrftoken"].value,
        },
    )


def ingest(client, key: str, number: int):
    """One ingest API request of the ten SDEs the request benchmark sends, for a new sale."""
    from bench.requests import SDES

    sdes = json.dumps(SDES).replace("@ID@", f"{time.time_ns()}-{number}")
    body = f'{{"visitorId": "call-count-{number}", "engagementAttributes": {sdes}}}'
    return client.post(
        "/api/v1/engagement-attributes",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def _recorded(request) -> tuple[int, dict]:
    recorder = CallRecorder()
    sys.setprofile(recorder)
    try:
        answer = request()
    finally:
        sys.setprofile(None)
    return answer.status_code, recorder.summary()


def measure(keep: bool = False) -> dict:
    RESULTS.mkdir(parents=True, exist_ok=True)
    database = RESULTS / "call_count.sqlite3"
    _setup_django(database)
    _seed(database, keep)
    from django.core.management import call_command
    from django.test import Client

    from bench.fixtures import open_conversations
    from campaigns.models import User

    first, second = open_conversations("agent", 2)[:2]
    client = Client(enforce_csrf_checks=True, SERVER_NAME="localhost")
    client.force_login(User.objects.get(username="agent"))
    page = client.get(f"/workspace/conversations/{first}/")  # the CSRF cookie, as a page sets it
    if page.status_code != 200:
        sys.exit(f"the conversation page answered {page.status_code}")
    warm = submit(client, first, 1)
    status, summary = _recorded(lambda: submit(client, second, 2))
    api = Client(SERVER_NAME="localhost")
    out = StringIO()
    call_command("connector_create", "--name", "call count", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    warm_ingest = ingest(api, key, 1)
    ingest_status, ingest_summary = _recorded(lambda: ingest(api, key, 2))
    return {
        "status": [warm.status_code, status],
        **summary,
        "ingest": {
            "status": [warm_ingest.status_code, ingest_status],
            "functions": ingest_summary["functions"],
            "calls": ingest_summary["calls"],
            "all_calls": ingest_summary["all_calls"],
        },
        "workspace_lines": workspace_lines(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every function")
    parser.add_argument("--keep", action="store_true", help="reuse the seeded SQLite file")
    args = parser.parse_args()
    result = measure(keep=args.keep)
    print(
        f"one outcome submit: {result['functions']} project functions in {result['modules']} "
        f"modules ({result['named_functions']} without lambdas and generator expressions), "
        f"{result['calls']} calls; {result['all_calls']} Python calls in all "
        f"(answers {result['status']})"
    )
    api = result["ingest"]
    print(
        f"one ingest of 10 SDEs: {api['functions']} project functions, {api['calls']} calls; "
        f"{api['all_calls']} Python calls in all (answers {api['status']})"
    )
    for module, count in result["by_module"].items():
        print(f"  {count:>4}  {module}")
    if args.list:
        print("\n".join(result["function_list"]))
    print("workspace lines (all / code):")
    for layer, figures in result["workspace_lines"].items():
        print(
            f"  {layer:<10} {figures['files']:>3} files "
            f"{figures['lines']:>6} {figures['code_lines']:>6}"
        )
    (RESULTS / "call_count.json").write_text(json.dumps(result, indent=2))
    if result["status"] != [200, 200] or any(s >= 300 for s in api["status"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
