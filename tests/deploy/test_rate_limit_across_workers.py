"""The ingest API's rate limit, counted in the shared cache, holds across gunicorn's two workers:
with Redis (``REDIS_URL``) and with the database's cache table. (Counted in each worker's own
memory, as before, two workers let nearly twice the limit through.)"""

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from tests.deploy.servers import REDIS_URL, gunicorn, http_request

pytestmark = pytest.mark.deploy

LIMIT = 20
EXTRA = 20
CLIENTS = 4  # at once, so that both workers are busy
PATH = "/api/v1/engagement-attributes"


def _require_redis() -> None:
    address = urlsplit(REDIS_URL)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=2).close()
    except OSError:
        pytest.fail(f"Redis is not listening at {REDIS_URL} (.ci/run starts redis-server)")


def _inside_one_window() -> None:
    """The limit counts per clock minute: start early enough in one to finish inside it."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.5)


def _statuses(port: int, key: str) -> list[int]:
    def send(_number: int) -> int:
        return http_request(
            port,
            "POST",
            PATH,
            body=b"{}",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            timeout=10,
        ).status

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(send, range(LIMIT + EXTRA)))


def _workers(access_log) -> set[str]:
    lines = access_log.read_text().splitlines()
    return {line.split()[0] for line in lines if PATH in line}


@pytest.mark.parametrize("backend", ["redis", "database"])
def test_at_most_the_limit_gets_through_two_workers(backend, deployment, deploy_figures):
    env = {"API_RATE_LIMIT_PER_MINUTE": str(LIMIT)}
    if backend == "redis":
        _require_redis()
        env["REDIS_URL"] = REDIS_URL
    access_log = deployment.folder / f"access-{backend}.log"
    with gunicorn(deployment, access_log=access_log, **env) as port:
        _inside_one_window()
        statuses = _statuses(port, deployment.api_keys[backend])
    through = sum(status != 429 for status in statuses)
    workers = _workers(access_log)
    deploy_figures[f"rate_limit_{backend}"] = {
        "workers": len(workers),
        "limit": LIMIT,
        "sent": len(statuses),
        "let_through": through,
        "refused_429": statuses.count(429),
    }
    assert len(workers) == 2, "both workers must have answered"
    assert set(statuses) <= {400, 429}, statuses  # the body is refused after the limit check
    assert through == LIMIT
