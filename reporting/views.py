"""Reports pages for agent managers, campaign managers and admins."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reporting.selectors.team import agent_workload

REPORT_PERMISSIONS = ("campaigns.view_all_reports", "campaigns.view_team_reports")


def can_read_reports(user) -> bool:
    return any(user.has_perm(perm) for perm in REPORT_PERMISSIONS)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not can_read_reports(request.user):
        raise PermissionDenied
    rows = agent_workload(request.user, now=timezone.now())
    return render(
        request, "reporting/home.html", {"nav_section": "reports", "rows": rows, "days": 30}
    )
