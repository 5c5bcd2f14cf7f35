"""Sending the outbox: the task worker claims the deliveries that may go now, sends them in
parallel, and records each answer. At least once, in order per conversation and endpoint:
only the oldest pending delivery of a (conversation, endpoint) pair is ever sent, and it stays
pending (holding back the later ones) until the endpoint answers 2xx."""

import json
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from workspace.webhooks.models import Delivery, DeliveryAttempt, OutboxMessage
from workspace.webhooks.services.endpoints import endpoints_health
from workspace.webhooks.services.payloads import payload_for, payloads_fill
from workspace.webhooks.services.sending import Answer, webhook_post

# Longer than a request may take (WEBHOOKS_TIMEOUT_SECONDS): a worker that dies while sending
# leaves its claim to run out, and the delivery is sent again (at least once).
LEASE = timedelta(seconds=120)
BATCH = 100
TIME_BUDGET_SECONDS = 50  # then the task asks for a successor, so one run never hogs the worker


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: WEBHOOKS_RETRY_SECONDS, the last repeated."""
    delays = settings.WEBHOOKS_RETRY_SECONDS
    return timedelta(seconds=delays[min(attempts, len(delays)) - 1])


def _heads(now: datetime):
    """Pending deliveries with no earlier pending one of their conversation and endpoint, not
    being sent by a worker right now."""
    earlier_pending = Delivery.objects.filter(
        state=Delivery.State.PENDING,
        endpoint_id=OuterRef("endpoint_id"),
        conversation_id=OuterRef("conversation_id"),
        pk__lt=OuterRef("pk"),
    )
    return (
        Delivery.objects.filter(state=Delivery.State.PENDING, endpoint__enabled=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .exclude(Exists(earlier_pending))
    )


def _due(now: datetime):
    return _heads(now).filter(next_attempt_at__lte=now)


def deliveries_due_exist(now: datetime) -> bool:
    return _due(now).exists()


@transaction.atomic
def deliveries_claim(*, now: datetime, limit: int = BATCH) -> list[Delivery]:
    """Claim up to ``limit`` deliveries that may be sent now (each the oldest pending one of its
    conversation and endpoint). Another worker skips the rows locked here, then their lease."""
    rows = list(
        _due(now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("endpoint", "message")
        .order_by("pk")[:limit]
    )
    if rows:
        Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(lease_until=now + LEASE)
    return rows


def message_body(message: OutboxMessage) -> bytes:
    """The message's JSON, its payload built and kept the first time (one build for every
    endpoint, and the same bytes on every retry)."""
    if message.payload is None:
        message.payload = payload_for(message)
        OutboxMessage.objects.filter(pk=message.pk).update(payload=message.payload)
    return json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False).encode()


def _send_all(rows: list[Delivery]) -> list[Answer]:
    messages: dict[int, OutboxMessage] = {}
    for row in rows:  # one instance per message, so each payload is built once
        row.message = messages.setdefault(row.message_id, row.message)
    filled = payloads_fill(list(messages.values()))
    if filled:
        OutboxMessage.objects.bulk_update(filled, ["payload"])
    bodies = {row.message_id: message_body(row.message) for row in rows}
    now = time.time()

    def send(row: Delivery) -> Answer:
        return webhook_post(
            url=row.endpoint.url,
            secret=row.endpoint.secret,
            webhook_id=row.message.webhook_id,
            body=bodies[row.message_id],
            now=now,
        )

    with ThreadPoolExecutor(max_workers=settings.WEBHOOKS_CONCURRENCY) as pool:
        return list(pool.map(send, rows))


@transaction.atomic
def deliveries_record(rows: list[Delivery], answers: list[Answer], *, now: datetime) -> None:
    """Keep each answer in the log; a 2xx delivers, anything else waits for its retry."""
    existing = Delivery.objects.filter(pk__in=[row.pk for row in rows])
    still_there = set(existing.values_list("pk", flat=True))  # erased meanwhile: no log
    groups: dict[tuple, list[int]] = defaultdict(list)
    log = []
    for row, answer in zip(rows, answers, strict=True):
        row.attempts += 1
        groups[(answer.succeeded, row.attempts, answer.status, answer.error)].append(row.pk)
        if row.pk in still_there:
            log.append(_attempt(row, answer, now=now))
    # One UPDATE per kind of answer (usually one for the whole round): bulk_update's CASE over
    # a hundred rows and eight columns took 0.8 s a round on PostgreSQL (bench/webhooks.py).
    for (succeeded, attempts, status, error), pks in groups.items():
        changes = {"attempts": attempts, "lease_until": None, "last_status": status}
        if succeeded:
            changes.update(state=Delivery.State.DELIVERED, delivered_at=now)
        else:
            changes.update(next_attempt_at=now + retry_delay(attempts))
        Delivery.objects.filter(pk__in=pks).update(last_error=error, **changes)
    DeliveryAttempt.objects.bulk_create(log)
    endpoints_health(rows, answers, now=now)


def _attempt(row: Delivery, answer: Answer, *, now: datetime, replay: bool = False):
    return DeliveryAttempt(
        delivery_id=row.pk,
        endpoint_id=row.endpoint_id,
        attempted_at=now,
        status_code=answer.status,
        response_ms=answer.response_ms,
        error=answer.error,
        replay=replay,
    )


def deliveries_dispatch() -> tuple[int, datetime | None]:
    """Send everything that may go, round after round (a delivered message frees the next one
    of its conversation). Returns how many were sent and when the earliest retry is due."""
    started, sent = time.monotonic(), 0
    while time.monotonic() - started < TIME_BUDGET_SECONDS:
        rows = deliveries_claim(now=timezone.now())
        if not rows:
            break
        answers = _send_all(rows)
        deliveries_record(rows, answers, now=timezone.now())
        sent += len(rows)
    else:
        return sent, timezone.now()
    retry = (
        _heads(timezone.now())
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return sent, retry


def delivery_resend(delivery: Delivery, *, now: datetime) -> Answer:
    """Send a delivered message again, as it was (same id: receivers drop what they have)."""
    delivery = Delivery.objects.select_related("endpoint", "message").get(pk=delivery.pk)
    answer = webhook_post(
        url=delivery.endpoint.url,
        secret=delivery.endpoint.secret,
        webhook_id=delivery.message.webhook_id,
        body=message_body(delivery.message),
        now=time.time(),
    )
    DeliveryAttempt.objects.bulk_create([_attempt(delivery, answer, now=now, replay=True)])
    return answer
