"""A refused CSRF token. A plain form gets Django's own page; an htmx request gets an empty 403
with the ``csrf-failure`` event, which static/js/keep_typing.js answers beside the form with a
sign-in link back to the page, keeping what was typed (the page is not replaced)."""

from django.http import HttpRequest, HttpResponse
from django.views.csrf import csrf_failure as django_csrf_failure
from django_htmx.http import trigger_client_event


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return trigger_client_event(HttpResponse(status=403), "csrf-failure")
    return django_csrf_failure(request, reason=reason)
