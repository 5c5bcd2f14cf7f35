"""Drill-downs: the events or conversations behind any number, and the duplicates review."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from reporting.filters import Breakdown
from reporting.forms import DrillForm
from reporting.selectors.conversations import (
    Family,
    conversation_page,
    conversation_set,
    handled_counts,
)
from reporting.selectors.duplicates import duplicate_groups
from reporting.selectors.events import event_page
from reporting.views.common import (
    DATES_ONLY,
    NOT_FOR_CONVERSATIONS,
    NOT_FOR_EVENTS,
    context_for,
    render_report,
    reports_required,
)

HANDLED_FAMILIES = (Family.HANDLED, Family.INTERACTIONS)


@require_GET
@reports_required
@vary_on_headers("HX-Request")
def event_list(request: HttpRequest) -> HttpResponse:
    context, form, _account = context_for(request, exclude=NOT_FOR_EVENTS)
    drill_form = DrillForm(request.GET)
    drill = drill_form.drill()
    events = event_page(context, drill, page=drill_form.page_number())
    return render_report(
        request,
        "reporting/event_list.html",
        {"form": form, "filters": context.filters, "drill": drill, "events": events},
    )


@require_GET
@reports_required
@vary_on_headers("HX-Request")
def conversation_list(request: HttpRequest) -> HttpResponse:
    context, form, _account = context_for(request, exclude=NOT_FOR_CONVERSATIONS)
    family, which = request.GET.get("family", ""), request.GET.get("set", "")
    survey = request.GET.get("survey", "")
    survey_id = int(survey) if survey.isdigit() else None
    drill_form = DrillForm(request.GET)
    unattributed = drill_form.drill().unattributed
    queryset = conversation_set(
        context, family, which, survey_id=survey_id, unattributed=unattributed
    )
    if queryset is None:
        raise Http404
    # The tracker's breakdown decides what its "Sum of rows" adds (agent, or agent and skill).
    by = request.GET.get("by", "") if family in HANDLED_FAMILIES else ""
    by = by if by in dict(Breakdown.CHOICES) else ""
    count = handlings = None
    if family in HANDLED_FAMILIES and not unattributed:
        interactions = family == Family.INTERACTIONS
        count, handlings = handled_counts(context, interactions=interactions, by=by)
    one_agent = context.filters.agent_id is not None
    page = conversation_page(queryset, drill_form.page_number(), count=count, one_agent=one_agent)
    extra = {"family": family, "set": which or None, "survey": survey_id}
    extra |= {"unattributed": 1 if unattributed else None, "by": by or None}
    return render_report(
        request,
        "reporting/conversation_list.html",
        {"form": form, "filters": context.filters, "page_obj": page, "extra": extra}
        | {"handlings": handlings},
    )


@require_GET
@reports_required
@vary_on_headers("HX-Request")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    context, form, _account = context_for(request, exclude=DATES_ONLY)
    conflicts_only = request.GET.get("conflicts") == "1"
    groups, page = duplicate_groups(
        context, conflicts_only=conflicts_only, page=DrillForm(request.GET).page_number()
    )
    return render_report(
        request,
        "reporting/duplicate_list.html",
        {
            "form": form,
            "filters": context.filters,
            "groups": groups,
            "page_obj": page,
            "conflicts_only": conflicts_only,
            "extra": {"conflicts": "1"} if conflicts_only else None,
        },
    )
