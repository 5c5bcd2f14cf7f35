"""The Agent survey report and the Outcome completeness report."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from reporting.selectors.completeness import (
    completeness_rows,
    completeness_total,
    follow_up_queue,
)
from reporting.selectors.obligations import SurveyPlan
from reporting.selectors.pages import rows_number, rows_page
from reporting.selectors.surveys import answer_distribution, free_text_answers, survey_rows
from reporting.sorting import sort_completeness
from reporting.views.common import (
    NOT_FOR_CONVERSATIONS,
    context_for,
    render_report,
    reports_required,
)


@require_GET
@reports_required
@vary_on_headers("HX-Request")
def survey_report(request: HttpRequest) -> HttpResponse:
    context, form, _account = context_for(request, exclude=NOT_FOR_CONVERSATIONS)
    plan = SurveyPlan.load()
    wanted = request.GET.get("survey", "")
    survey = next((s for s in plan.surveys if str(s.pk) == wanted), None)
    survey = survey or next(iter(plan.surveys), None)
    breakdown = request.GET.get("breakdown", "")
    breakdown = breakdown if breakdown in ("agent", "skill") else ""
    rows, total = survey_rows(context, plan, survey.pk if survey else None)
    distributions, numbers, texts, text_count = [], [], [], 0
    if survey is not None:
        distributions, numbers = answer_distribution(context, plan, survey, breakdown)
        texts, text_count = free_text_answers(context, plan, survey)
    return render_report(
        request,
        "reporting/survey_report.html",
        {
            "form": form,
            "filters": context.filters,
            "surveys": plan.surveys,
            "survey": survey,
            "breakdown": breakdown,
            "rows": rows,
            "total": total,
            "distributions": distributions,
            "numbers": numbers,
            "texts": texts,
            "text_count": text_count,
        },
    )


@require_GET
@reports_required
@vary_on_headers("HX-Request")
def completeness(request: HttpRequest) -> HttpResponse:
    """The table shows one page of agents (``rows``), sorted as asked (``sort``); its totals
    cover every agent in scope."""
    context, form, account = context_for(request, exclude=NOT_FOR_CONVERSATIONS)
    queue, queue_count = follow_up_queue(context, account)
    rows = completeness_rows(context, account)
    sorting = sort_completeness(rows, request.GET.get("sort"))
    return render_report(
        request,
        "reporting/completeness.html",
        {
            "form": form,
            "filters": context.filters,
            "table": rows_page(rows, rows_number(request.GET)),
            "total": completeness_total(rows),
            "sorting": sorting,
            "notices": [sorting.error] if sorting.error else [],
            # Carried by the filter form, the sort links and the pager.
            "keep": {"sort": sorting.param},
            "queue": queue,
            "queue_count": queue_count,
            "window_minutes": account.agent_outcome_window_minutes,
        },
    )
