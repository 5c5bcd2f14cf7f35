"""Erasure of one visitor's data on request (People area, admins only)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from workspace.forms.privacy import VisitorEraseForm
from workspace.services.privacy import visitor_erase

MANAGE_PEOPLE = "campaigns.manage_people"


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def visitor_erase_view(request: HttpRequest) -> HttpResponse:
    form = VisitorEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = visitor_erase(
            visitor=form.cleaned_data["visitor"], actor=request.user, now=timezone.now()
        )
        messages.success(
            request,
            _(
                "Erased the visitor's data: %(conversations)d conversations, %(messages)d "
                "messages, %(events)d events and %(survey_responses)d survey responses."
            )
            % result.as_dict(),
        )
        return redirect("workspace:visitor-erase")
    status = 422 if form.errors else 200
    context = {"nav_section": "people", "form": form}
    return render(request, "workspace/visitor_erase.html", context, status=status)
