"""The audit log: read-only, for admins."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from campaigns.forms.audit import AuditFilterForm
from campaigns.selectors.audit import audit_entries, audit_filter_choices, audit_page
from campaigns.views.common import VIEW_AUDIT_LOG, builder_render


@require_GET
@vary_on_headers("HX-Request")
@permission_required(VIEW_AUDIT_LOG, raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who changed what and when, filtered; entries cannot be edited or deleted here."""
    form = AuditFilterForm(request.GET or None, **audit_filter_choices())
    page = audit_page(audit_entries(**form.filters()), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "tab": "audit"}
    return builder_render(request, "campaigns/audit_log.html", context, fragment="audit-entries")
