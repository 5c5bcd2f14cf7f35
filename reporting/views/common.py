"""What every report view shares: who may read reports, and the request's report context."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from outcomes_site.db_router import report_reads
from reporting.forms import report_context

REPORT_PERMISSIONS = ("campaigns.view_all_reports", "campaigns.view_team_reports")
BODY = "report-body"


def can_read_reports(user) -> bool:
    return any(user.has_perm(perm) for perm in REPORT_PERMISSIONS)


def reports_required(view):
    """Admins, campaign managers and agent managers; everyone else gets 403. Their GETs read
    from the reporting database (``outcomes_site.db_router``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not can_read_reports(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with report_reads():  # on the read replica, when one is configured
            return view(request, *args, **kwargs)

    return wrapped


# Filters that mean nothing to a report are left off its form (and ignored if sent).
NOT_FOR_EVENTS = ("by",)
NOT_FOR_CONVERSATIONS = ("by", "source")
DATES_ONLY = ("skill", "group", "agent", "campaign", "goal", "goal_type", "source", "by")


def context_for(request: HttpRequest, *, own: bool = False, exclude: tuple[str, ...] = ()):
    return report_context(request.user, request.GET, now=timezone.now(), own=own, exclude=exclude)


def render_report(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The whole page, or only its ``report-body`` fragment when htmx asks for that target."""
    if request.htmx and request.htmx.target == BODY:
        template += "#" + BODY
    return render(request, template, {"nav_section": "reports", **context})
