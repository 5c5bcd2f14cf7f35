"""A double submit from the widget under real concurrency (PostgreSQL): the second request waits
on the conversation's lock, its insert meets the unique token, and it answers with the first's
event; one event is stored whatever the interleaving."""

from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from workspace.models import EngagementAttributeEvent, EventRevision

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]
THREADS = 6


def test_one_token_stores_one_outcome_under_concurrency(agent, conversation, purchase_config):
    url = reverse("workspace:outcome-create", args=[conversation.pk, "purchase"])
    data = {
        "add-purchase-total": "12.50",
        "add-purchase-currency": "USD",
        "add-purchase-orderId": "RACE-1",
        "add-purchase-token": str(uuid4()),
    }

    def send(_i):
        try:
            client = Client()
            client.force_login(agent)
            headers = {"HX-Request": "true", "HX-Target": "summary-outcomes"}
            return client.post(url, data, headers=headers).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(send, range(THREADS)))
    assert set(statuses) == {200}
    assert EngagementAttributeEvent.objects.filter(conversation=conversation).count() == 1
    assert EventRevision.objects.count() == 1
