"""Delivery: retried with backoff, in order per conversation and endpoint (a failing delivery
holds back the later ones of its conversation, not those of others), logged with status and
response time, replayed on request, and an endpoint failing for a day is switched off."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from campaigns.models import AuditEntry
from tests.factories import ConversationFactory
from workspace.services.conversations import CloseWay, conversation_close
from workspace.webhooks.models import Delivery, DeliveryAttempt, Endpoint
from workspace.webhooks.services.dispatch import deliveries_dispatch, retry_delay
from workspace.webhooks.services.endpoints import delivery_replay

pytestmark = pytest.mark.django_db


def close(conversation):
    conversation_close(conversation=conversation, actor=None, at=timezone.now(), way=CloseWay.API)


def due_now():
    Delivery.objects.filter(state="pending").update(next_attempt_at=timezone.now())


def test_retries_back_off_and_keep_the_order_of_a_conversation(endpoint, receiver, settings):
    settings.WEBHOOKS_RETRY_SECONDS = (5, 30, 120)
    first, second = ConversationFactory(), ConversationFactory()
    receiver.status = 503
    close(first)
    deliveries_dispatch()
    failed = Delivery.objects.get()
    assert failed.state == "pending"
    assert failed.attempts == 1
    assert failed.last_status == 503
    assert failed.next_attempt_at > timezone.now() + timedelta(seconds=3)
    receiver.status = 204
    close(second)  # another conversation is not held back
    from workspace.webhooks.services.outbox import outbox_write

    outbox_write(  # a later event of the failing conversation waits for the first
        event_type="conversation.closed", at=timezone.now(), conversation_id=first.pk,
        visitor_id=first.visitor_id,
    )  # fmt: skip
    sent, retry_at = deliveries_dispatch()
    assert [a.conversation for a in receiver.arrivals] == [second.external_id]
    # The next run is planned for the failed delivery's retry, not for the one it holds back.
    assert sent == 1
    assert retry_at == Delivery.objects.get(pk=failed.pk).next_attempt_at
    due_now()
    deliveries_dispatch()
    assert [a.conversation for a in receiver.arrivals] == [
        second.external_id,
        first.external_id,
        first.external_id,
    ]
    log = DeliveryAttempt.objects.filter(delivery=failed).order_by("pk")
    assert [attempt.status_code for attempt in log] == [503, 204]
    assert all(attempt.response_ms is not None for attempt in log)


def test_the_backoff_grows_and_then_repeats(settings):
    settings.WEBHOOKS_RETRY_SECONDS = (5, 30, 120)
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 9)] == [5, 30, 120, 120, 120]


def test_a_receiver_that_is_down_leaves_the_delivery_pending(endpoint, receiver):
    receiver.stop()
    close(ConversationFactory())
    deliveries_dispatch()
    delivery = Delivery.objects.get()
    assert delivery.state == "pending"
    assert delivery.last_status is None
    assert delivery.last_error == "ConnectionRefusedError"
    assert Endpoint.objects.get().failing_since is not None


def test_an_endpoint_failing_for_a_day_is_switched_off_and_admins_are_told(
    endpoint, receiver, admin, django_capture_on_commit_callbacks
):
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(days=1, minutes=1)
    )
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        close(ConversationFactory())
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert endpoint.disabled_reason == "failing"
    assert AuditEntry.objects.filter(action="webhook.switched_off").count() == 1
    (message,) = mail.outbox
    assert message.to == [admin.email]
    assert endpoint.url in message.subject
    assert Delivery.objects.get().state == "pending"  # kept for when it is switched on again


def test_one_failure_does_not_switch_off_an_endpoint(endpoint, receiver):
    receiver.status = 500
    close(ConversationFactory())
    deliveries_dispatch()
    endpoint.refresh_from_db()
    assert endpoint.enabled is True
    assert mail.outbox == []


def test_a_replayed_delivery_is_sent_again_with_the_same_id(
    endpoint, receiver, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        close(ConversationFactory())
    delivery = Delivery.objects.get()
    assert delivery.state == "delivered"
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery, actor=admin, now=timezone.now())
    first, again = receiver.arrivals
    assert first.webhook_id == again.webhook_id
    assert DeliveryAttempt.objects.filter(replay=True).count() == 1
    assert AuditEntry.objects.filter(action="webhook.replay", actor=admin).count() == 1


def test_replaying_a_pending_delivery_tries_it_now(
    endpoint, receiver, admin, django_capture_on_commit_callbacks
):
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        close(ConversationFactory())
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=Delivery.objects.get(), actor=admin, now=timezone.now())
    assert Delivery.objects.get().state == "delivered"
    assert len(receiver.arrivals) == 1


def test_the_scheduler_sends_what_was_left_behind(endpoint, receiver):
    from outcomes_site.scheduler import run_due_jobs

    close(ConversationFactory())  # committed, but the worker was never asked (no on_commit here)
    assert receiver.arrivals == []
    counts = run_due_jobs(timezone.now())
    assert counts["webhooks-dispatch"] == 1
    assert len(receiver.arrivals) == 1
    assert run_due_jobs(timezone.now())["webhooks-dispatch"] == 0


def test_sending_outcomes_takes_the_same_queries_for_more_messages(
    endpoint, receiver, agent, sales_skill, purchase_config
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workspace.services.outcomes import outcome_submit

    def queries(n) -> int:
        started = timezone.now() - timedelta(minutes=5)
        for conversation in ConversationFactory.create_batch(
            n, agent=agent, skill=sales_skill, started_at=started
        ):
            outcome_submit(
                conversation=conversation, attribute_type="purchase",
                values={"total": Decimal("5.00"), "orderId": f"Q-{conversation.pk}"},
                currency="USD", actor=agent, token=None, now=timezone.now(),
            )  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            sent, _retry = deliveries_dispatch()
        assert sent == n
        return len(captured.captured_queries)

    assert queries(2) == queries(6)
