"""CSV exports: streamed at once up to 50,000 rows, built in the background above that."""

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
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from reporting.models import ReportExport
from reporting.services.exports import (
    STREAM_LIMIT,
    Dataset,
    csv_stream,
    export_file_name,
    export_path,
    export_rows,
    export_start,
)
from reporting.views.common import context_for, reports_required

DATASETS = (Dataset.EVENTS, Dataset.CONVERSATIONS)


@require_GET
@reports_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """Every row the screen's filters select, as CSV; too many for a request: offer a task."""
    context, _form, _account = context_for(request)
    dataset = request.GET.get("dataset", Dataset.EVENTS)
    if dataset not in DATASETS:
        raise Http404
    try:
        total, rows = export_rows(context, dataset, request.GET)
    except ValueError:
        raise Http404 from None
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
    if params.get("dataset", Dataset.EVENTS) not in DATASETS:
        raise Http404
    export = export_start(
        user=request.user,
        dataset=params.get("dataset", Dataset.EVENTS),
        params=params,
        now=timezone.now(),
    )
    return redirect("reporting:export-detail", pk=export.pk)


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
