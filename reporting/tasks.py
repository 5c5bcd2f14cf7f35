"""Background tasks (Django's Tasks framework; ``manage.py db_worker`` runs them)."""

from datetime import date

from django.tasks import task
from django.utils import timezone

from outcomes_site import scheduler
from outcomes_site.db_router import report_reads
from reporting.services.exports import export_build
from reporting.services.subscription_mail import subscription_send
from reporting.services.subscriptions import subscription_claim, subscriptions_due


@task()
def export_build_task(export_id: int) -> int:
    """Build a large CSV export into a file (see ``reporting.services.exports``)."""
    with report_reads():  # the event rows come from the read replica, when configured
        return export_build(export_id=export_id)


@task()
def report_subscription_send_task(subscription_id: int, period_start: str) -> bool:
    """E-mail one period of a report subscription (enqueued by ``manage.py run_scheduler``)."""
    with report_reads():
        return subscription_send(
            subscription_id=subscription_id,
            period_start=date.fromisoformat(period_start),
            now=timezone.now(),
        )


# Reports by e-mail: at 07:00 in the account's report time zone (outcomes_site.scheduler).
scheduler.register(
    scheduler.PeriodicJob(
        name="report-subscriptions",
        find_due=subscriptions_due,
        claim=subscription_claim,
        task=report_subscription_send_task,
    )
)
