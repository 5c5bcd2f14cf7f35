"""Visitor erasure and retention also remove outbox payloads and the delivery log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ConversationFactory
from workspace.services.conversations import CloseWay, conversation_close
from workspace.services.privacy import visitor_erase
from workspace.webhooks.models import Delivery, DeliveryAttempt, OutboxMessage
from workspace.webhooks.services.dispatch import deliveries_dispatch
from workspace.webhooks.services.retention import outbox_purge, outbox_purge_due

pytestmark = pytest.mark.django_db


def close(conversation):
    conversation_close(conversation=conversation, actor=None, at=timezone.now(), way=CloseWay.API)


def test_erasing_a_visitor_removes_their_messages_deliveries_and_log(endpoint, receiver, admin):
    mine, other = ConversationFactory(), ConversationFactory()
    close(mine)
    close(other)
    deliveries_dispatch()
    assert DeliveryAttempt.objects.count() == 2
    visitor_erase(visitor=mine.visitor, actor=admin, now=timezone.now())
    assert list(OutboxMessage.objects.values_list("conversation_id", flat=True)) == [other.pk]
    assert Delivery.objects.count() == 1
    assert DeliveryAttempt.objects.count() == 1
    assert mine.visitor.external_id not in str(list(OutboxMessage.objects.values("payload")))


def test_retention_removes_old_delivered_messages_and_keeps_pending_ones(
    endpoint, receiver, settings
):
    settings.WEBHOOKS_LOG_DAYS = 30
    settings.DATA_RETENTION_MONTHS = 24
    delivered, waiting, recent = (ConversationFactory() for _ in range(3))
    close(delivered)
    deliveries_dispatch()
    receiver.stop()
    close(waiting)
    deliveries_dispatch()
    close(recent)
    old = timezone.now() - timedelta(days=31)
    OutboxMessage.objects.exclude(conversation=recent).update(created_at=old)
    now = timezone.now()
    assert outbox_purge_due(now) == [now]
    assert outbox_purge(now=now) == 1
    kept = set(OutboxMessage.objects.values_list("conversation_id", flat=True))
    assert kept == {waiting.pk, recent.pk}
    assert outbox_purge_due(now) == []
    # Past the data retention period even an undelivered message goes.
    assert outbox_purge(now=now + timedelta(days=2 * 366)) == 2
    assert DeliveryAttempt.objects.count() == 0
