"""What every receiver does once a delivery is trusted: act on it once per delivery key, keep
a line in the account's delivery log, and answer in one JSON shape."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from workspace.platforms.models import Delivery, ExternalRef, PlatformAccount
from workspace.services.ingest_problems import InputRejected, Problem

MAX_DELIVERY_KEY = 200


class DeliveryRefused(Exception):
    """The call is not accepted at all (signature, staleness, JSON): nothing is stored."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Handled:
    outcome: str = Delivery.Outcome.APPLIED
    notes: list[str] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)
    needs_mapping: list[ExternalRef] = field(default_factory=list)

    def note_refs(self, *refs: ExternalRef | None) -> None:
        """Keep every ref still waiting for a mapping: the delivery is applied without it."""
        for ref in refs:
            waiting = ref is not None and ref.agent_id is None and ref.skill_id is None
            if waiting and not ref.ignored and ref not in self.needs_mapping:
                self.needs_mapping.append(ref)

    @property
    def detail(self) -> str:
        parts = self.notes + [
            f"needs mapping: {ref.kind} {ref.external_id}" for ref in self.needs_mapping
        ]
        return "; ".join(parts)[:300]


@dataclass
class Receipt:
    delivery: Delivery
    duplicate: bool
    problems: list[Problem] = field(default_factory=list)
    needs_mapping: list[dict[str, str]] = field(default_factory=list)

    @property
    def status(self) -> int:
        return 422 if self.delivery.outcome == Delivery.Outcome.REJECTED else 200

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "delivery": self.delivery.key,
            "event": self.delivery.event,
            "outcome": self.delivery.outcome,
            "duplicate": self.duplicate,
            "detail": self.delivery.detail,
            "needsMapping": self.needs_mapping,
        }
        if self.problems:
            body["errors"] = [problem.as_json() for problem in self.problems]
        return body


def body_key(body: bytes) -> str:
    """The delivery key of a platform that sends none: the same body is the same delivery."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def delivery_key(header: str, body: bytes) -> str:
    header = header.strip()
    if not header:
        return body_key(body)
    if len(header) > MAX_DELIVERY_KEY or not header.isprintable():
        raise DeliveryRefused(400, "bad_delivery_id", "The delivery id is too long or not text.")
    return header


@transaction.atomic
def delivery_receive(
    *,
    account: PlatformAccount,
    key: str,
    event: str,
    now: datetime,
    apply: Callable[[], Handled],
) -> Receipt:
    """Run ``apply`` once per (account, key). The key's row is written first, so a second copy
    arriving at the same time waits on it and is then answered as a repeat. A delivery refused
    with 422 (``InputRejected``) is kept as refused and tried again when it is sent again."""
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                account=account, key=key, event=event[:80], outcome="", received_at=now
            )
    except IntegrityError:
        delivery = Delivery.objects.select_for_update().get(account=account, key=key)
        if delivery.outcome != Delivery.Outcome.REJECTED:
            return Receipt(delivery=delivery, duplicate=True)
    problems: list[Problem] = []
    try:
        with transaction.atomic():
            handled = apply()
    except InputRejected as exc:
        problems = exc.problems
        handled = Handled(outcome=Delivery.Outcome.REJECTED, notes=[str(exc)])
    delivery.outcome, delivery.detail, delivery.received_at = handled.outcome, handled.detail, now
    delivery.save(update_fields=["outcome", "detail", "received_at"])
    PlatformAccount.objects.filter(pk=account.pk).update(last_delivery_at=now)
    mapping = [
        {"kind": ref.kind, "id": ref.external_id, "label": ref.display_label}
        for ref in handled.needs_mapping
    ]
    return Receipt(delivery=delivery, duplicate=False, problems=problems, needs_mapping=mapping)


def number(value: Any) -> Decimal | None:
    """A JSON number as Decimal (the strict parser gives int or Decimal), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def micros(value: Any, unit: int = 1) -> int | None:
    """A platform time (seconds when ``unit`` is 1, milliseconds when 1000) in microseconds."""
    amount = number(value)
    return None if amount is None else int(amount * 1_000_000 / unit)


def text_id(value: Any) -> str:
    """An id that may come as a number or a string; '' when missing."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value.strip()[:200] if isinstance(value, str) else ""


def required_object(document: Any, path: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise InputRejected([Problem(path, "required", "Must be an object.")])
    return document
