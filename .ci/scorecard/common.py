# ruff: noqa: S603, S607 - runs fixed local tools (psql, gunicorn, wapiti, pytest, bandit)
"""What the load, fault and scan steps share: a dedicated PostgreSQL database, gunicorn on
127.0.0.1 with production settings, signed-in HTTP clients, and percentiles.

Traffic goes to 127.0.0.1 only. Each step creates (drops and re-creates) its own database,
so it never touches the databases of the tests, the benchmarks or a developer.
"""

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.harness import PYTHON, gunicorn, login, manage  # noqa: E402, F401

HOST = "127.0.0.1"
ROLE = "outcomes_scorecard"


def _as_postgres(command: str, sql: str | None = None) -> subprocess.CompletedProcess:
    runner = ["su", "postgres", "-c"] if os.geteuid() == 0 else ["sudo", "-n", "-u", "postgres"]
    args = [*runner, command] if os.geteuid() == 0 else [*runner, "sh", "-c", command]
    return subprocess.run(args, input=sql, capture_output=True, text=True, check=False, timeout=60)


def dedicated_database(name: str) -> str:
    """A fresh database ``name`` owned by a scorecard role with a new password; its URL."""
    if (
        not shutil.which("pg_isready")
        or subprocess.run(["pg_isready", "-q", "-h", HOST, "-p", "5432"], check=False).returncode
    ):
        sys.exit(
            f"PostgreSQL is not accepting connections on {HOST}:5432: the scorecard's load, "
            "fault and scan steps need it (.ci/run installs and starts it)."
        )
    password = secrets.token_hex(12)
    # A constant role name and a random hex password: no outside input reaches this SQL.
    sql = (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "  # nosec B608
        f"THEN CREATE ROLE {ROLE} LOGIN CREATEDB; END IF; END $$; "
        f"ALTER ROLE {ROLE} PASSWORD '{password}';"
    )
    steps = [
        ("psql -q -v ON_ERROR_STOP=1", sql),
        (f"dropdb --if-exists --force {name}", None),
        (f"createdb -O {ROLE} {name}", None),
    ]
    for step, stdin in steps:
        result = _as_postgres(step, stdin)
        if result.returncode:
            sys.exit(f"Could not prepare database {name}: {result.stderr.strip()}")
    return f"postgres://{ROLE}:{password}@{HOST}:5432/{name}"


def scorecard_database(name: str) -> tuple[str, str, dict[str, str]]:
    """A fresh database ``name``, a password for the scorecard's users, and the server
    environment for both: what every scorecard script starts from."""
    database_url = dedicated_database(name)
    password = secrets.token_urlsafe(16)
    return database_url, password, server_env(database_url, SCORECARD_PASSWORD=password)


def drop_database(name: str) -> None:
    _as_postgres(f"dropdb --if-exists --force {name}")


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off, manifest static files) on plain HTTP at 127.0.0.1."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("OUTCOMES_TESTING", "BENCH_REFERENCES", "PRODUCTION")
    }
    return {
        **env,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # Many sign-ins from one address are the test, not an attack; the per-key API rate
        # limit is tested elsewhere and would otherwise turn load into 429s.
        "LOGIN_FAILURE_LIMIT": "100000",
        "API_RATE_LIMIT_PER_MINUTE": "0",
        **extra,
    }


def prepare(env: dict[str, str], *, agents: int, scanner: bool = False) -> dict:
    """Migrate and create the step's agents, conversations and API key."""
    manage(env, "migrate", "--no-input", "-v0")
    command = [PYTHON, str(ROOT / ".ci" / "scorecard" / "world.py"), "--agents", str(agents)]
    if scanner:
        command.append("--scanner")
    output = subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Browser:
    """One signed-in person over one keep-alive connection: cookies and the CSRF header."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None, timeout: float = 15):
        self.port, self.timeout = port, timeout
        self.cookies = dict(cookies or {})
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send once; a broken connection raises OSError (the caller decides to retry)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies and method == "POST":
            sent.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise OSError(str(exc)) from exc
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def write_json(path: str | None, payload: dict) -> None:
    text = json.dumps(payload, indent=2, default=str)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text)
    print(text)


def now() -> float:
    return time.monotonic()
