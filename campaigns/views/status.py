"""The system status page (admins): is the service keeping up, in words.

The same figures as ``/ready/`` and ``/metrics`` (``outcomes_site.operations``), for the person
who runs the account, so a stuck task worker is seen before managers notice stale reports.
"""

from datetime import timedelta

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from campaigns.views.people import MANAGE_PEOPLE
from outcomes_site.operations import (
    STUCK_AFTER,
    readiness,
    reporting_freshness_seconds,
    task_queue_state,
)


@require_GET
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def system_status(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    queue = task_queue_state(now)
    freshness = reporting_freshness_seconds(now)

    def since(seconds: float | None):
        return None if seconds is None else now - timedelta(seconds=seconds)

    context = {
        "nav_section": "people",
        "tab": "status",
        "now": now,
        "checks": readiness(),
        "queue": queue,
        "last_activity_at": since(queue.last_activity_seconds),
        "oldest_waiting_at": since(queue.oldest_waiting_seconds),
        "reports_behind_since": since(freshness) if freshness else None,
        "stuck_after_minutes": int(STUCK_AFTER.total_seconds() // 60),
    }
    return render(request, "campaigns/system_status.html", context)
