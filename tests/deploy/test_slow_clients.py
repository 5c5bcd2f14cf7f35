"""Slow clients: 50 uploads that announce a body and send one byte of it. Straight at gunicorn
(2 sync workers) they hold both workers and nobody else is answered; behind the shipped nginx
everyone else is answered within a second, and nginx cuts the slow ones off by itself."""

import select
import socket
import time

import pytest

from tests.deploy.servers import HOST, gunicorn, http_request, nginx

pytestmark = pytest.mark.deploy

SLOW_CLIENTS = 50
ANNOUNCED_BYTES = 1000
ANSWER_WITHIN = 1.0  # seconds, for everyone else
PROBES = 10
NGINX_BODY_TIMEOUT = 5  # client_body_timeout in deploy/nginx.conf
# Any well-formed CSRF cookie makes Django read the form body before it can refuse the request.
CSRF_COOKIE = "a" * 32


def _stalled_upload(port: int) -> socket.socket:
    """A sign-in form POST that announces its body and sends one byte of it, then waits."""
    sock = socket.create_connection((HOST, port), timeout=5)
    sock.sendall(
        (
            "POST /login/ HTTP/1.1\r\n"
            f"Host: {HOST}:{port}\r\n"
            f"Cookie: csrftoken={CSRF_COOKIE}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {ANNOUNCED_BYTES}\r\n"
            "\r\n"
            "u"
        ).encode()
    )
    return sock


def _answered(sock: socket.socket) -> bool:
    """Whether the server has said anything or closed the connection (without waiting)."""
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def _others_meanwhile(port: int, *, count: int, timeout: float) -> list[float | None]:
    """Seconds each other user's request took (the login page, the health check), or None
    when no answer came within ``timeout``."""
    latencies: list[float | None] = []
    for number in range(count):
        path = "/login/" if number % 2 else "/health/"
        try:
            answer = http_request(port, "GET", path, timeout=timeout)
        except TimeoutError:
            latencies.append(None)
            continue
        assert answer.status == 200, (path, answer.status)
        latencies.append(answer.seconds)
    return latencies


def _close(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()


def test_slow_clients_hold_bare_gunicorn_but_not_gunicorn_behind_nginx(deployment, deploy_figures):
    with gunicorn(deployment) as app_port, nginx(deployment, app_port) as proxy_port:
        slow = [_stalled_upload(proxy_port) for _ in range(SLOW_CLIENTS)]
        try:
            time.sleep(0.5)  # nginx has read what they sent and waits for the rest
            behind_nginx = _others_meanwhile(proxy_port, count=PROBES, timeout=5)
            still_hanging = sum(not _answered(sock) for sock in slow)
            # Security headers are the app's, passed through untouched.
            page = http_request(proxy_port, "GET", "/login/")
            # nginx gives up on them by itself, without any worker having waited.
            cut_off_at = time.monotonic() + NGINX_BODY_TIMEOUT + 5
            while time.monotonic() < cut_off_at and not all(_answered(sock) for sock in slow):
                time.sleep(0.2)
            cut_off = sum(_answered(sock) for sock in slow)
        finally:
            _close(slow)

        # The same slow clients straight at gunicorn: both workers wait for the bodies.
        slow = [_stalled_upload(app_port) for _ in range(SLOW_CLIENTS)]
        try:
            time.sleep(0.5)
            bare = _others_meanwhile(app_port, count=2, timeout=2 * ANSWER_WITHIN)
        finally:
            _close(slow)

    answered = [seconds for seconds in behind_nginx if seconds is not None]
    deploy_figures["slow_clients"] = {
        "slow_clients": SLOW_CLIENTS,
        "other_requests_behind_nginx": len(behind_nginx),
        "answered_behind_nginx": len(answered),
        "slowest_answer_behind_nginx_ms": round(max(answered, default=0) * 1000, 1),
        "slow_clients_still_hanging_meanwhile": still_hanging,
        "slow_clients_cut_off_by_nginx": cut_off,
        "bare_gunicorn_answered_within_2s": sum(seconds is not None for seconds in bare),
        "bare_gunicorn_requests": len(bare),
    }
    assert still_hanging == SLOW_CLIENTS, "the slow clients were not held while others came"
    assert len(answered) == PROBES
    assert max(answered) < ANSWER_WITHIN
    assert "content-security-policy" in page.headers
    assert cut_off == SLOW_CLIENTS
    # Without nginx the problem is there: nobody else gets an answer while they hang.
    assert bare == [None, None]
