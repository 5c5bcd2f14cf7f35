"""Fixtures of the deployment tests (tests/deploy/servers.py says what they run): one migrated
database with production settings for the whole session, and the figures file."""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.deploy.servers import (
    FIGURES_PATH,
    OWNER_PASSWORD,
    ROOT,
    SETUP_SCRIPT,
    Deployment,
    server_database,
)


@pytest.fixture(scope="session")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    """Production settings on a migrated database with its static files collected."""
    folder = tmp_path_factory.mktemp("deploy")
    database_url, drop = server_database()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("OUTCOMES_TESTING", "PRODUCTION", "REDIS_URL", "DATABASE_URL")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(folder / "static"),
        LOG_LEVEL="WARNING",
        DEPLOY_OWNER_PASSWORD=OWNER_PASSWORD,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env["SQLITE_PATH"] = str(folder / "db.sqlite3")
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True, timeout=300)
    output = subprocess.run(
        [*manage, "shell", "-c", SETUP_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout
    keys = json.loads(output.strip().splitlines()[-1])["keys"]
    try:
        yield Deployment(env=env, folder=folder, api_keys=keys)
    finally:
        if drop:
            drop()


@pytest.fixture(scope="session")
def deploy_figures() -> Iterator[dict[str, Any]]:
    """Figures per check, merged into the figures file when the session ends."""
    figures: dict[str, Any] = {}
    yield figures
    if not figures:
        return
    FIGURES_PATH.parent.mkdir(parents=True, exist_ok=True)
    previous: dict[str, Any] = {}
    if FIGURES_PATH.exists():
        try:
            previous = json.loads(FIGURES_PATH.read_text())
        except ValueError:
            previous = {}
    previous.update(figures)
    FIGURES_PATH.write_text(json.dumps(previous, indent=2, sort_keys=True))
