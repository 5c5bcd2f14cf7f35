"""``manage.py run_scheduler``: once a minute, enqueue the periodic work that is due (reports by
e-mail, and whatever else registers in ``outcomes_site.scheduler``) for the task worker.

Run one beside the task worker (``make run`` does). Running two is safe: each piece of due work
is claimed in the same transaction as its task is enqueued, so only one of them enqueues it.
SIGTERM or SIGINT stops it at once (a tick under way finishes first).
"""

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from outcomes_site.scheduler import registered_jobs, run_due_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Enqueue due periodic work (reports by e-mail, ...) every minute until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick, then exit.")
        parser.add_argument(
            "--interval",
            type=int,
            default=60,
            help="Seconds between ticks (default 60; ticks fall on whole multiples of it).",
        )

    def handle(self, *, once: bool, interval: int, **options) -> None:
        if once:  # a short-lived process: its connections end with it
            self._report(run_due_jobs(timezone.now()), verbosity=options["verbosity"])
            return
        interval = max(1, interval)
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
        names = ", ".join(job.name for job in registered_jobs()) or "none"
        self.stdout.write(f"Scheduler running every {interval} s; jobs: {names}")
        try:
            while not stop.is_set():
                try:
                    self._tick(verbosity=options["verbosity"])
                except Exception:  # the database away, say: log it and try at the next tick
                    logger.exception("Scheduler tick failed")
                # Sleep to the next whole interval; the event wakes it at once on a signal.
                stop.wait(interval - time.time() % interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Scheduler stopped.")

    def _tick(self, *, verbosity: int) -> None:
        close_old_connections()  # a long-lived process: drop connections past their age
        try:
            counts = run_due_jobs(timezone.now())
        finally:
            close_old_connections()
        self._report(counts, verbosity=verbosity)

    def _report(self, counts: dict[str, int], *, verbosity: int) -> None:
        for name, enqueued in counts.items():
            if enqueued or verbosity > 1:
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {name}: {enqueued} enqueued")


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
