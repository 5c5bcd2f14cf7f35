"""Exports: event and conversation rows as CSV (streamed up to 50,000 rows, built in the
background above that), and the goal tracker's table as CSV or Excel. Invalid filters answer
400 naming the parameter; an export never falls back to the defaults or the whole scope."""

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from reporting.forms import report_context
from reporting.models import ReportExport
from reporting.services.exports import (
    STREAM_LIMIT,
    Dataset,
    csv_stream,
    export_file_name,
    export_path,
    export_problems,
    export_rows,
    export_start,
)
from reporting.services.spreadsheets import (
    goal_tracker_sheet,
    sheet_csv_bytes,
    sheet_file_name,
    sheet_xlsx_bytes,
)
from reporting.views.common import context_for, invalid_filters_response, reports_required

SHEET_FORMATS = {
    "csv": ("text/csv; charset=utf-8", sheet_csv_bytes),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        sheet_xlsx_bytes,
    ),
}


@require_GET
@reports_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every row the screen's filters select, as CSV; too many for a request: offer a task."""
    context, form, _account = context_for(request)
    problems = export_problems(context, form, request.GET)
    if problems:
        return invalid_filters_response(request, problems)
    dataset = request.GET.get("dataset") or Dataset.EVENTS
    total, rows = export_rows(context, dataset, request.GET)
    if total > STREAM_LIMIT:
        return render(
            request,
            "reporting/export_confirm.html",
            {"nav_section": "reports", "total": total, "query": request.GET.urlencode()},
        )
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    name = export_file_name(dataset, context)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@reports_required
def export_create(request: HttpRequest) -> HttpResponse:
    """Start a background export of the filters posted back from the confirmation page."""
    params = QueryDict(request.POST.get("query", "")).dict()
    now = timezone.now()
    context, form, _account = report_context(request.user, params, now=now)
    problems = export_problems(context, form, params)
    if problems:
        return invalid_filters_response(request, problems)
    export = export_start(
        user=request.user,
        dataset=params.get("dataset") or Dataset.EVENTS,
        params=params,
        now=now,
    )
    return redirect("reporting:export-detail", pk=export.pk)


@require_GET
@reports_required
def goal_tracker_export(request: HttpRequest) -> HttpResponse:
    """The goal tracker's table with the page's filters: ``?format=csv`` or ``xlsx``."""
    kind = request.GET.get("format") or "csv"
    context, form, _account = context_for(request)
    problems = form.problems()
    if kind not in SHEET_FORMATS:
        message = _("Choose csv or xlsx.")
        problems.append(("format", _("Format"), message))
    if problems:
        return invalid_filters_response(request, problems)
    content_type, write = SHEET_FORMATS[kind]
    sheet = goal_tracker_sheet(context, sort=request.GET.get("sort", ""))
    response = HttpResponse(write(sheet), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{sheet_file_name(sheet, kind)}"'
    return response


@require_GET
@reports_required
@vary_on_headers("HX-Request")
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(ReportExport, pk=pk, requested_by=request.user)
    template = "reporting/export_detail.html"
    if request.htmx and request.htmx.target == "export-progress":
        template += "#export-progress"
    return render(request, template, {"nav_section": "reports", "export": export})


@require_GET
@reports_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = get_object_or_404(ReportExport, pk=pk, requested_by=request.user)
    path = export_path(export)
    if path is None:
        raise Http404
    name = f"{export.dataset}-export-{export.pk}.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
