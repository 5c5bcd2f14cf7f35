"""Background tasks (Django's Tasks framework; ``manage.py db_worker`` runs them)."""

from django.tasks import task

from workspace.services.credit_rebuild import credit_rebuild_pending


@task()
def credit_rebuild_task() -> int:
    """Rebuild the credit that a configuration change moved (``CreditRebuild`` requests)."""
    return credit_rebuild_pending()
