"""The deployment docs/deploy.md describes, run for real: gunicorn (2 sync workers, production
settings) behind nginx with the shipped ``deploy/nginx.conf``, both in the foreground on loopback
ports, on a database of their own (PostgreSQL when ``DATABASE_URL`` names it, else SQLite).

Marked ``deploy`` and left out of ``make test``: ``make deploy-test`` (CI, once) runs them. They
need nginx and a Redis on 127.0.0.1:6379 (``.ci/run`` installs and starts both). Figures go to
``DEPLOY_FIGURES`` (default ``test-artifacts/deploy/figures.json``) for the scorecard.
All traffic stays on 127.0.0.1; every wait is bounded.
"""

import getpass
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from deploy.render_nginx import render

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
FIGURES_PATH = Path(
    os.environ.get("DEPLOY_FIGURES", ROOT / "test-artifacts" / "deploy" / "figures.json")
)
REDIS_URL = os.environ.get("DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/0")
OWNER_PASSWORD = secrets.token_urlsafe(16)

SETUP_SCRIPT = """
import json, os
from campaigns.models import User
from campaigns.services.connectors import connector_create
keys = {name: connector_create(name=f"Deploy test {name}", actor=None)[1]
        for name in ("redis", "database")}
User.objects.create_user(username="owner", password=os.environ["DEPLOY_OWNER_PASSWORD"])
print(json.dumps({"keys": keys}))
"""


@dataclass
class Deployment:
    env: dict[str, str]
    folder: Path
    api_keys: dict[str, str]
    owner_password: str = OWNER_PASSWORD


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def http_request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str | None = None,
    timeout: float = 5,
) -> Answer:
    """One request on a new connection (from ``source``, a loopback address, when given)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(
        HOST, port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    return Answer(
        status=response.status,
        headers={name.lower(): value for name, value in response.getheaders()},
        body=content,
        seconds=time.monotonic() - started,
    )


def _wait_until_listening(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if http_request(port, "GET", "/health/", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer /health/ on port {port} within 30 s")


@contextmanager
def _running(command: list[str], env: dict[str, str], port: int, what: str) -> Iterator[int]:
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        _wait_until_listening(port, process, what)
        yield port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@contextmanager
def gunicorn(
    deployment: Deployment, *, access_log: Path | None = None, **env: str
) -> Iterator[int]:
    """gunicorn as docs/deploy.md runs it (2 sync workers on loopback); yields its port."""
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "outcomes_site.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        "2",
        "--access-logfile",
        str(access_log or "/dev/null"),
        # The worker's pid on each line: the rate-limit test shows both workers answered.
        "--access-logformat",
        "%(p)s %(s)s %(r)s",
    ]
    with _running(command, {**deployment.env, **env}, port, "gunicorn") as running:
        yield running


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        pytest.fail("nginx is not installed (apt-get install nginx-light; .ci/run does)")
    return found


@contextmanager
def nginx(deployment: Deployment, upstream_port: int) -> Iterator[int]:
    """nginx in the foreground with the shipped configuration, rendered for loopback ports and
    a temporary prefix; yields its port."""
    port = free_port()
    prefix = deployment.folder / f"nginx-{port}"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(
        render(
            listen=[f"{HOST}:{port}"],
            upstream=f"{HOST}:{upstream_port}",
            server_name="localhost",
            user=getpass.getuser(),  # its workers write request bodies in this private folder
            pid=str(prefix / "nginx.pid"),
            temp_dir=str(prefix),
            access_log="off",
        )
    )
    command = [
        nginx_binary(),
        "-e",
        "stderr",
        "-g",
        "daemon off;",
        "-c",
        str(conf),
        "-p",
        str(prefix),
    ]
    with _running(command, deployment.env, port, "nginx") as running:
        yield running


def server_database() -> tuple[str, Any]:
    """A database for the servers only, and how to drop it: ``<name>_deploy`` beside the one
    ``DATABASE_URL`` names (PostgreSQL), else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "", None
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_deploy"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    # The name is the configured database's own name plus a suffix, quoted as an identifier.
    quoted = '"' + name.replace('"', '""') + '"'
    run(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    run(f"CREATE DATABASE {quoted}")
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(
        f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"
    )
