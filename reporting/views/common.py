"""What every report view shares: who may read reports, and the request's report context."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import reselect, reswap, retarget

from outcomes_site.db_router import report_reads
from reporting.forms import report_context
from workspace.services.credit_rebuild import credit_rebuild_in_progress

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
    """The whole page, or only its ``report-body`` fragment when htmx asks for that target.

    Filters with errors answer 422 with the whole page: the filter form (outside the fragment)
    shows each message beside its field, so htmx is told to swap ``#main`` instead."""
    form = context.get("form")
    invalid = bool(form is not None and form.errors)
    if request.htmx and request.htmx.target == BODY and not invalid:
        template += "#" + BODY
    response = render(
        request,
        template,
        {"nav_section": "reports", "recalculating": credit_rebuild_in_progress(), **context},
        status=422 if invalid else 200,
    )
    if invalid and request.htmx:
        response = reswap(reselect(retarget(response, "#main"), "#main"), "outerHTML")
    return response


def invalid_filters_response(request: HttpRequest, problems: list) -> HttpResponse:
    """What an export answers to invalid parameters (``(name, label, message)`` each): 400
    naming each one and why, in plain text or JSON when asked for; never a file of the defaults
    or of the whole scope."""
    if request.get_preferred_type(["text/plain", "application/json"]) == "application/json":
        errors: dict[str, list[str]] = {}
        for name, _label, message in problems:
            errors.setdefault(name, []).append(message)
        return JsonResponse({"errors": errors}, status=400)
    lines = [_("Nothing was exported: these filters are not valid.")]
    lines += [f"{name} ({label}): {message}" for name, label, message in problems]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
