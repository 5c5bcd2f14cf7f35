"""The real task worker of django-tasks-db, run in a thread of the test process."""

import threading
import time

from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker


class WorkerThread:
    def __init__(self):
        self.worker = Worker(
            queue_names=["default"], interval=0.05, batch=False, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id="webhooks-test",
            excluded_queue_names=[],
        )  # fmt: skip
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            self.worker.run()
        finally:
            connection.close()

    def start(self) -> "WorkerThread":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.worker.running = False
        self.thread.join(timeout=30)


def wait_for(condition, *, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
