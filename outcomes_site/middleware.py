"""Project-wide request handling that no single app owns."""

import logging
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("django.request")


class HtmxAwareLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every view needs a login unless marked ``@login_not_required``.

    An expired session during an htmx request must not swap the login page into a fragment:
    htmx gets ``HX-Redirect`` and loads the login page as a whole page instead.
    """

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            page = request.htmx.current_url_abs_path or request.get_full_path()
            login = redirect_to_login(
                page, self.get_login_url(view_func), self.get_redirect_field_name(view_func)
            )
            return HttpResponseClientRedirect(login["Location"])
        return super().handle_no_permission(request, view_func)


class SessionTimeoutMiddleware:
    """Ends a sign-in after ``SESSION_IDLE_TIMEOUT`` seconds idle or ``SESSION_COOKIE_AGE``
    seconds after it began. The last-seen time is written at most once a minute, so a busy
    agent does not cost a session write on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault("signed_in_at", now)
            seen = request.session.get("seen_at", now)
            if (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return self.get_response(request)
            if now - seen >= 60 or "seen_at" not in request.session:
                request.session["seen_at"] = now
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection is a 503 with ``Retry-After`` (JSON for the API, a
    page otherwise), never a 500: clients retry, and nothing was half-written because every
    write runs in a transaction."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        return database_unavailable_response(request, exception)


def database_unavailable_response(request, exception: BaseException | None = None) -> HttpResponse:
    """The 503 answer for a lost database: JSON for the API, empty for htmx (the page shows
    its message), a static page otherwise. Used by the middleware and by ``handler500``."""
    logger.warning("database unavailable: %s", exception or "(outside a view)")
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "errors": [
                    {
                        "path": "",
                        "code": "database_unavailable",
                        "message": "The database is unavailable; retry shortly.",
                    }
                ]
            },
            status=503,
        )
    elif request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=503)
    else:
        # Rendered without the request: no session or user lookup may touch the database.
        response = HttpResponse(loader.render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS)
    return response


class PrivateResponseMiddleware:
    """Nothing said to a signed-in person, and nothing the API answers, may stay in a cache.

    Transcripts and personal data otherwise sit in the browser's cache and come back through
    Back after sign-out; ``no-store`` makes the browser refetch (and land on sign-in). Set once
    here, after authentication, rather than per view. Static files never reach this middleware
    (whitenoise answers them first) and keep their long caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, private
            response.headers.setdefault("Pragma", "no-cache")
        return response


def zone_for(user) -> ZoneInfo:
    """The zone ``user`` reads the workspace in: their own, else the account's report zone, else
    the server's. An empty own zone costs the account settings read, which workspace pages make
    anyway (once per request)."""
    from campaigns.models import AccountSettings  # the apps are loaded after this module

    name = getattr(user, "time_zone", "") or AccountSettings.load().report_time_zone
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_time_on_demand(view):
    """Mark a view that activates the person's zone itself (``local_time_activate``) only when
    it shows a time: the transcript poll's "nothing new" reads no settings for it."""
    view.local_time_on_demand = True
    return view


def local_time_activate(request) -> None:
    """Show times in the signed-in person's zone for the rest of this request."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        timezone.activate(zone_for(user))


class WorkspaceTimeZoneMiddleware:
    """Workspace pages (and the preferences page, which names the zone) show times in the
    signed-in person's zone (``zone_for``); every other page keeps the server's, and reports
    choose the account's themselves (STYLE.md). A view marked ``local_time_on_demand`` asks for
    the zone itself when it needs it."""

    PREFIXES = ("/workspace/", "/preferences/", "/embed/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.PREFIXES):
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.PREFIXES) and not getattr(
            view_func, "local_time_on_demand", False
        ):
            local_time_activate(request)


class DebugErrorPagesMiddleware:
    """Under ``make run`` (``DEBUG``) too, a missing page or a failure shows the product's own
    page, never Django's debug pages, which list every URL of the app or the settings. The
    traceback still goes to the console (the ``django.request`` logger). Does nothing when
    ``DEBUG`` is off: Django calls the ``handler404``/``handler500`` views itself then. 403
    needs nothing here: Django calls ``handler403`` whatever ``DEBUG`` says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No URL matched: Django has already answered with its debug 404, which lists the URLs.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            from outcomes_site.views import page_not_found

            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG or isinstance(exception, PermissionDenied | BadRequest):
            return None
        from outcomes_site.views import page_not_found, server_error

        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, SuspiciousOperation):
            return None
        request_logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return server_error(request)
