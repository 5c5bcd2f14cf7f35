"""A real HTTP server in front of the receiver: Chatwoot's deliveries as bytes on a socket."""

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workspace.platforms import samples
from tests.workspace.platforms.conftest import CHATWOOT_SECRET
from workspace.models import Conversation, Message

pytestmark = pytest.mark.django_db(transaction=True)


def _send(url: str, body: bytes, headers: dict) -> tuple[int, dict]:
    names = {key.removeprefix("HTTP_").replace("_", "-"): value for key, value in headers.items()}
    request = urllib.request.Request(  # noqa: S310 (the test's own loopback server)
        url, data=body, method="POST", headers={"Content-Type": "application/json", **names}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_deliveries_over_http_in_any_order_and_repeated(live_server, chatwoot):
    url = live_server.url + reverse("platforms:chatwoot-receive", args=[chatwoot.slug])
    at = timezone.now() - timedelta(minutes=10)
    conversation = samples.chatwoot_conversation("conversation_created", at=at)
    message = samples.chatwoot_message(content="Is it in stock?", at=at, conversation=conversation)
    stamp = int(timezone.now().timestamp())

    def signed(payload, delivery, secret=CHATWOOT_SECRET):
        body = samples.dumps(payload)
        return body, samples.chatwoot_headers(body, secret, timestamp=stamp, delivery=delivery)

    answers = [
        _send(url, *signed(message, "m-1")),  # the message first
        _send(url, *signed(conversation, "c-1")),
        _send(url, *signed(message, "m-1")),  # Chatwoot retries with the same delivery id
        _send(url, *signed(conversation, "c-2", secret="forged")),
    ]

    assert [status for status, _body in answers] == [200, 200, 200, 401]
    assert answers[2][1]["duplicate"] is True
    assert answers[3][1]["errors"][0]["code"] == "bad_signature"
    assert Conversation.objects.count() == 1
    assert list(Message.objects.values_list("text", flat=True)) == ["Is it in stock?"]
