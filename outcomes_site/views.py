"""Views that belong to no app: the home redirect, health check and error pages."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
