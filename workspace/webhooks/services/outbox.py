"""The outbox: one message per event for the endpoints subscribed to its type, written in the
transaction that made the event, so a rolled-back write sends nothing and a committed one is
never lost. The worker is asked to send once the transaction commits (``dispatch_soon``)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from campaigns.config_stamp import stamp_memo
from workspace.models import Conversation, EngagementAttributeEvent
from workspace.webhooks.models import Delivery, Endpoint, EventType, OutboxMessage
from workspace.webhooks.services.payloads import (
    attribute_received_payload,
    external_ids_by_conversation,
)


@stamp_memo
def subscribers(event_type: str) -> tuple[int, ...]:
    """The enabled endpoints subscribed to ``event_type``, kept under the configuration stamp
    (every write pays for this read; endpoints change a few times a year)."""
    rows = Endpoint.objects.filter(enabled=True).values_list("pk", "event_types")
    return tuple(pk for pk, types in rows if event_type in types)


def _hold_conversation(conversation_id: int | None) -> None:
    # Message ids order a conversation's events for the receiver. Writers of one conversation
    # take this row lock before inserting, so ids follow commit order (most writers hold it
    # already; corrections lock only their event). SQLite serialises writers anyway.
    if conversation_id is not None and connection.vendor == "postgresql":
        list(
            Conversation.objects.select_for_update(no_key=True)
            .filter(pk=conversation_id)
            .values_list("pk")
        )


def outbox_write(
    *,
    event_type: str,
    at: datetime,
    conversation_id: int | None,
    visitor_id: int | None,
    payload: dict[str, Any] | None = None,
    **about: Any,
) -> OutboxMessage | None:
    """Queue one event for its subscribers; ``None`` when nobody subscribes. ``about`` names the
    row the payload is built from when it is first sent (``revision``, ``survey_response``)."""
    endpoint_ids = subscribers(event_type)
    if not endpoint_ids:
        return None
    _hold_conversation(conversation_id)
    message = OutboxMessage.objects.create(
        event_type=event_type,
        created_at=at,
        conversation_id=conversation_id,
        visitor_id=visitor_id,
        payload=payload,
        **about,
    )
    _deliveries_create([message], endpoint_ids, at)
    return message


def _deliveries_create(messages: list[OutboxMessage], endpoint_ids: list[int], at) -> None:
    Delivery.objects.bulk_create(
        Delivery(
            message=message,
            endpoint_id=endpoint_id,
            conversation_id=message.conversation_id,
            next_attempt_at=at,
        )
        for message in messages
        for endpoint_id in endpoint_ids
    )
    from workspace.webhooks.tasks import dispatch_soon

    transaction.on_commit(dispatch_soon)


def outbox_attributes_received(
    events: Iterable[EngagementAttributeEvent], *, at: datetime
) -> list[OutboxMessage]:
    """Queue ``engagement_attribute.received`` for customer-reported events just stored (created,
    merged or replaced). The payload is taken now: a later merge changes the row."""
    endpoint_ids = subscribers(EventType.ATTRIBUTE_RECEIVED)
    events = list(events)
    if not endpoint_ids or not events:
        return []
    conversation_ids = sorted({e.conversation_id for e in events if e.conversation_id})
    for conversation_id in conversation_ids:  # one: an ingest request names one conversation
        _hold_conversation(conversation_id)
    external_ids = external_ids_by_conversation(conversation_ids)
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            event_type=EventType.ATTRIBUTE_RECEIVED,
            created_at=at,
            conversation_id=event.conversation_id,
            visitor_id=event.visitor_id,
            event_id=event.pk,
            payload=attribute_received_payload(event, at=at, external_ids=external_ids),
        )
        for event in events
    )
    _deliveries_create(messages, endpoint_ids, at)
    return messages
