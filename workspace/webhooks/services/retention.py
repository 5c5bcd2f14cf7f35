"""The outbox keeps payloads (personal data) and the delivery log only as long as needed:
delivered messages for ``WEBHOOKS_LOG_DAYS``, any message no longer than the data retention
period. Erasure needs nothing here: a message is deleted with the visitor, conversation, event
or response it is about (foreign keys that cascade)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from workspace.services.privacy import retention_cutoff
from workspace.webhooks.models import Delivery, OutboxMessage

PURGE_BATCH = 2000


def _expired(now: datetime):
    pending = Delivery.objects.filter(message=OuterRef("pk"), state=Delivery.State.PENDING)
    done_before = now - timedelta(days=settings.WEBHOOKS_LOG_DAYS)
    expired = Q(created_at__lt=done_before) & ~Q(Exists(pending))
    if settings.DATA_RETENTION_MONTHS:
        cutoff = retention_cutoff(months=settings.DATA_RETENTION_MONTHS, now=now)
        expired |= Q(created_at__lt=cutoff)
    return OutboxMessage.objects.filter(expired)


def outbox_purge_due(now: datetime) -> list[datetime]:
    """For the scheduler: ``[now]`` when something has expired."""
    return [now] if _expired(now).exists() else []


def outbox_purge(*, now: datetime) -> int:
    """Delete expired messages with their deliveries and log, in batches; how many."""
    deleted = 0
    while ids := list(_expired(now).values_list("pk", flat=True)[:PURGE_BATCH]):
        OutboxMessage.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted
