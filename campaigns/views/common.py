"""What every Campaign Builder view shares: the permission, page context and htmx branching."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIGURE = "campaigns.configure_campaigns"
VIEW_AUDIT_LOG = "campaigns.view_audit_log"


def builder_render(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only ``fragment`` (a ``partialdef`` of the same template) when htmx
    asks: one URL and one template for both."""
    name = f"{template}#{fragment}" if fragment and request.htmx else template
    context = {"nav_section": "builder", "server_time_zone": settings.TIME_ZONE, **context}
    return render(request, name, context, status=status)


def form_status(*forms_with_errors) -> int:
    """422 when any bound form has errors (htmx swaps 422 into place), else 200."""
    for form in forms_with_errors:
        if form.is_bound and not form.is_valid():
            return 422
    return 200
