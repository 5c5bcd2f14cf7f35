"""Targets: read by everyone who reads reports; set by admins and by agent managers for their
groups and their groups' members."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reporting.filters import Scope
from reporting.forms import TargetForm
from reporting.models import Target
from reporting.selectors.pages import rows_number, rows_page
from reporting.selectors.targets import attainment_for
from reporting.services.targets import may_set_target, target_delete, target_save
from reporting.views.common import context_for, render_report, reports_required

SET_TARGETS = "campaigns.set_targets"


def _month(request: HttpRequest, today: date) -> date:
    raw = request.GET.get("month", "")
    try:
        return date.fromisoformat(f"{raw}-01") if raw else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


@require_GET
@reports_required
def target_list(request: HttpRequest) -> HttpResponse:
    context, _form, _account = context_for(request)
    month = _month(request, context.filters.end)
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render_report(
        request,
        "reporting/target_list.html",
        {
            "month": month,
            "previous": previous,
            "following": following,
            **_targets_page(attainment_for(context, month), rows_number(request.GET)),
            "filters": context.filters,
            "can_set": request.user.has_perm(SET_TARGETS),
        },
    )


def _targets_page(attainment: list, page: int) -> dict:
    """One page of the month's targets (``rows`` in the URL): at 500 agents the month had 1,500
    targets, 1.3 MB of HTML whose rendering was most of the request."""
    table = rows_page(attainment, page)
    return {"attainment": table.rows, "table": table}


def _target_in_scope(request: HttpRequest, pk: int) -> Target:
    target = get_object_or_404(Target, pk=pk)
    if not may_set_target(request.user, agent_id=target.agent_id, group_id=target.group_id):
        raise Http404
    return target


@require_http_methods(["GET", "POST"])
@reports_required
@permission_required(SET_TARGETS, raise_exception=True)
def target_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    context, _form, account = context_for(request)
    target = _target_in_scope(request, pk) if pk else None
    kwargs = {
        "scope": Scope.for_reports(request.user),
        "default_currency": account.default_currency,
        "number_format": request.user.number_format,
    }
    if request.method == "POST":
        form = TargetForm(request.POST, **kwargs)
    elif target is not None:
        form = TargetForm.for_target(target, **kwargs)
    else:
        form = TargetForm(initial={"month": _month(request, context.filters.end)}, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            saved = target_save(actor=request.user, target=target, **form.target_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            who = saved.agent or saved.group
            messages.success(request, _("Saved the target for %(who)s.") % {"who": who})
            return redirect(_list_url(saved))
    status = 422 if form.errors else 200
    return render(
        request,
        "reporting/target_form.html",
        {"nav_section": "reports", "form": form, "target": target},
        status=status,
    )


def _list_url(target: Target) -> str:
    return f"{reverse('reporting:target-list')}?month={target.month:%Y-%m}"


@require_POST
@reports_required
@permission_required(SET_TARGETS, raise_exception=True)
def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_in_scope(request, pk)
    url = _list_url(target)
    target_delete(actor=request.user, target=target)
    messages.success(request, _("Deleted the target."))
    return redirect(url)
