"""One signed POST to an endpoint, to the address that was checked (``addresses.target_for``)."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings

from workspace.webhooks.addresses import AddressRefused, Target, target_for
from workspace.webhooks.signing import signed_headers

USER_AGENT = "ConversationOutcomes-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (refused address, timeout, connection error)
    response_ms: int
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _connect_to(address: str, host_port, *args, **kwargs):
    return socket.create_connection((address, host_port[1]), *args, **kwargs)


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        context = ssl.create_default_context()
        conn = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    # Connect to the checked address; TLS still verifies the certificate for the host name.
    conn._create_connection = partial(_connect_to, target.address)
    return conn


def webhook_post(*, url: str, secret: str, webhook_id: str, body: bytes, now: float) -> Answer:
    """POST ``body`` signed for ``webhook_id`` at ``now`` (seconds); never raises."""
    started = time.monotonic()

    def answer(status, error=""):
        return Answer(status, int((time.monotonic() - started) * 1000), error[:200])

    try:
        target = target_for(url)
    except AddressRefused as refused:
        return answer(None, str(refused))
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **signed_headers(secret, webhook_id, int(now), body),
    }
    conn = _connection(target, settings.WEBHOOKS_TIMEOUT_SECONDS)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(64 * 1024)  # the answer's body is not kept
        return answer(response.status)
    except TimeoutError:
        return answer(None, "timeout")
    except (OSError, http.client.HTTPException) as error:
        return answer(None, type(error).__name__)
    finally:
        conn.close()
