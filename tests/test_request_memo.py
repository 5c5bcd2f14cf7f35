"""Configuration read once per request, forgotten when it changes, never kept across requests."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from campaigns.models import AccountSettings

pytestmark = pytest.mark.django_db


def test_outside_a_request_every_call_reads(django_assert_num_queries):
    AccountSettings.load()
    with django_assert_num_queries(2):
        AccountSettings.load()
        AccountSettings.load()


@pytest.fixture
def keep_test_connection():
    """The request signals would close the test's connection (inside its transaction) on
    PostgreSQL; Django's test client disconnects the same handler while it runs a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_inside_a_request_one_read_until_a_save(django_assert_num_queries, keep_test_connection):
    AccountSettings.load()
    request_started.send(sender=None)
    try:
        with django_assert_num_queries(1):
            first = AccountSettings.load()
            assert AccountSettings.load() is first
        first.default_currency = "EUR"
        first.save()
        assert AccountSettings.load() is not first
        assert AccountSettings.load().default_currency == "EUR"
    finally:
        request_finished.send(sender=None)
    with django_assert_num_queries(1):
        AccountSettings.load()
