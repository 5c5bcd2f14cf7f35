"""Background work for outgoing webhooks (Django's Tasks framework; ``manage.py db_worker``)."""

import threading
from datetime import datetime, timedelta

from django.tasks import default_task_backend, task
from django.utils import timezone

from outcomes_site import scheduler
from workspace.webhooks.models import Delivery
from workspace.webhooks.services.dispatch import (
    deliveries_dispatch,
    deliveries_due_exist,
    delivery_resend,
)
from workspace.webhooks.services.retention import outbox_purge, outbox_purge_due

# Many commits in a short time ask for one run: a commit inside the window is covered by the run
# already planned at its end (which starts after the commit, so it sees the row).
COALESCE = timedelta(milliseconds=200)
_planned = {"at": None}
_lock = threading.Lock()


@task()
def webhooks_dispatch_task() -> int:
    """Send what may go now; when retries remain, plan a run for the earliest one."""
    sent, retry_at = deliveries_dispatch()
    if retry_at is not None:
        dispatch_soon(at=retry_at)
    return sent


@task()
def webhook_resend_task(delivery_id: int) -> bool:
    """An admin's replay of a delivered message."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return False
    return delivery_resend(delivery, now=timezone.now()).succeeded


@task()
def webhooks_purge_task() -> int:
    return outbox_purge(now=timezone.now())


def dispatch_soon(at: datetime | None = None) -> None:
    """Ask the worker to send (at ``at``, default now), at most one run per short window."""
    if not default_task_backend.supports_defer:
        webhooks_dispatch_task.enqueue()  # tests: the immediate backend sends at once
        return
    run_at = max(at or timezone.now(), timezone.now()) + COALESCE
    with _lock:
        planned = _planned["at"]
        if planned is not None and timezone.now() < planned and planned <= run_at:
            return
        _planned["at"] = run_at
    webhooks_dispatch_task.using(run_after=run_at).enqueue()


def _dispatch_due(now: datetime) -> list[datetime]:
    # Once a minute, whatever commits, retries or a restarted worker left behind.
    return [now] if deliveries_due_exist(now) else []


scheduler.register(
    scheduler.PeriodicJob(
        name="webhooks-dispatch",
        find_due=_dispatch_due,
        claim=lambda _now, _at: (),
        task=webhooks_dispatch_task,
    )
)
scheduler.register(
    scheduler.PeriodicJob(
        name="webhooks-purge",
        find_due=outbox_purge_due,
        claim=lambda _now, _at: (),
        task=webhooks_purge_task,
    )
)
