"""Webhook fixtures: a verifying receiver on loopback and an endpoint subscribed to it."""

import pytest
from django.utils import timezone

from tests.workspace.webhooks.receiver import Receiver
from workspace.webhooks.models import Endpoint, EventType
from workspace.webhooks.signing import secret_generate


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def make_endpoint(url: str, *, secret: str, types=None, enabled=True) -> Endpoint:
    return Endpoint.objects.create(
        url=url,
        event_types=list(types or EventType.values),
        secret=secret,
        enabled=enabled,
        created_at=timezone.now(),
    )


@pytest.fixture
def endpoint(db, receiver):
    receiver.secret = secret_generate()
    return make_endpoint(receiver.url, secret=receiver.secret)
