"""What whoever runs the service needs to know (docs/deploy.md, "Operations"): is this instance
ready for traffic, and is the background work keeping up.

Read by ``/ready/`` (readiness), ``/metrics`` (Prometheus text format) and the admins' status
page (``campaigns.views.status``), so the three always say the same thing.

The task worker's heartbeat is the task queue itself (django-tasks-db's ``DBTaskResult`` rows):
the worker stamps ``started_at`` and ``finished_at`` on every task it runs, so "the last time a
task started or finished" is its sign of life, with no extra writes and no change to the worker.
An idle worker is silent, which is harmless; the worker counts as stuck only when tasks are due
and waiting longer than ``STUCK_AFTER`` while nothing has started or finished for as long.
"""

import ipaddress
import logging
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Case, Count, F, Max, Min, Q, When
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from outcomes_site.client_address import client_address

logger = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=2)


# Readiness ---------------------------------------------------------------------------------


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key, token = f"ready:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, token, timeout=10)
    if cache.get(key) != token:
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


_migrations_applied = False


def _migrations() -> None:
    # Reading the migration graph costs tens of milliseconds; once everything this code knows
    # is applied it stays applied, so each process checks only until the first success.
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations are not applied")
    _migrations_applied = True


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "migrations": _migrations,
}


def readiness() -> dict[str, bool]:
    """Each readiness check by name: True when it passed. A check never raises; what went wrong
    is logged, not returned, since readiness answers anyone who asks."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure makes the instance not ready
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = False
        else:
            results[name] = True
    return results


# The task queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskQueueState:
    """The background work at one moment; ages in seconds."""

    waiting: int
    oldest_waiting_seconds: float
    running: int
    failed_last_hour: int
    last_activity_seconds: float | None  # None: no task has ever started here

    @property
    def worker_stuck(self) -> bool:
        """Tasks have waited longer than ``STUCK_AFTER`` and the worker has not started or
        finished anything for as long."""
        limit = STUCK_AFTER.total_seconds()
        silent = self.last_activity_seconds is None or self.last_activity_seconds > limit
        return self.waiting > 0 and self.oldest_waiting_seconds > limit and silent


def _age(now: datetime, then: datetime | None) -> float:
    return max((now - then).total_seconds(), 0.0) if then is not None else 0.0


def task_queue_state(now: datetime) -> TaskQueueState:
    """The queue's figures in one aggregate query over django-tasks-db's table."""
    never = get_date_max()  # run_after of a task enqueued to run as soon as possible
    due = Q(status=TaskResultStatus.READY) & (Q(run_after=never) | Q(run_after__lte=now))
    waiting_since = Case(
        When(run_after=never, then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    figures = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=due),
        oldest=Min(waiting_since, filter=due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count(
            "pk",
            filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(hours=1)),
        ),
        last_started=Max("started_at"),
        last_finished=Max("finished_at"),
    )
    stamps = [s for s in (figures["last_started"], figures["last_finished"]) if s is not None]
    return TaskQueueState(
        waiting=figures["waiting"],
        oldest_waiting_seconds=_age(now, figures["oldest"]),
        running=figures["running"],
        failed_last_hour=figures["failed"],
        last_activity_seconds=_age(now, max(stamps)) if stamps else None,
    )


def reporting_freshness_seconds(now: datetime | None = None) -> float:
    """How far the reports are behind: the age of the oldest change they have not absorbed yet,
    0 when they are up to date.

    For now the oldest report rebuild task (its path contains "rebuild") still queued or
    running; when report changes get a queue of their own, this reads that instead, and the
    metric, the status page and the alarms keep their meaning."""
    now = now or timezone.now()
    oldest = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path__contains="rebuild",
    ).aggregate(oldest=Min("enqueued_at"))["oldest"]
    return _age(now, oldest)


# Metrics -----------------------------------------------------------------------------------


class _Snapshot:
    """Metric families computed for one scrape: every figure is read from the database when
    asked, so any worker or host answers the same, with no per-process counters."""

    def __init__(self, families: list[GaugeMetricFamily]) -> None:
        self.families = families

    def collect(self) -> list[GaugeMetricFamily]:
        return self.families


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def metrics_text(now: datetime) -> bytes:
    """The figures in the Prometheus text exposition format (``prometheus_client``)."""
    ready = readiness()
    checks = GaugeMetricFamily(
        "outcomes_ready", "1 when the readiness check passes, else 0.", labels=["check"]
    )
    for name, passed in ready.items():
        checks.add_metric([name], 1 if passed else 0)
    families = [checks]
    if ready["database"]:
        queue = task_queue_state(now)
        last = queue.last_activity_seconds
        families += [
            _gauge(
                "outcomes_task_worker_last_activity_seconds",
                "Seconds since the task worker last started or finished a task (+Inf: never).",
                math.inf if last is None else last,
            ),
            _gauge(
                "outcomes_task_worker_stuck",
                "1 when tasks have waited over 2 minutes and the worker has been silent as long.",
                1 if queue.worker_stuck else 0,
            ),
            _gauge(
                "outcomes_tasks_waiting", "Tasks due and waiting for the worker.", queue.waiting
            ),
            _gauge(
                "outcomes_tasks_oldest_waiting_seconds",
                "Seconds the oldest due task has been waiting (0: none waiting).",
                queue.oldest_waiting_seconds,
            ),
            _gauge("outcomes_tasks_running", "Tasks the worker is running.", queue.running),
            _gauge(
                "outcomes_tasks_failed_last_hour",
                "Tasks that failed in the last hour.",
                queue.failed_last_hour,
            ),
            _gauge(
                "outcomes_reporting_freshness_seconds",
                "Age of the oldest change the reports have not absorbed yet (0: up to date).",
                reporting_freshness_seconds(now),
            ),
        ]
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(families))
    return generate_latest(registry)


def metrics_allowed(request: HttpRequest) -> bool:
    """``/metrics`` answers a bearer token equal to ``METRICS_TOKEN``, or a client whose address
    (read through our own proxy) is in ``METRICS_ALLOWED_NETWORKS`` (loopback by default)."""
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and constant_time_compare(sent, f"Bearer {token}"):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    networks = [ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_NETWORKS]
    return any(address in network for network in networks)
