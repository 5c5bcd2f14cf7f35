"""Concurrent requests on PostgreSQL (SQLite serialises writers anyway): merges lose nothing and
one Idempotency-Key stores once, whatever the interleaving."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from tests.workspace.api.helpers import INGEST, post_json
from workspace.models import EngagementAttributeEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,
]
THREADS = 6


def _in_threads(send, count=THREADS):
    def run(i):
        try:
            return send(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_merges_for_one_visitor_lose_nothing(api_key):
    def send(i):
        sdes = [
            {"type": "ctmrinfo", "info": {"customerId": "C-1", f"extra{i}": i}},
            {"type": "purchase", "total": 1, "orderId": f"O-{i}"},
        ]
        body = {"visitorId": "v-race", "engagementAttributes": sdes}
        return post_json(Client(), INGEST, body, key=api_key).status_code

    assert set(_in_threads(send)) <= {200, 201}
    row = EngagementAttributeEvent.objects.get(attribute_type="ctmrinfo")
    assert set(row.payload["info"]) == {"customerId"} | {f"extra{i}" for i in range(THREADS)}
    assert EngagementAttributeEvent.objects.filter(attribute_type="purchase").count() == THREADS


def test_one_idempotency_key_stores_once_under_concurrency(api_key):
    body = {"visitorId": "v-idem", "engagementAttributes": [{"type": "lead"}]}

    def send(_i):
        response = post_json(Client(), INGEST, body, key=api_key, HTTP_IDEMPOTENCY_KEY="same")
        return response.status_code, response.json()["events"][0]["id"]

    answers = _in_threads(send)
    assert {status for status, _id in answers} == {201}
    assert len({event_id for _status, event_id in answers}) == 1
    assert EngagementAttributeEvent.objects.count() == 1
