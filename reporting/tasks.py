"""Background tasks (Django's Tasks framework; ``manage.py db_worker`` runs them)."""

from django.tasks import task

from outcomes_site.db_router import report_reads
from reporting.services.exports import export_build


@task()
def export_build_task(export_id: int) -> int:
    """Build a large CSV export into a file (see ``reporting.services.exports``)."""
    with report_reads():  # the event rows come from the read replica, when configured
        return export_build(export_id=export_id)
