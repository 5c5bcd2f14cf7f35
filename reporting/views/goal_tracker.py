"""The Agent goal tracker and the agent's own summary."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from outcomes_site.db_router import reads_reports
from reporting.forms import DrillForm
from reporting.selectors.pages import ManagerView, goal_tracker_page, tracker_targets
from reporting.views.common import context_for, render_report, reports_required


@require_GET
@reports_required
@vary_on_headers("HX-Request")
def goal_tracker(request: HttpRequest) -> HttpResponse:
    context, form, _account = context_for(request)
    page = goal_tracker_page(
        context,
        page=DrillForm(request.GET).page_number(),
        manager=ManagerView.from_query(request.GET),
    )
    return render_report(
        request,
        "reporting/goal_tracker.html",
        {
            "form": form,
            "filters": context.filters,
            "report": context,
            "active_filters": active_filters(form),
            **page,
        },
    )


@require_GET
@reports_required
def goal_tracker_targets(request: HttpRequest) -> HttpResponse:
    """The goal tracker's targets, which its page loads after itself (a table of 150 rows was a
    third of the page): the groups' and those of the agents in ``agents`` (the table's page),
    in the person's scope; the period's other filters as on the page."""
    context, _form, _account = context_for(request)
    agents = [int(value) for value in request.GET.get("agents", "").split(",") if value.isdigit()]
    targets = tracker_targets(context, agents=agents)
    context_data = {"filters": context.filters, "target_agents": request.GET.get("agents", "")}
    return render(request, "reporting/goal_tracker.html#tracker-targets", context_data | targets)


def active_filters(form) -> list[tuple[str, str]]:
    """The filters set beyond the period, as (label, value), for the folded filter form's
    summary: what a phone shows instead of the whole form."""
    if not form.is_valid():
        return []
    shown = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in ("start", "end") or value in (None, "") or field.widget.is_hidden:
            continue
        if hasattr(value, "pk"):  # a model choice: named without listing the choices again
            text = field.label_from_instance(value)
        else:
            text = dict(getattr(field, "choices", ())).get(value, value)
        shown.append((str(field.label), str(text)))
    return shown


@require_GET
@permission_required("campaigns.work_conversations", raise_exception=True)
@vary_on_headers("HX-Request")
@reads_reports
def my_summary(request: HttpRequest) -> HttpResponse:
    """An agent's own outcomes, targets and attainment: the goal tracker scoped to them."""
    context, form, _account = context_for(request, own=True)
    page = goal_tracker_page(context, page=DrillForm(request.GET).page_number())
    return render_report(
        request,
        "reporting/my_summary.html",
        {
            "form": form,
            "filters": context.filters,
            "report": context,
            "nav_section": "summary",
            **page,
        },
    )
