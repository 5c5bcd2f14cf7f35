"""Data Sources > Outgoing webhooks: endpoints, their delivery log, replay. Admins only (the
permission that also guards the platforms tab)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from campaigns.views.common import builder_render
from workspace.webhooks.forms import EndpointForm
from workspace.webhooks.models import Delivery, Endpoint
from workspace.webhooks.selectors import (
    endpoint_log,
    endpoint_pending,
    endpoints_list,
    endpoints_switched_off,
)
from workspace.webhooks.services.endpoints import (
    delivery_replay,
    endpoint_create,
    endpoint_secret_rotate,
    endpoint_update,
)

MANAGE = "platforms.manage_platforms"
NEW_SECRET_SESSION = "webhooks.new_secret"  # noqa: S105 (a session key, not a secret)


@require_GET
@permission_required(MANAGE, raise_exception=True)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    context = {
        "tab": "webhooks",
        "endpoints": endpoints_list(),
        "switched_off": endpoints_switched_off(),
    }
    return builder_render(request, "webhooks/endpoint_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def endpoint_add(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None, initial={"enabled": True})
    if request.method == "POST" and form.is_valid():
        endpoint, secret = endpoint_create(
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            event_types=form.cleaned_data["event_types"],
            actor=request.user,
            now=timezone.now(),
        )
        # The secret travels through the session for one page view only.
        request.session[NEW_SECRET_SESSION] = {"endpoint": endpoint.pk, "secret": secret}
        return redirect("webhooks:endpoint-detail", pk=endpoint.pk)
    status = 422 if form.is_bound else 200
    context = {"tab": "webhooks", "form": form}
    return builder_render(request, "webhooks/endpoint_form.html", context, status=status)


def _detail(request, endpoint: Endpoint, form=None, status: int = 200) -> HttpResponse:
    new_secret = request.session.pop(NEW_SECRET_SESSION, None)
    initial = {f: getattr(endpoint, f) for f in ("url", "description", "event_types", "enabled")}
    context = {
        "tab": "webhooks",
        "endpoint": endpoint,
        "form": form or EndpointForm(initial=initial),
        "log": endpoint_log(endpoint),
        "pending": endpoint_pending(endpoint),
        "switched_off": [endpoint] if endpoint.switched_off_for_failures else [],
        "new_secret": new_secret if new_secret and new_secret["endpoint"] == endpoint.pk else None,
    }
    template = "webhooks/endpoint_detail.html"
    return builder_render(request, template, context, fragment="delivery-log", status=status)


@require_GET
@vary_on_headers("HX-Request")
@permission_required(MANAGE, raise_exception=True)
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(Endpoint, pk=pk))


@require_POST
@permission_required(MANAGE, raise_exception=True)
def endpoint_change(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=pk)
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _detail(request, endpoint, form=form, status=422)
    endpoint_update(endpoint=endpoint, actor=request.user, now=timezone.now(), **form.cleaned_data)
    messages.success(request, _("Saved the endpoint."))
    return redirect("webhooks:endpoint-detail", pk=endpoint.pk)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=pk)
    secret = endpoint_secret_rotate(endpoint=endpoint, actor=request.user, now=timezone.now())
    request.session[NEW_SECRET_SESSION] = {"endpoint": endpoint.pk, "secret": secret}
    return redirect("webhooks:endpoint-detail", pk=endpoint.pk)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def delivery_resend(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_pk, endpoint_id=pk)
    delivery_replay(delivery=delivery, actor=request.user, now=timezone.now())
    messages.success(request, _("The delivery will be sent again in a moment."))
    return redirect("webhooks:endpoint-detail", pk=pk)
