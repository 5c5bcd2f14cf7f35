"""The Agent survey report and the Outcome completeness report."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from reporting.selectors.completeness import completeness_rows, follow_up_queue
from reporting.selectors.obligations import SurveyPlan
from reporting.selectors.surveys import answer_distribution, free_text_answers, survey_rows
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
    context, form, account = context_for(request, exclude=NOT_FOR_CONVERSATIONS)
    queue, queue_count = follow_up_queue(context, account)
    rows = completeness_rows(context, account)
    total = {
        "ended": sum(r.ended for r in rows),
        "complete": sum(r.complete for r in rows),
        "not_reported": sum(r.not_reported for r in rows),
    }
    total["incomplete"] = total["ended"] - total["complete"]
    return render_report(
        request,
        "reporting/completeness.html",
        {
            "form": form,
            "filters": context.filters,
            "rows": rows,
            "total": total,
            "queue": queue,
            "queue_count": queue_count,
            "window_minutes": account.agent_outcome_window_minutes,
        },
    )
