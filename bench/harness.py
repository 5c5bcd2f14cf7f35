"""Shared pieces of the benchmarks: a PostgreSQL database, gunicorn on loopback, wrk, a login.

Everything runs on 127.0.0.1 only, bounded in time. Figures are compared as ratios within one
run, because runs on a shared 2-core machine vary by up to 40 %.
"""

import http.client
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def _as_postgres(command: str, sql: str | None = None) -> None:
    """Run ``command`` as the postgres system user (SQL goes on standard input, unquoted)."""
    prefix = (
        ["su", "postgres", "-c"] if os.geteuid() == 0 else ["sudo", "-u", "postgres", "sh", "-c"]
    )
    subprocess.run([*prefix, command], input=sql, text=True, check=True, capture_output=True)


@cache
def _bench_role_password() -> str:
    """One password for the benchmark role per process: setting a new one for every database
    would break the connections of a server started with the previous one."""
    password = os.environ.get("BENCH_DB_PASSWORD") or secrets.token_hex(12)
    # bandit: SQL text built from constants and fragments; every value is a bound parameter.
    sql = (
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outcomes_bench') "
        "THEN CREATE ROLE outcomes_bench LOGIN CREATEDB; END IF; END $$;\n"
        f"ALTER ROLE outcomes_bench PASSWORD '{password}';\n"  # nosec B608
    )  # nosec B608
    _as_postgres("psql -q -v ON_ERROR_STOP=1", sql)
    os.environ["BENCH_DB_PASSWORD"] = password  # child benchmark scripts reuse it
    return password


def local_database_url(name: str, *, fresh: bool = False) -> str:
    """``DATABASE_URL`` from the environment, or database ``name`` on the local PostgreSQL
    (created when missing; dropped first when ``fresh``), owned by the role ``outcomes_bench``."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain database name: {name}")
    password = _bench_role_password()
    if fresh:
        _as_postgres(f"dropdb --if-exists --force {name}")
    _as_postgres(f"createdb -O outcomes_bench {name} 2>/dev/null || true")
    return f"postgres://outcomes_bench:{password}@127.0.0.1:5432/{name}"


BENCH_SECRETS_KEY = "YmVuY2htYXJrLWRhdGFiYXNlcy1vbmx5LWtleS0wMDA="


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", secrets.token_urlsafe(50)),
        # A fixed key for the benchmarks' own databases, so a run over a kept database (--keep,
        # DATABASE_URL) reads the secrets an earlier run stored. Loopback data only.
        "SECRETS_ENCRYPTION_KEYS": os.environ.get("SECRETS_ENCRYPTION_KEYS", BENCH_SECRETS_KEY),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BENCH_REFERENCES": "1",
        "LOG_LEVEL": "WARNING",
        "LOGIN_FAILURE_LIMIT": "100000",
        # Its own static folder: collecting into the work tree's would race other test runs.
        "STATIC_ROOT": str(RESULTS / "static"),
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int = 2):
    """gunicorn with production settings on loopback; stopped on exit."""
    manage(env, "collectstatic", "--no-input", "-v0")
    process = subprocess.Popen(
        [
            GUNICORN,
            "outcomes_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                # bandit: Opens a fixed http://127.0.0.1 URL of the benchmark's own server.
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1)  # nosec B310
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def login(base: str, username: str, password: str = "demo") -> dict[str, str]:
    """Sign in through the real form; returns the cookies (sessionid, csrftoken)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    opener.open(
        urllib.request.Request(
            f"{base}/login/", data=data.encode(), headers={"Referer": f"{base}/login/"}
        )
    )
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"login as {username} failed")
    return cookies


def wrk(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    script: str | None = None,
    duration: int = 10,
    connections: int = 16,
    threads: int = 2,
) -> dict[str, float]:
    """Run wrk and return requests/s, p50, p99 (ms) and the non-2xx/3xx count."""
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": float(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output))
        else 0.0,
    }


def _ms(value: str) -> float:
    number, unit = float(re.match(r"[\d.]+", value).group(0)), re.sub(r"[\d.]+", "", value)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def write_results(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path


def free_port() -> int:
    """A port nobody listens on now (other benchmarks may run on this machine at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: how busy the shared machine was."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> dict[str, str]:
    """What the figures came from."""
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    postgres = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory_gib": f"{int(memory) / 1024 / 1024:.1f}",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql_client": postgres,
    }


def timed_get(base: str, path: str, cookie: str = "") -> tuple[int, float, str]:
    """GET ``base + path`` on a new loopback connection: status, wall seconds (until the whole
    body is read, so rendering and transfer count) and the body."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    connection = http.client.HTTPConnection(host, port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    return response.status, seconds, body.decode(errors="replace")
