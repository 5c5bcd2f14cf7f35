"""The shared cache: which backend each environment gets, the database cache's table (made by
``migrate``) and its atomic ``incr``, and the API rate limit counted in it. Two gunicorn workers
sharing it are tested in tests/deploy/test_rate_limit_across_workers.py."""

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections

from campaigns.services.connectors import connector_create
from outcomes_site.cache import LockingDatabaseCache
from workspace.api.guard import rate_limit_retry_after

ROOT = Path(__file__).resolve().parent.parent
DATABASE_CACHE = {
    "default": {"BACKEND": "outcomes_site.cache.LockingDatabaseCache", "LOCATION": "outcomes_cache"}
}


def _cache_backend(**env: str) -> str:
    """The default cache's backend under settings read from ``env`` alone."""
    base = {k: v for k, v in os.environ.items() if k not in ("OUTCOMES_TESTING", "REDIS_URL")}
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default']))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "outcomes_site.settings", **env},
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return json.loads(output)["BACKEND"]


def test_production_shares_the_cache_through_redis_or_the_database():
    production = {"SECRET_KEY": "k" * 60, "DEBUG": "0"}
    assert _cache_backend(**production) == "outcomes_site.cache.LockingDatabaseCache"
    assert (
        _cache_backend(**production, REDIS_URL="redis://127.0.0.1:6379/0")
        == "django.core.cache.backends.redis.RedisCache"
    )
    assert _cache_backend(DEBUG="1") == "outcomes_site.cache.LockingDatabaseCache"
    # Only the tests, in one process, keep each process's own memory.
    assert _cache_backend(OUTCOMES_TESTING="1").endswith("LocMemCache")


def test_migrate_creates_the_cache_table(db):
    assert "outcomes_cache" in connection.introspection.table_names()


@pytest.fixture
def database_cache(db):
    return LockingDatabaseCache("outcomes_cache", {})


def test_incr_counts_an_existing_key_and_refuses_a_missing_one(database_cache):
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("missing")
    assert database_cache.add("window", 1, timeout=60)
    assert not database_cache.add("window", 1, timeout=60)
    assert database_cache.incr("window") == 2
    assert database_cache.incr("window", 5) == 7
    assert database_cache.get("window") == 7


def test_incr_treats_an_expired_key_as_missing(database_cache, time_machine):
    database_cache.add("window", 1, timeout=60)
    time_machine.move_to(timedelta(seconds=120))
    with pytest.raises(ValueError, match="not found"):
        database_cache.incr("window")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_incr_loses_no_count_when_two_connections_count_at_once():
    cache = LockingDatabaseCache("outcomes_cache", {})
    cache.add("shared", 0, timeout=60)
    errors: list[BaseException] = []

    def count() -> None:
        try:
            for _ in range(25):
                cache.incr("shared")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert cache.get("shared") == 50


def test_the_api_rate_limit_counts_in_the_database_cache(db, settings):
    settings.CACHES = DATABASE_CACHE
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    connector, _key = connector_create(name="Shop", actor=None)
    now = 1_800_000_020.0  # 20 s into a minute
    answers = [rate_limit_retry_after(connector, now=now + second) for second in range(3)]
    assert answers == [None, None, 38]
    # The next minute is a new window.
    assert rate_limit_retry_after(connector, now=now + 60) is None
