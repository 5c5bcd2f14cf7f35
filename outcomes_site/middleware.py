"""Project-wide request handling that no single app owns."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

logger = logging.getLogger(__name__)


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
