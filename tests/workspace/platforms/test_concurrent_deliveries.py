"""The same delivery twice at the same moment (a platform retrying while the first is still in
flight): acted on once. PostgreSQL only: SQLite serialises writers anyway."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from tests.workspace.platforms import samples
from tests.workspace.platforms.conftest import post_chatwoot
from workspace.models import Conversation, Message
from workspace.platforms.models import Delivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def test_simultaneous_copies_of_one_delivery_act_once(chatwoot):
    at = timezone.now() - timedelta(minutes=5)
    conversation = samples.chatwoot_conversation("conversation_created", at=at)
    message = samples.chatwoot_message(content="Hello?", at=at, conversation=conversation)
    start, answers = threading.Barrier(4), []

    def send():
        try:
            start.wait()
            answers.append(post_chatwoot(Client(), chatwoot, message, delivery="same-id").json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(answer["duplicate"] for answer in answers) == [False, True, True, True]
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_simultaneous_first_deliveries_of_one_conversation_make_one(chatwoot):
    at = timezone.now() - timedelta(minutes=5)
    # No agent, team or inbox: their refs would serialise the deliveries before the race.
    conversation = samples.chatwoot_conversation(
        "conversation_created", at=at, assignee=None, team=None
    )
    del conversation["inbox_id"]
    payloads = [conversation] + [
        samples.chatwoot_message(
            content=f"Line {n}", at=at, conversation=conversation, message_id=n
        )
        for n in range(3)
    ]
    start, statuses = threading.Barrier(len(payloads)), []

    def send(payload):
        try:
            start.wait()
            statuses.append(post_chatwoot(Client(), chatwoot, payload).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == [200] * len(payloads)
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 3
