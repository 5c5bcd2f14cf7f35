"""Periodic work: a registry of jobs that ``manage.py run_scheduler`` asks, once a minute, for
what is due, and enqueues as tasks on Django's Tasks framework (the task worker runs them).

A job names three things: how to find what is due at a moment (``find_due(now)``, a cheap read
of candidates), how to claim one of them (``claim(item, now)``: a conditional write that returns
the task's arguments, or ``None`` when another scheduler or an earlier tick took it first), and
the task to enqueue. The claim and the enqueue share one transaction (the database task backend
writes its queue row there), so two schedulers, or a crash between the two steps, never enqueue
the same work twice and never lose it.

Apps register their jobs in their ``tasks`` module, which ``autodiscover()`` imports::

    scheduler.register(PeriodicJob("report-subscriptions", find_due=..., claim=..., task=...))
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.tasks import Task
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    find_due: Callable[[datetime], Iterable[Any]]
    claim: Callable[[Any, datetime], tuple | None]
    task: Task


_jobs: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> PeriodicJob:
    """Add ``job`` (a job of the same name is replaced, so importing twice is harmless)."""
    _jobs[job.name] = job
    return job


def autodiscover() -> None:
    """Import every installed app's ``tasks`` module, where periodic jobs register."""
    autodiscover_modules("tasks")


def registered_jobs() -> list[PeriodicJob]:
    autodiscover()
    return list(_jobs.values())


def run_job(job: PeriodicJob, now: datetime) -> int:
    """Claim and enqueue everything ``job`` has due at ``now``; the number enqueued."""
    enqueued = 0
    for item in job.find_due(now):
        with transaction.atomic():
            args = job.claim(item, now)
            if args is not None:
                job.task.enqueue(*args)
                enqueued += 1
    return enqueued


def run_due_jobs(now: datetime) -> dict[str, int]:
    """One tick: every registered job's due work, enqueued. A job that fails is logged and
    skipped, so one broken job does not stop the others (it is tried again next tick)."""
    counts: dict[str, int] = {}
    for job in registered_jobs():
        try:
            counts[job.name] = run_job(job, now)
        except Exception:
            logger.exception("Periodic job %s failed", job.name)
            counts[job.name] = 0
    return counts
