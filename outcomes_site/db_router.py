"""Report reads on a read replica (``REPORTING_DATABASE_URL``, docs/scaling.md).

Report views and the export task run inside ``report_reads()``; while it is active, reads of the
contact centre's tables go to the ``reporting`` alias when one is configured. Writes, and reads of
what report pages themselves write or must see at once (exports, targets, subscriptions: the
``reporting`` app's own tables), stay on ``default``. Without the setting everything
uses ``default``.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPORTING = "reporting"
# django_cache: the shared cache's table (outcomes_site.cache), whose counters must read what
# was just written.
PRIMARY_ONLY_APPS = {"reporting", "sessions", "axes", "django_tasks_db", "django_cache"}
_report_reads: ContextVar[bool] = ContextVar("report_reads", default=False)


@contextmanager
def report_reads() -> Iterator[None]:
    """Send the reads inside to the reporting database (when there is one)."""
    token = _report_reads.set(True)
    try:
        yield
    finally:
        _report_reads.reset(token)


def reads_reports(view: Callable) -> Callable:
    """A view decorator: the view's reads are report reads."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with report_reads():
            return view(*args, **kwargs)

    return wrapped


def reporting_alias() -> str:
    """The alias report queries in raw SQL use now."""
    if _report_reads.get() and settings.REPORT_READS_ON_REPLICA:
        return REPORTING
    return "default"


class ReportingRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        return reporting_alias()

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the same rows as the primary: objects from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == "default"
