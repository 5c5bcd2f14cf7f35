"""The sign-in lockout's rule (docs/deploy.md, "Sign-in lockout").

django-axes counts failed sign-ins per (username, address) and locks that pair after
``LOGIN_FAILURE_LIMIT`` failures (``AXES_LOCKOUT_PARAMETERS``): a stranger who guesses at someone's
password locks only themselves out of that account, and its owner still signs in from their own
address. This handler adds a budget per address across every username
(``LOGIN_ADDRESS_FAILURE_LIMIT``, larger than the per-pair one): an address that has failed that
often is locked out for every username, so one address cannot try a few passwords on each of
many accounts. django-axes compares a single figure with a single limit, so an address over its
budget answers that limit.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(address: str, *, since) -> int:
    """Failed sign-ins from ``address`` for any username since ``since``."""
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class AddressBudgetHandler(AxesDatabaseHandler):
    """django-axes' database handler with the per-address budget on top of the per-pair count."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        budget = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        if budget <= 0:
            return failures
        since = get_cool_off_threshold(request)
        if address_failures(request.axes_ip_address, since=since) >= budget:
            return max(failures, get_failure_limit(request, credentials))
        return failures
