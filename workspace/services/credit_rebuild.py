"""Rebuilding credit after a configuration change: a policy, goal, service status box, campaign,
the account's default currency or report time zone decides credit for many events at once, so
the change asks for a rebuild (``CreditRebuild``) that the task worker runs, and the reports say
"recalculating" until it is done. ``manage.py reports_rebuild`` runs the same on demand."""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from campaigns.models import AccountSettings, AttributionPolicy, Campaign, Goal, ServiceStatusBox
from workspace.models import CreditRebuild
from workspace.services.credit import credit_rebuild


def credit_rebuild_request(*, since: datetime | None, now: datetime) -> CreditRebuild:
    """Ask for the credit from ``since`` on (everything when ``None``) to be rebuilt; a request
    already waiting that covers it is reused. The task worker is asked after the commit."""
    waiting = CreditRebuild.objects.filter(started_at__isnull=True).order_by("pk")
    for request in waiting:
        if request.since is None or (since is not None and request.since <= since):
            return request
    request = CreditRebuild.objects.create(since=since, requested_at=now)
    transaction.on_commit(_enqueue)
    return request


def _enqueue() -> None:
    from workspace.tasks import credit_rebuild_task

    credit_rebuild_task.enqueue()


def credit_rebuild_pending(
    *, now: Callable[[], datetime] = timezone.now, progress=None, everything: bool = False
) -> int:
    """Run every waiting rebuild as one (from the earliest ``since`` asked), or everything.
    Requests made while it runs wait for the next run. Returns the events recomputed."""
    pending = list(CreditRebuild.objects.filter(finished_at__isnull=True).order_by("pk"))
    if not pending and not everything:
        return 0
    since = (
        None
        if everything or any(r.since is None for r in pending)
        else min(r.since for r in pending)
    )
    ids = [r.pk for r in pending]
    CreditRebuild.objects.filter(pk__in=ids, started_at__isnull=True).update(started_at=now())

    def report(done: int, total: int) -> None:
        CreditRebuild.objects.filter(pk__in=ids).update(events_done=done, events_total=total)
        if progress:
            progress(done, total)

    count = credit_rebuild(since=since, progress=report)
    CreditRebuild.objects.filter(pk__in=ids).update(finished_at=now())
    return count


def credit_rebuild_in_progress() -> CreditRebuild | None:
    """The oldest unfinished rebuild, for the reports' "recalculating" banner."""
    return CreditRebuild.objects.filter(finished_at__isnull=True).order_by("pk").first()


def _after_commit(since: datetime | None) -> None:
    transaction.on_commit(lambda: credit_rebuild_request(since=since, now=timezone.now()))


def _policy_changed(sender, instance: AttributionPolicy, **kwargs) -> None:
    _after_commit(instance.starts_at)


def _goal_changed(sender, **kwargs) -> None:
    _after_commit(None)


def _account_check(sender, instance: AccountSettings, **kwargs) -> None:
    """The default currency decides which purchases reach a sell goal naming no currency; the
    report time zone, the days of the day sums. Other settings move no credit."""
    old = (
        AccountSettings.objects.filter(pk=instance.pk)
        .values_list("default_currency", "report_time_zone")
        .first()
    )
    if old is not None and old != (instance.default_currency, instance.report_time_zone):
        _after_commit(None)


def connect_signals() -> None:
    """Called from ``WorkspaceConfig.ready``."""
    for signal in (post_save, post_delete):
        signal.connect(_policy_changed, sender=AttributionPolicy, dispatch_uid=f"credit.{signal}")
        for model in (Campaign, Goal, ServiceStatusBox):
            signal.connect(_goal_changed, sender=model, dispatch_uid=f"credit.{model}.{signal}")
    pre_save.connect(_account_check, sender=AccountSettings, dispatch_uid="credit.account")
