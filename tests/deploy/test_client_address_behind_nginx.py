"""Behind the shipped nginx every request reaches gunicorn from 127.0.0.1, yet the sign-in
lockout sees each client's own address: a stranger who fails on an account (and claims, in
X-Forwarded-For, to be its owner) locks only their own address out, and the owner signs in."""

import re
from urllib.parse import urlencode

import pytest

from tests.deploy.servers import gunicorn, http_request, nginx

pytestmark = pytest.mark.deploy

# Distinct loopback addresses for the people; nginx reaches gunicorn from 127.0.0.1 only.
STRANGER = "127.0.0.2"
OWNER = "127.0.0.3"
FAILURE_LIMIT = 2


def _sign_in(port: int, *, source: str, password: str, headers: dict | None = None) -> int:
    page = http_request(port, "GET", "/login/", source=source, headers=headers)
    cookie = re.search(r"csrftoken=([^;]+)", page.headers["set-cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    form = {"username": "owner", "password": password, "csrfmiddlewaretoken": token.decode()}
    answer = http_request(
        port,
        "POST",
        "/login/",
        body=urlencode(form).encode(),
        headers={
            **(headers or {}),
            "Cookie": f"csrftoken={cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        source=source,
    )
    return answer.status


def test_a_stranger_behind_the_proxy_locks_only_their_own_address(deployment):
    env = {"LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT), "TRUSTED_PROXIES": "127.0.0.1"}
    spoofed = {"X-Forwarded-For": OWNER}
    with gunicorn(deployment, **env) as app_port, nginx(deployment, app_port) as port:
        failures = [
            _sign_in(port, source=STRANGER, password="wrong", headers=spoofed)
            for _ in range(FAILURE_LIMIT)
        ]
        stranger = _sign_in(port, source=STRANGER, password=deployment.owner_password)
        owner = _sign_in(port, source=OWNER, password=deployment.owner_password)
    assert failures == [200, 429]  # the form again, then the lockout page
    assert stranger == 429
    assert owner == 302
