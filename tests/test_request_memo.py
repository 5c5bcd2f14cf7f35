"""Configuration read once per request, forgotten when it changes, never kept across requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import AccountSettings
from outcomes_site.request_memo import remembering

pytestmark = pytest.mark.django_db


def test_outside_a_request_every_call_reads(django_assert_num_queries):
    AccountSettings.load()
    with django_assert_num_queries(2):
        AccountSettings.load()
        AccountSettings.load()


def test_inside_a_request_one_read_until_a_save(django_assert_num_queries):
    AccountSettings.load()
    # remembering() is what the request_started and request_finished receivers do; sending the
    # signals here would also close the test's PostgreSQL connection inside its transaction.
    with remembering():
        with django_assert_num_queries(1):
            first = AccountSettings.load()
            assert AccountSettings.load() is first
        first.default_currency = "EUR"
        first.save()
        assert AccountSettings.load() is not first
        assert AccountSettings.load().default_currency == "EUR"
    with django_assert_num_queries(1):
        AccountSettings.load()


def test_a_request_through_the_client_reads_the_settings_once(client, admin):
    AccountSettings.load()  # the row exists
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        client.get("/reports/goal-tracker/")
    reads = [q for q in queries.captured_queries if "campaigns_accountsettings" in q["sql"]]
    assert len(reads) == 1
