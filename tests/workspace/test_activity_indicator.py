"""The data indicator's last-reported time: written at most once a minute per type and process,
and remembered (in the process's "local" cache) only once the transaction commits
(workspace/services/events.py)."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import transaction

from campaigns.models import AttributeActivity
from tests.workspace.conftest import NOW
from workspace.services.events import attribute_activity_touch

pytestmark = pytest.mark.django_db


def _last():
    return AttributeActivity.objects.get(attribute_type="purchase").last_reported_at


def test_one_write_a_minute_once_committed(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        attribute_activity_touch({"purchase"}, at=NOW)
    assert _last() == NOW
    with django_assert_num_queries(0):
        attribute_activity_touch({"purchase"}, at=NOW + timedelta(seconds=59))
    with django_capture_on_commit_callbacks(execute=True):
        attribute_activity_touch({"purchase"}, at=NOW + timedelta(seconds=60))
    assert _last() == NOW + timedelta(seconds=60)


def test_a_rolled_back_write_is_not_remembered(django_capture_on_commit_callbacks):
    def touch_then_fail():
        with transaction.atomic():
            attribute_activity_touch({"purchase"}, at=NOW)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        touch_then_fail()
    assert not AttributeActivity.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        attribute_activity_touch({"purchase"}, at=NOW + timedelta(seconds=1))  # not held back
    assert _last() == NOW + timedelta(seconds=1)


def test_the_last_write_is_remembered_in_the_local_cache(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attribute_activity_touch({"purchase"}, at=NOW)
    caches["local"].clear()  # a new process remembers nothing
    with django_capture_on_commit_callbacks(execute=True):
        attribute_activity_touch({"purchase"}, at=NOW + timedelta(seconds=1))
    assert _last() == NOW + timedelta(seconds=1)
