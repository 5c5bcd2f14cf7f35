"""Each kind of event writes its outbox message in the writer's transaction: one per event,
for the endpoints subscribed to its type, with the event's provenance; nothing for a write
that rolls back, nothing when nobody subscribes."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns.catalogue import AttributeType
from tests.workspace.conftest import NOW
from tests.workspace.factories import ConnectorFactory
from tests.workspace.webhooks.conftest import make_endpoint
from workspace.models import SurveyResponse
from workspace.services.conversations import CloseWay, conversation_close
from workspace.services.ingest import engagement_attributes_ingest
from workspace.services.outcomes import (
    outcome_amend,
    outcome_correct,
    outcome_retract,
    outcome_submit,
)
from workspace.services.surveys import survey_submit
from workspace.webhooks.models import Delivery, EventType, OutboxMessage
from workspace.webhooks.services.endpoints import endpoint_switch_off
from workspace.webhooks.services.outbox import subscribers
from workspace.webhooks.signing import secret_generate

pytestmark = pytest.mark.django_db


def submit(conversation, actor, *, order="ORD-1", total=Decimal("120.00"), reason=""):
    return outcome_submit(
        conversation=conversation,
        attribute_type=AttributeType.PURCHASE,
        values={"total": total, "orderId": order},
        currency="USD",
        actor=actor,
        token=None,
        now=NOW,
        reason=reason,
    )


def types() -> list[str]:
    return list(OutboxMessage.objects.order_by("pk").values_list("event_type", flat=True))


def test_agent_outcome_changes_are_sent_in_order_signed_with_provenance(
    endpoint, receiver, conversation, agent, agent_manager, purchase_config,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        event = submit(conversation, agent)
    with django_capture_on_commit_callbacks(execute=True):
        event = outcome_correct(
            event=event, values={"total": Decimal("130.00"), "orderId": "ORD-1"}, currency="USD",
            version=1, actor=agent, now=NOW,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        event = outcome_amend(
            event=event, values={"total": Decimal("140.00"), "orderId": "ORD-1"}, currency="USD",
            version=2, actor=agent_manager, reason="price agreed", now=NOW,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        outcome_retract(event=event, version=3, actor=agent_manager, reason="duplicate", now=NOW)
    assert [a.event_type for a in receiver.arrivals] == [
        "outcome.reported",
        "outcome.corrected",
        "outcome.amended",
        "outcome.retracted",
    ]
    reported, amended = receiver.arrivals[0].payload["data"], receiver.arrivals[2].payload["data"]
    assert reported["outcome"]["values"] == {
        "total": "120.00",
        "orderId": "ORD-1",
        "currency": "USD",
    }
    assert reported["provenance"]["source"] == "agent_widget"
    assert reported["provenance"]["reportedBy"]["username"] == "agent"
    assert reported["conversation"] == {
        "id": conversation.external_id,
        "externalIds": [],
        "channel": conversation.channel,
        "startedAt": conversation.started_at.isoformat().replace("+00:00", "Z"),
        "endedAt": None,
    }
    assert reported["visitor"] == {"id": conversation.visitor.external_id}
    assert amended["provenance"]["changedBy"]["username"] == "manager"
    assert amended["outcome"]["reason"] == "price agreed"
    assert amended["outcome"]["previousValues"]["total"] == "130.00"
    assert receiver.refused == []
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}


def test_a_rolled_back_write_queues_and_sends_nothing(
    endpoint, receiver, conversation, agent, purchase_config, django_capture_on_commit_callbacks
):
    written = []

    @transaction.atomic
    def submit_then_fail():
        submit(conversation, agent)
        written.append(OutboxMessage.objects.count())  # in the same transaction
        raise RuntimeError("the request failed after the write")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        submit_then_fail()
    assert written == [1]
    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert receiver.arrivals == []


def test_nothing_is_queued_without_a_subscribed_endpoint(
    db, receiver, conversation, agent, purchase_config
):
    make_endpoint(receiver.url, secret=secret_generate(), types=[EventType.SURVEY_SUBMITTED])
    make_endpoint(receiver.url, secret=secret_generate(), enabled=False)
    submit(conversation, agent)
    assert OutboxMessage.objects.count() == 0


def test_one_message_fans_out_to_each_subscribed_endpoint(
    endpoint, receiver, conversation, agent, purchase_config
):
    make_endpoint(receiver.url, secret=receiver.secret, types=[EventType.OUTCOME_REPORTED])
    submit(conversation, agent)
    assert types() == ["outcome.reported"]
    assert Delivery.objects.count() == 2


def test_a_submitted_survey_is_sent_with_its_answers(
    endpoint, receiver, conversation, agent, survey, django_capture_on_commit_callbacks
):
    question = survey.questions.get(position=0)
    yes = question.options.get(label="Yes")
    with django_capture_on_commit_callbacks(execute=True):
        survey_submit(
            conversation=conversation, answers={question.pk: yes.pk}, actor=agent, token=None,
            now=NOW,
        )  # fmt: skip
    assert SurveyResponse.objects.count() == 1
    (arrival,) = receiver.arrivals
    assert arrival.event_type == "survey.submitted"
    data = arrival.payload["data"]
    assert data["answers"] == [
        {"questionId": question.pk, "question": "Was the customer satisfied?", "answer": "Yes"}
    ]
    assert data["provenance"]["submittedBy"]["username"] == "agent"
    assert data["survey"]["name"] == "Sales survey"


def test_a_close_is_sent_once_with_who_closed_it_and_how(
    endpoint, receiver, conversation, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation_close(conversation=conversation, actor=None, at=NOW, way=CloseWay.API)
        conversation_close(conversation=conversation, actor=None, at=NOW, way=CloseWay.API)
    (arrival,) = receiver.arrivals
    assert arrival.event_type == "conversation.closed"
    assert arrival.payload["data"]["provenance"]["way"] == "api"
    assert arrival.payload["data"]["conversation"]["endedAt"] is not None


def test_customer_reported_attributes_have_their_own_event(
    endpoint, receiver, conversation, django_capture_on_commit_callbacks
):
    sdes = [
        {"type": "purchase", "total": "10.50", "currency": "USD", "orderId": "W-1"},
        {"type": "ctmrinfo", "info": {"customerId": "C-1"}},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        engagement_attributes_ingest(
            connector=ConnectorFactory(name="Web shop"), raw_sdes=sdes, visitor_id=None,
            conversation_id=conversation.external_id, now=NOW,
        )  # fmt: skip
    assert [a.event_type for a in receiver.arrivals] == ["engagement_attribute.received"] * 2
    data = receiver.arrivals[0].payload["data"]
    assert data["provenance"]["source"] == "server_api"
    assert data["provenance"]["connector"] == "Web shop"
    assert data["engagementAttribute"]["type"] == "purchase"
    assert data["conversation"]["id"] == conversation.external_id
    assert not any(t.startswith("outcome.") for t in types())


def test_the_conversation_ids_on_the_chat_platforms_are_sent(
    endpoint, receiver, conversation, django_capture_on_commit_callbacks
):
    from workspace.platforms.models import ExternalRef, PlatformAccount

    account = PlatformAccount.objects.create(
        platform="chatwoot", name="Shop", account_ref="7", slug="shop-7", created_at=NOW
    )
    ExternalRef.objects.create(
        account=account, kind="conversation", external_id="1234", conversation=conversation,
        first_seen_at=NOW, last_seen_at=NOW,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        conversation_close(conversation=conversation, actor=None, at=NOW, way=CloseWay.API)
    (arrival,) = receiver.arrivals
    assert arrival.payload["data"]["conversation"]["externalIds"] == [
        {"platform": "chatwoot", "account": "7", "id": "1234"}
    ]


def test_the_demo_endpoint_is_switched_off_and_made_once(db):
    from workspace.webhooks.demo import DEMO_URL, seed_webhooks

    seed_webhooks(now=NOW)
    endpoint = seed_webhooks(now=NOW)
    assert endpoint.url == DEMO_URL
    assert endpoint.enabled is False
    assert OutboxMessage.objects.count() == 0
    assert endpoint.__class__.objects.count() == 1


def test_ingest_queues_in_the_same_queries_however_many_sdes(
    endpoint, conversation, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connector = ConnectorFactory()

    def ingest(count, start):
        sdes = [
            {"type": "purchase", "total": "1.00", "currency": "USD", "orderId": f"Q-{start + i}"}
            for i in range(count)
        ]
        engagement_attributes_ingest(
            connector=connector, raw_sdes=sdes, visitor_id=None,
            conversation_id=conversation.external_id, now=NOW,
        )  # fmt: skip

    ingest(1, 0)
    with CaptureQueriesContext(connection) as one:
        ingest(1, 100)
    with django_assert_num_queries(len(one.captured_queries)):
        ingest(10, 200)
    assert OutboxMessage.objects.count() == 12


def test_who_subscribes_is_read_again_after_an_endpoint_changes(db):
    """Subscribers are kept under the configuration stamp: creating, editing or switching off an
    endpoint (an update that sends no signal) gives the next write the new answer."""
    assert subscribers(EventType.OUTCOME_REPORTED) == ()
    endpoint = make_endpoint("http://127.0.0.1:9/hook", secret=secret_generate())
    assert subscribers(EventType.OUTCOME_REPORTED) == (endpoint.pk,)
    endpoint.event_types = [EventType.CONVERSATION_CLOSED]
    endpoint.save()
    assert subscribers(EventType.OUTCOME_REPORTED) == ()
    assert subscribers(EventType.CONVERSATION_CLOSED) == (endpoint.pk,)
    endpoint.failing_since = timezone.now()
    endpoint_switch_off(endpoint=endpoint, now=timezone.now())
    assert subscribers(EventType.CONVERSATION_CLOSED) == ()
