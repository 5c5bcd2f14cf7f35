"""Campaign Builder: the campaign managers' home."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaigns.selectors.people import groups_list, skills_list

CONFIGURE = "campaigns.configure_campaigns"


@require_GET
@permission_required(CONFIGURE, raise_exception=True)
def builder(request: HttpRequest) -> HttpResponse:
    context = {"nav_section": "builder", "skills": skills_list(), "groups": groups_list()}
    return render(request, "campaigns/builder.html", context)
