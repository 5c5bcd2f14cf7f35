"""The ingest's own row writers store exactly what the ORM's ``bulk_create`` and ``save`` store,
on both databases (PostgreSQL takes the rows as one JSON document)."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from outcomes_site.db_router import report_reads
from outcomes_site.rows import insert_rows, row_by_key, update_row
from tests.factories import AgentFactory, ConversationFactory, VisitorFactory
from workspace.models import Conversation, EngagementAttributeEvent, EventSource

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _events(visitor, conversation, agent, n: int) -> list[EngagementAttributeEvent]:
    """Every kind of column: keys, times with microseconds, money, JSON with text that needs
    escaping, a UUID, NULLs and empty strings."""
    return [
        EngagementAttributeEvent(
            attribute_type="purchase" if i % 2 else "ctmrinfo",
            source=EventSource.SERVER_API,
            visitor=visitor,
            conversation=conversation if i % 2 else None,
            agent=agent if i % 2 else None,
            occurred_at=WHEN,
            received_at=WHEN.replace(microsecond=i),
            amount=Decimal("1234.5678") if i % 2 else None,
            currency="JPY" if i % 2 else "",
            dedupe_key=f"purchase:O-{i}" if i % 2 else "",
            status=2 if i == 2 else None,
            payload={"total": "1234.5678", "note": 'quote " and \\ and é', "n": [i, None, True]},
            display_names={"total": "Montant"},
            idempotency_token=uuid.uuid4() if i == 1 else None,
        )
        for i in range(n)
    ]


def _stored(events) -> list[dict]:
    rows = EngagementAttributeEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk")
    return [{k: v for k, v in model_to_dict(row).items() if k != "id"} for row in rows]


def test_inserted_rows_read_back_as_the_orms_do():
    visitor, agent = VisitorFactory(), AgentFactory()
    conversation = ConversationFactory(visitor=visitor, agent=agent)
    ours, orms = _events(visitor, conversation, agent, 4), _events(visitor, conversation, agent, 4)
    insert_rows(ours)
    EngagementAttributeEvent.objects.bulk_create(orms)
    assert all(e.pk and not e._state.adding for e in ours)
    assert [e.pk for e in ours] == sorted(e.pk for e in ours)  # each object got its own row
    tokens = [e.idempotency_token for e in ours]
    assert _stored(ours) == [
        {**row, "idempotency_token": token}
        for row, token in zip(_stored(orms), tokens, strict=True)
    ]
    assert _stored(ours)[1]["amount"] == Decimal("1234.5678")
    assert _stored(ours)[0]["received_at"] == WHEN.replace(microsecond=0)


def test_an_updated_row_reads_back_as_after_save():
    visitor = VisitorFactory()
    ours, orms = _events(visitor, None, None, 1), _events(visitor, None, None, 1)
    insert_rows(ours)
    EngagementAttributeEvent.objects.bulk_create(orms)
    for event in (*ours, *orms):
        event.payload = {"customerId": "C-2", "deep": {"a": 1}}
        event.occurred_at = WHEN.replace(year=2027)
        event.version += 1
    fields = ("payload", "occurred_at", "version")
    update_row(ours[0], fields)
    orms[0].save(update_fields=fields)
    assert _stored(ours) == _stored(orms)
    assert _stored(ours)[0]["version"] == 2


def test_nothing_to_insert_sends_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_rows([])


@pytest.mark.django_db(transaction=True, databases=["default", "reporting"])
def test_a_locking_read_by_key_goes_where_writes_go_even_inside_report_reads(settings):
    settings.REPORT_READS_ON_REPLICA = True
    conversation = ConversationFactory()
    with report_reads():
        locked = row_by_key(Conversation, conversation.pk, lock=True)
        read = row_by_key(Conversation, conversation.pk)
    assert (locked.pk, locked._state.db) == (conversation.pk, "default")
    assert read._state.db == "reporting"  # a plain read follows the router
    assert row_by_key(Conversation, -1) is None
