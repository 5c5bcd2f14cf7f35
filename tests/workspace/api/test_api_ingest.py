"""POST /api/v1/engagement-attributes: every SDE type round-trips, attachment, credit, repeat-send
rules, warnings, and constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import AttributeActivity, Connector
from tests.factories import ConversationFactory
from tests.workspace.api.helpers import INGEST, PUBLISHED, post_json
from workspace.models import EngagementAttributeEvent, EventSource, Visitor

pytestmark = pytest.mark.django_db

TYPED = {
    "purchase": {"amount": Decimal("11.7"), "currency": "USD", "action_id": "DRV1534XC"},
    "lead": {"amount": Decimal("22.22"), "currency": "USD", "action_id": "xyz123"},
    "service": {"status": 0, "topic": "order checkbook", "category": "finance"},
}


@pytest.fixture
def conversation(now):
    return ConversationFactory(
        external_id="c-1", started_at=now - timedelta(minutes=5), visitor__external_id="v-1"
    )


@pytest.mark.parametrize("kind", PUBLISHED)
def test_published_example_round_trips(api_client, api_key, conversation, now, kind):
    body = {"visitorId": "v-1", "conversationId": "c-1", "engagementAttributes": [PUBLISHED[kind]]}
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["warnings"] == []
    assert answer["conversationId"] == "c-1"
    event = EngagementAttributeEvent.objects.get(pk=answer["events"][0]["id"])
    assert event.attribute_type == kind
    assert event.payload == PUBLISHED[kind]
    assert event.source == EventSource.SERVER_API
    assert event.connector == Connector.objects.get()
    assert event.conversation == conversation
    assert (event.agent, event.skill) == (conversation.agent, conversation.skill)
    assert event.occurred_at == event.received_at == now
    for column, value in TYPED.get(kind, {}).items():
        assert getattr(event, column) == value
    assert AttributeActivity.objects.get(attribute_type=kind).last_reported_at == now


def test_numbers_as_plain_numeric_strings(api_client, api_key, now):
    sdes = [
        {"type": "purchase", "total": "11.70", "currency": "EUR", "orderId": "O-1"},
        {"type": "cart", "total": "5", "numItems": "2"},
        {"type": "service", "service": {"status": "13", "serviceId": "S-1"}},
        {"type": "ctmrinfo", "info": {"balance": "-400.99"}},
        {"type": "purchase", "total": 1500, "currency": "JPY"},
    ]
    body = {"visitorId": "v-9", "engagementAttributes": sdes}
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 201, response.json()
    purchase, _cart, service, _info, yen = EngagementAttributeEvent.objects.order_by("pk")
    assert (purchase.amount, purchase.currency) == (Decimal("11.70"), "EUR")
    assert service.status == 13
    assert (yen.amount, yen.currency) == (Decimal(1500), "JPY")


def test_currency_defaults_to_the_account_currency(api_client, api_key, now):
    body = {"visitorId": "v-2", "engagementAttributes": [{"type": "lead", "lead": {"value": 3}}]}
    assert post_json(api_client, INGEST, body, key=api_key).status_code == 201
    assert EngagementAttributeEvent.objects.get().currency == "USD"


def test_bare_array_takes_the_visitor_from_the_query(api_client, api_key, now):
    response = post_json(
        api_client,
        INGEST,
        [PUBLISHED["lead"], PUBLISHED["service"]],
        key=api_key,
        query="visitorId=v-bare",
    )
    assert response.status_code == 201
    assert response.json()["visitorId"] == "v-bare"
    assert EngagementAttributeEvent.objects.filter(visitor__external_id="v-bare").count() == 2


def test_bare_array_errors_name_their_index(api_client, api_key, now):
    bad = [PUBLISHED["lead"], {"type": "lead", "lead": {"value": "x"}}]
    response = post_json(api_client, INGEST, bad, key=api_key, query="visitorId=v-bare")
    assert response.status_code == 400
    assert [e["path"] for e in response.json()["errors"]] == ["[1].lead.value"]
    assert not EngagementAttributeEvent.objects.exists()


@pytest.mark.parametrize("query", ["", "visitorId=", "visitorId=a%00b", "conversationId=c-9"])
def test_bare_array_with_a_bad_query_is_refused(api_client, api_key, now, query):
    response = post_json(api_client, INGEST, [PUBLISHED["lead"]], key=api_key, query=query)
    assert response.status_code in (400, 404)
    assert not EngagementAttributeEvent.objects.exists()


def test_undocumented_fields_are_kept_and_warned(api_client, api_key, now):
    sde = {"type": "lead", "lead": {"leadId": "L-1", "score": 7}, "source": "web"}
    body = {"visitorId": "v-3", "engagementAttributes": [sde], "sentBy": "crm"}
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 201
    paths = [w["path"] for w in response.json()["warnings"]]
    assert paths == [
        "sentBy",
        "engagementAttributes[0].lead.score",
        "engagementAttributes[0].source",
    ]
    assert EngagementAttributeEvent.objects.get().payload == sde


def test_unknown_conversation_is_404_and_stores_nothing(api_client, api_key, now):
    body = {
        "visitorId": "v-4",
        "conversationId": "nope",
        "engagementAttributes": [PUBLISHED["lead"]],
    }
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 404
    assert response.json()["errors"][0]["path"] == "conversationId"
    assert not EngagementAttributeEvent.objects.exists()
    assert not Visitor.objects.filter(external_id="v-4").exists()


def test_conversation_of_another_visitor_is_refused(api_client, api_key, conversation):
    body = {
        "visitorId": "v-other",
        "conversationId": "c-1",
        "engagementAttributes": [{"type": "lead"}],
    }
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 400
    assert not EngagementAttributeEvent.objects.exists()


def _send(client, key, *sdes, visitor_id="v-r"):
    body = {"visitorId": visitor_id, "engagementAttributes": list(sdes)}
    response = post_json(client, INGEST, body, key=key)
    assert response.status_code in (200, 201), response.json()
    return response


def test_personal_info_merges_into_the_visitors_row(api_client, api_key, now):
    _send(
        api_client,
        api_key,
        {"type": "personal", "personal": {"firstname": "Ann", "age": {"year": 1990}}},
    )
    response = _send(
        api_client,
        api_key,
        {"type": "personal", "personal": {"lastname": "Lee", "age": {"month": 4}}},
    )
    assert response.status_code == 200
    assert response.json()["events"][0]["result"] == "updated"
    row = EngagementAttributeEvent.objects.get()
    assert row.payload["personal"] == {
        "firstname": "Ann",
        "lastname": "Lee",
        "age": {"year": 1990, "month": 4},
    }
    assert row.version == 2


@pytest.mark.parametrize("kind", ["ctmrinfo", "mrktInfo"])
def test_visitor_info_types_merge(api_client, api_key, now, kind):
    _send(
        api_client,
        api_key,
        {"type": kind, "info": {"affiliate": "A"}}
        if kind == "mrktInfo"
        else {"type": kind, "info": {"ctype": "gold"}},
    )
    _send(
        api_client,
        api_key,
        {"type": kind, "info": {"campaignId": "c"}}
        if kind == "mrktInfo"
        else {"type": kind, "info": {"customerId": "C-1"}},
    )
    row = EngagementAttributeEvent.objects.get()
    assert len(row.payload["info"]) == 2


def test_cart_replaces_the_visitors_cart(api_client, api_key, now):
    _send(
        api_client,
        api_key,
        {"type": "cart", "total": 10, "numItems": 1, "products": [{"product": {"sku": "A"}}]},
    )
    response = _send(api_client, api_key, {"type": "cart", "total": 0, "numItems": 0})
    assert response.json()["events"][0]["result"] == "replaced"
    row = EngagementAttributeEvent.objects.get()
    assert row.payload == {"type": "cart", "total": 0, "numItems": 0}


@pytest.mark.parametrize("kind", ["purchase", "lead", "service", "prodView", "error", "searchInfo"])
def test_journey_and_transaction_types_append(api_client, api_key, now, kind):
    _send(api_client, api_key, PUBLISHED[kind])
    _send(api_client, api_key, PUBLISHED[kind])
    assert EngagementAttributeEvent.objects.filter(attribute_type=kind).count() == 2


def test_repeat_rules_are_per_visitor(api_client, api_key, now):
    _send(api_client, api_key, PUBLISHED["cart"], visitor_id="v-a")
    _send(api_client, api_key, PUBLISHED["cart"], visitor_id="v-b")
    assert EngagementAttributeEvent.objects.count() == 2


def test_merge_moves_the_row_to_the_latest_conversation(api_client, api_key, conversation, now):
    _send(api_client, api_key, {"type": "ctmrinfo", "info": {"ctype": "gold"}}, visitor_id="v-1")
    assert EngagementAttributeEvent.objects.get().conversation == conversation


def _batch(count: int) -> list[dict]:
    return [
        sde
        for i in range(count)
        for sde in (
            {"type": "purchase", "total": "10.50", "currency": "USD", "orderId": f"O-{i}"},
            {"type": "lead", "lead": {"value": 5, "leadId": f"L-{i}"}},
            {"type": "ctmrinfo", "info": {"customerId": f"C-{i}"}},
        )
    ]


def test_query_count_is_constant_in_the_number_of_sdes(
    api_client, api_key, conversation, now, django_assert_num_queries
):
    def post(count):
        body = {"visitorId": "v-1", "conversationId": "c-1", "engagementAttributes": _batch(count)}
        response = post_json(api_client, INGEST, body, key=api_key)
        assert response.status_code in (200, 201)

    post(1)  # first use: last-used time, account settings and activity rows are written once
    with CaptureQueriesContext(connection) as one:
        post(1)
    with django_assert_num_queries(len(one.captured_queries)):
        post(10)
    assert EngagementAttributeEvent.objects.filter(attribute_type="purchase").count() == 12


def test_posted_sdes_show_read_only_on_the_conversation_page(
    api_client, api_key, agent, agent_client, sales_skill, now
):
    conversation = ConversationFactory(
        external_id="c-page", agent=agent, skill=sales_skill, started_at=now - timedelta(minutes=5)
    )
    sdes = [PUBLISHED["purchase"], PUBLISHED["ctmrinfo"], PUBLISHED["searchInfo"]]
    body = {"conversationId": "c-page", "engagementAttributes": sdes}
    assert post_json(api_client, INGEST, body, key=api_key).status_code == 201
    html = agent_client.get(reverse("workspace:conversation-detail", args=[conversation.pk]))
    text = html.content.decode()
    for shown in ("Customer-reported data", "DRV1534XC", "138766AC", "Reset password", "Website"):
        assert shown in text
