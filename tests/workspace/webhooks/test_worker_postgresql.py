"""The real task worker on PostgreSQL delivering to a real receiver that verifies every
signature with the ``standardwebhooks`` package. The receiver is stopped for a while mid-run and
started again: every event arrives, once per id, in order per conversation."""

import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.catalogue import AttributeType
from tests.factories import ConversationFactory
from tests.workspace.factories import attribute_config
from tests.workspace.webhooks.worker import WorkerThread, wait_for
from workspace.services.conversations import CloseWay, conversation_close
from workspace.services.outcomes import outcome_correct, outcome_submit
from workspace.webhooks.models import Delivery, OutboxMessage
from workspace.webhooks.tasks import _planned

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def worker(settings):
    settings.TASKS = DB_TASKS
    settings.WEBHOOKS_RETRY_SECONDS = (0.2, 0.4, 0.8)
    _planned["at"] = None
    thread = WorkerThread().start()
    yield thread
    thread.stop()


def _report(conversation, agent, n):
    event = outcome_submit(
        conversation=conversation, attribute_type=AttributeType.PURCHASE,
        values={"total": Decimal("10.00"), "orderId": f"O-{conversation.pk}-{n}"}, currency="USD",
        actor=agent, token=None, now=timezone.now(),
    )  # fmt: skip
    return outcome_correct(
        event=event, values={"total": Decimal("12.00"), "orderId": f"O-{conversation.pk}-{n}"},
        currency="USD", version=1, actor=agent, now=timezone.now(),
    )  # fmt: skip


def _expected_order() -> dict[str, list[str]]:
    order = defaultdict(list)
    for webhook_id, external_id in OutboxMessage.objects.order_by("pk").values_list(
        "webhook_id", "conversation__external_id"
    ):
        order[external_id].append(webhook_id)
    return order


def test_every_event_arrives_once_in_order_across_a_receiver_outage(
    endpoint, receiver, worker, agent, sales_skill
):
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill])
    started = timezone.now() - timedelta(minutes=5)
    conversations = [
        ConversationFactory(agent=agent, skill=sales_skill, started_at=started) for _ in range(4)
    ]
    for conversation in conversations:
        _report(conversation, agent, 1)
    assert wait_for(lambda: len(receiver.arrivals) == 8, timeout=30)

    receiver.stop()  # the CRM goes down; events keep coming
    for conversation in conversations:
        _report(conversation, agent, 2)
    for conversation in conversations[:2]:
        conversation_close(
            conversation=conversation, actor=None, at=timezone.now(), way=CloseWay.API
        )
    assert wait_for(
        lambda: Delivery.objects.filter(state="pending", attempts__gte=2).exists(), timeout=30
    )
    time.sleep(1)
    receiver.start()  # back on the same port

    total = OutboxMessage.objects.count()
    assert total == 4 * 4 + 2
    assert wait_for(
        lambda: not Delivery.objects.filter(state="pending").exists(), timeout=60, step=0.2
    )
    assert receiver.refused == []
    ids = receiver.ids()
    assert len(ids) == len(set(ids)) == total  # every event, once per id
    arrived = defaultdict(list)
    for arrival in receiver.arrivals:
        arrived[arrival.conversation].append(arrival.webhook_id)
    assert arrived == _expected_order()  # in order per conversation
    assert Delivery.objects.filter(attempts__gt=1).exists()  # some were retried


def test_nothing_is_lost_while_the_worker_is_down(endpoint, receiver, settings):
    settings.TASKS = DB_TASKS
    _planned["at"] = None
    conversations = [ConversationFactory() for _ in range(3)]
    for conversation in conversations:
        conversation_close(
            conversation=conversation, actor=None, at=timezone.now(), way=CloseWay.API
        )
    time.sleep(0.5)
    assert receiver.arrivals == []  # no worker: queued, not sent
    thread = WorkerThread().start()
    try:
        assert wait_for(lambda: len(receiver.arrivals) == 3, timeout=30)
    finally:
        thread.stop()
    assert {a.conversation for a in receiver.arrivals} == {c.external_id for c in conversations}
