"""Operations: readiness, Prometheus metrics and the admins' status page
(``outcomes_site.operations``, ``outcomes_site.views``, ``campaigns.views.status``)."""

import math
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client.parser import text_string_to_metric_families

from outcomes_site import operations

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STATUS = reverse("campaigns:system-status")


@pytest.fixture(autouse=True)
def _fresh_migration_memo(monkeypatch):
    monkeypatch.setattr(operations, "_migrations_applied", False)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def queue_task(
    path: str = "reporting.tasks.export_build_task",
    *,
    status: str = TaskResultStatus.READY,
    enqueued: timedelta = timedelta(0),
    started: timedelta | None = None,
    finished: timedelta | None = None,
    run_after: datetime | None = None,
) -> DBTaskResult:
    """A row of django-tasks-db's queue; times are how long before ``NOW``."""
    task = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=NOW - enqueued,
        started_at=None if started is None else NOW - started,
        finished_at=None if finished is None else NOW - finished,
    )
    return task


def scrape(client, **headers) -> dict[str, dict]:
    response = client.get(reverse("metrics"), headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


# Readiness ---------------------------------------------------------------------------------


def test_ready_answers_200_with_each_check(client):
    response = client.get(reverse("ready"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_ready_is_503_with_a_code_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("ready"))
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "not_ready"
    assert "database" in body["failing"]
    assert body["checks"]["database"] == "failed"
    assert body["checks"]["cache"] == "ok"
    assert "connection refused" not in response.content.decode()  # details go to the log only
    assert response["Retry-After"] == "5"


def test_ready_is_503_while_migrations_are_unapplied(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get(reverse("ready"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]


def test_ready_is_503_when_the_cache_loses_values(client, monkeypatch):
    monkeypatch.setattr(operations.cache, "get", lambda key, default=None: None)
    response = client.get(reverse("ready"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_the_migration_check_passes_once_then_is_remembered(monkeypatch):
    assert operations.readiness()["migrations"]
    monkeypatch.setattr(MigrationExecutor, "__init__", lambda *a, **k: pytest.fail("re-read"))
    assert operations.readiness()["migrations"]


# The queue's figures -----------------------------------------------------------------------


def test_an_empty_queue(now):
    state = operations.task_queue_state(now)
    assert state == operations.TaskQueueState(
        waiting=0,
        oldest_waiting_seconds=0.0,
        running=0,
        failed_last_hour=0,
        last_activity_seconds=None,
    )
    assert not state.worker_stuck
    assert operations.reporting_freshness_seconds(now) == 0


def test_queue_figures_count_only_what_is_due(now):
    queue_task(enqueued=timedelta(minutes=5))
    queue_task(enqueued=timedelta(minutes=1))
    # Deferred to later: not waiting yet. Deferred to a minute ago: waiting for a minute.
    queue_task(enqueued=timedelta(minutes=30), run_after=NOW + timedelta(hours=1))
    queue_task(enqueued=timedelta(minutes=30), run_after=NOW - timedelta(seconds=60))
    queue_task(
        status=TaskResultStatus.RUNNING, enqueued=timedelta(minutes=9), started=timedelta(minutes=8)
    )
    queue_task(
        status=TaskResultStatus.FAILED,
        started=timedelta(minutes=20),
        finished=timedelta(minutes=19),
    )
    queue_task(
        status=TaskResultStatus.FAILED, started=timedelta(hours=3), finished=timedelta(hours=2)
    )
    state = operations.task_queue_state(now)
    assert state.waiting == 3
    assert state.oldest_waiting_seconds == 300
    assert state.running == 1
    assert state.failed_last_hour == 1
    assert state.last_activity_seconds == 8 * 60


@pytest.mark.parametrize(
    ("waited", "last_activity", "stuck"),
    [
        (timedelta(minutes=3), timedelta(minutes=3), True),
        (timedelta(minutes=3), None, True),
        (timedelta(minutes=3), timedelta(seconds=30), False),  # busy: it just finished one
        (timedelta(minutes=1), timedelta(minutes=10), False),  # not waited long enough
    ],
)
def test_the_worker_is_stuck_when_tasks_wait_and_it_is_silent(now, waited, last_activity, stuck):
    queue_task(enqueued=waited)
    if last_activity is not None:
        queue_task(
            status=TaskResultStatus.SUCCESSFUL,
            enqueued=last_activity * 2,
            started=last_activity * 2,
            finished=last_activity,
        )
    assert operations.task_queue_state(now).worker_stuck is stuck


def test_reporting_freshness_is_the_oldest_queued_rebuild(now):
    queue_task("workspace.tasks.credit_rebuild_task", enqueued=timedelta(minutes=4))
    queue_task(
        "workspace.tasks.credit_rebuild_task",
        status=TaskResultStatus.RUNNING,
        enqueued=timedelta(minutes=7),
        started=timedelta(minutes=6),
    )
    queue_task(
        "workspace.tasks.credit_rebuild_task",
        status=TaskResultStatus.SUCCESSFUL,
        enqueued=timedelta(hours=2),
        finished=timedelta(hours=1),
    )
    queue_task(enqueued=timedelta(hours=5))  # not a rebuild
    assert operations.reporting_freshness_seconds(now) == 7 * 60


# Metrics -----------------------------------------------------------------------------------


def test_metrics_parse_and_carry_the_figures(client, now):
    queue_task(enqueued=timedelta(minutes=3))
    queue_task("workspace.tasks.credit_rebuild_task", enqueued=timedelta(seconds=90))
    samples = scrape(client)
    assert value(samples, "outcomes_ready", check="database") == 1
    assert value(samples, "outcomes_ready", check="migrations") == 1
    assert value(samples, "outcomes_tasks_waiting") == 2
    assert value(samples, "outcomes_tasks_oldest_waiting_seconds") == 180
    assert value(samples, "outcomes_reporting_freshness_seconds") == 90
    assert value(samples, "outcomes_tasks_running") == 0
    assert value(samples, "outcomes_tasks_failed_last_hour") == 0
    assert math.isinf(value(samples, "outcomes_task_worker_last_activity_seconds"))
    assert value(samples, "outcomes_task_worker_stuck") == 1


def test_metrics_report_readiness_when_the_database_is_gone(client, monkeypatch):
    monkeypatch.setattr(
        connection, "cursor", lambda *a, **k: (_ for _ in ()).throw(OperationalError())
    )
    response = client.get(reverse("metrics"))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'outcomes_ready{check="database"} 0.0' in text
    assert "outcomes_tasks_waiting" not in text


def test_metrics_refuse_a_client_behind_the_proxy(client):
    # Through the shipped proxy: it connects over loopback and names the real client.
    response = client.get(
        reverse("metrics"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert response.status_code == 403
    assert b"outcomes_" not in response.content


def test_metrics_refuse_a_remote_address(client):
    response = client.get(reverse("metrics"), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 403


@override_settings(METRICS_TOKEN="s3cret-token-for-scrapers")
def test_metrics_accept_the_bearer_token_from_anywhere(client):
    remote = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get(reverse("metrics"), **remote).status_code == 403
    wrong = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer nope", **remote)
    assert wrong.status_code == 403
    right = client.get(
        reverse("metrics"), HTTP_AUTHORIZATION="Bearer s3cret-token-for-scrapers", **remote
    )
    assert right.status_code == 200


@override_settings(METRICS_ALLOWED_NETWORKS=["10.0.0.0/8"])
def test_metrics_accept_a_configured_network(client):
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").status_code == 403


# The status page ---------------------------------------------------------------------------


def test_admin_sees_the_status_in_words(admin_client, now):
    queue_task(enqueued=timedelta(minutes=1))
    queue_task(
        status=TaskResultStatus.SUCCESSFUL,
        enqueued=timedelta(minutes=2),
        started=timedelta(minutes=2),
        finished=timedelta(seconds=30),
    )
    response = admin_client.get(STATUS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>People</h1>" in html
    assert 'aria-current="page">System status</a>' in html
    assert "1 task waiting, for 1\xa0minute." in html
    assert "Up to date." in html
    assert "Last started or finished a task 0\xa0minutes ago." in html
    assert 'id="worker-stuck"' not in html


def test_the_status_page_warns_when_the_worker_looks_stuck(admin_client, now):
    queue_task(enqueued=timedelta(minutes=10))
    queue_task("workspace.tasks.credit_rebuild_task", enqueued=timedelta(minutes=6))
    html = admin_client.get(STATUS).content.decode()
    assert 'id="worker-stuck"' in html
    assert "The task worker looks stuck." in html
    assert "Has not run a task yet." in html
    assert "2 tasks waiting, the oldest for 10\xa0minutes." in html
    assert "Behind by 6\xa0minutes" in html


@pytest.mark.parametrize(
    "persona", ["campaign_manager_client", "agent_manager_client", "agent_client"]
)
def test_other_roles_are_refused_the_status_page(request, persona):
    assert request.getfixturevalue(persona).get(STATUS).status_code == 403


def test_anonymous_goes_to_login_from_the_status_page(client):
    response = client.get(STATUS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_status_page_queries_stay_constant_as_tasks_grow(
    admin_client, now, django_assert_num_queries
):
    queue_task()
    admin_client.get(STATUS)  # the migration check is remembered after the first success
    # Session, user with permissions, SELECT 1, the queue's aggregate, the freshness.
    with django_assert_num_queries(6) as few:
        admin_client.get(STATUS)
    for minutes in range(30):
        queue_task(enqueued=timedelta(minutes=minutes))
        queue_task("workspace.tasks.credit_rebuild_task", enqueued=timedelta(minutes=minutes))
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(STATUS)
