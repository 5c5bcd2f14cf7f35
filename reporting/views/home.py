"""The reports home: the agent managers' landing page, an overview linking every report."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from reporting.selectors.pages import ManagerView, overview_page
from reporting.selectors.team import agent_workload
from reporting.views.common import context_for, render_report, reports_required


@require_GET
@reports_required
def home(request: HttpRequest) -> HttpResponse:
    context, _form, _account = context_for(request)
    overview = overview_page(context, ManagerView.from_query(request.GET))
    rows = agent_workload(
        request.user,
        since=context.filters.start_at,
        until=context.filters.end_at,
        handled=overview["handled_per_agent"],
    )
    return render_report(
        request,
        "reporting/home.html",
        {"filters": context.filters, **overview, "rows": rows, "days": 30},
    )
