"""Connector keys for the ingest API: random secrets, stored only as SHA-256 digests.

A slow password hash would cost every API request a second; a 256-bit random key needs none.
"""

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from campaigns.config_stamp import stamp_memo
from campaigns.models import Connector, User
from campaigns.services.audit import audit_record

KEY_PREFIX = "co_"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def connector_create(*, name: str, actor: User | None) -> tuple[Connector, str]:
    """Create a connector; returns it and its key, which is never shown or stored again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    connector = Connector.objects.create(
        name=name, key_digest=key_digest(key), key_prefix=key[:10], created_by=actor
    )
    audit_record(actor=actor, action="connector.create", obj=connector, after={"name": name})
    return connector, key


@transaction.atomic
def connector_revoke(
    *, connector: Connector, actor: User | None, at: datetime | None = None
) -> Connector:
    if connector.revoked_at is None:
        connector.revoked_at = at or timezone.now()
        connector.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="connector.revoke", obj=connector, at=connector.revoked_at)
    return connector


@stamp_memo
def _active_connector(digest: str) -> Connector:
    """Kept under the configuration stamp, which revoking a connector changes, so a revoked key
    is refused by every server at its next request. An unknown key raises and is not kept (a
    key created a moment later works at once; guessed keys fill no memory)."""
    return Connector.objects.get(key_digest=digest, revoked_at__isnull=True)


def connector_authenticate(key: str, *, now: datetime | None = None) -> Connector | None:
    """The active connector whose key this is, with its last-used time refreshed (at most once
    a minute, so that a busy connector does not write on every request)."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    try:
        connector = _active_connector(key_digest(key))
    except Connector.DoesNotExist:
        return None
    now = now or timezone.now()
    if connector.last_used_at is None or (now - connector.last_used_at).total_seconds() >= 60:
        Connector.objects.filter(pk=connector.pk).update(last_used_at=now)
        connector.last_used_at = now
    return connector
