"""Views that belong to no app: the home redirect, health, readiness, metrics, error pages."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from outcomes_site import operations
from outcomes_site.middleware import database_unavailable_response
from outcomes_site.navigation import landing_url_for
from outcomes_site.security_log import access_refused


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their role's landing page."""
    landing = landing_url_for(request.user)
    if landing is None:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied
    return redirect(landing)


@require_GET
@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    access_refused(request, status)
    if getattr(request, "htmx", False):
        # htmx shows errors in the page's message area (static/js/app.js), not as a swap.
        return HttpResponse(status=status)
    return render(request, template, status=status)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # A database lost outside a view (loading the session or the user in a middleware, saving
    # the session after the view) never reaches DatabaseUnavailableMiddleware.process_exception:
    # it lands here, and is still a 503 with Retry-After, rendered without touching the database.
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        return database_unavailable_response(request)
    return render(request, "errors/500.html", status=500)


@require_GET
@login_not_required
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness, for load balancers and deploys: database and cache reachable, every migration
    applied. 200 with each check, or 503 with ``code`` and the failing checks."""
    checks = operations.readiness()
    report = {name: "ok" if passed else "failed" for name, passed in checks.items()}
    failing = [name for name, passed in checks.items() if not passed]
    if not failing:
        return JsonResponse({"status": "ready", "checks": report})
    body = {"status": "unavailable", "code": "not_ready", "failing": failing, "checks": report}
    response = JsonResponse(body, status=503)
    response["Retry-After"] = "5"
    return response


@require_GET
@login_not_required
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The operations figures in the Prometheus text format, for trusted scrapers only."""
    if not operations.metrics_allowed(request):
        return HttpResponse(status=403, content_type="text/plain")
    return HttpResponse(operations.metrics_text(timezone.now()), content_type=CONTENT_TYPE_LATEST)
