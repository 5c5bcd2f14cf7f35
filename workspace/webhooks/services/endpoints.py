"""Endpoints: added, changed, switched off and on by an admin (each change audited), and
switched off by the worker after a day of failed deliveries, with an e-mail to the admins."""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.config_stamp import config_changed
from campaigns.models import User
from campaigns.roles import Role
from campaigns.services.audit import audit_record, snapshot
from workspace.webhooks.models import Delivery, Endpoint
from workspace.webhooks.signing import secret_generate

AUDITED = ["url", "description", "event_types", "enabled"]  # never the secret


@transaction.atomic
def endpoint_create(
    *, url: str, description: str, event_types: list[str], actor: User, now: datetime
) -> tuple[Endpoint, str]:
    """Add an endpoint with a new secret; returns it with the secret, to be shown once."""
    secret = secret_generate()
    endpoint = Endpoint.objects.create(
        url=url,
        description=description,
        event_types=sorted(event_types),
        secret=secret,
        created_at=now,
        created_by=actor,
    )
    after = snapshot(endpoint, AUDITED)
    audit_record(actor=actor, action="webhook.create", obj=endpoint, after=after, at=now)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    url: str,
    description: str,
    event_types: list[str],
    enabled: bool,
    actor: User,
    now: datetime,
) -> Endpoint:
    """Change an endpoint. Switching it on again resumes its pending deliveries now."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = snapshot(endpoint, AUDITED)
    endpoint.url, endpoint.description = url, description
    endpoint.event_types = sorted(event_types)
    if enabled and not endpoint.enabled:
        endpoint.disabled_reason, endpoint.disabled_at, endpoint.failing_since = "", None, None
        endpoint.deliveries.filter(state=Delivery.State.PENDING).update(
            next_attempt_at=now, lease_until=None
        )
        _dispatch_on_commit()
    elif not enabled and endpoint.enabled:
        endpoint.disabled_reason = Endpoint.DisabledReason.ADMIN
        endpoint.disabled_at = now
    endpoint.enabled = enabled
    endpoint.save()
    after = snapshot(endpoint, AUDITED)
    if after != before:
        audit_record(
            actor=actor, action="webhook.update", obj=endpoint, before=before, after=after, at=now
        )
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: Endpoint, actor: User, now: datetime) -> str:
    """A new secret for the endpoint (the old one stops at once); returned to be shown once."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret"])
    audit_record(actor=actor, action="webhook.rotate_secret", obj=endpoint, at=now)
    return endpoint.secret


@transaction.atomic
def delivery_replay(*, delivery: Delivery, actor: User, now: datetime) -> Delivery:
    """Send one delivery again: a pending one is tried now (still after the earlier ones of its
    conversation); a delivered one is sent once more with the same id, by the worker."""
    from workspace.webhooks.tasks import webhook_resend_task

    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state == Delivery.State.PENDING:
        delivery.next_attempt_at, delivery.lease_until = now, None
        delivery.save(update_fields=["next_attempt_at", "lease_until"])
        _dispatch_on_commit()
    else:
        transaction.on_commit(lambda: webhook_resend_task.enqueue(delivery.pk))
    audit_record(
        actor=actor,
        action="webhook.replay",
        obj=delivery.endpoint,
        after={"message": delivery.message.webhook_id},
        at=now,
    )
    return delivery


def _dispatch_on_commit() -> None:
    from workspace.webhooks.tasks import dispatch_soon

    transaction.on_commit(dispatch_soon)


def endpoints_health(rows: Sequence[Delivery], answers: Sequence, *, now: datetime) -> None:
    """After a round: an endpoint that answered 2xx is healthy; one that only failed is failing
    since its first failure, and switched off once that is ``WEBHOOKS_SWITCH_OFF_AFTER`` ago."""
    succeeded = {
        row.endpoint_id for row, answer in zip(rows, answers, strict=True) if answer.succeeded
    }
    failed = {
        row.endpoint_id for row, answer in zip(rows, answers, strict=True) if not answer.succeeded
    }
    if succeeded:
        Endpoint.objects.filter(pk__in=succeeded, failing_since__isnull=False).update(
            failing_since=None
        )
    failed -= succeeded
    if not failed:
        return
    Endpoint.objects.filter(pk__in=failed, failing_since__isnull=True).update(failing_since=now)
    limit = now - settings.WEBHOOKS_SWITCH_OFF_AFTER
    for endpoint in Endpoint.objects.filter(pk__in=failed, enabled=True, failing_since__lte=limit):
        endpoint_switch_off(endpoint=endpoint, now=now)


def endpoint_switch_off(*, endpoint: Endpoint, now: datetime) -> None:
    """Switch a failing endpoint off, audit it, and tell the admins by e-mail."""
    updated = Endpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_reason=Endpoint.DisabledReason.FAILING, disabled_at=now
    )
    if not updated:
        return
    config_changed()  # an update() sends no signal: the writers stop queueing for it now
    audit_record(
        actor=None,
        action="webhook.switched_off",
        obj=endpoint,
        after={"failing_since": endpoint.failing_since.isoformat()},
        at=now,
    )
    recipients = list(
        User.objects.filter(groups__name=Role.ADMIN, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        subject = _("Webhook endpoint switched off: %(url)s") % {"url": endpoint.url}
        body = _(
            "Deliveries to %(url)s have failed since %(since)s, so the endpoint was switched "
            "off. Its undelivered events are kept: switch it on again in Data Sources > "
            "Outgoing webhooks once the receiver works.\n\n%(link)s"
        ) % {
            "url": endpoint.url,
            "since": endpoint.failing_since.isoformat(timespec="minutes"),
            "link": settings.SITE_URL + reverse("webhooks:endpoint-detail", args=[endpoint.pk]),
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
