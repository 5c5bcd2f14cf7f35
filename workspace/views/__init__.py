"""Agent Workspace views. The two pages live here (the conversation list, and the conversation
page or one of its fragments); the widget's actions in ``outcomes`` and ``surveys``, close and
transfer in ``conversations``."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from workspace.selectors.access import WORK
from workspace.selectors.conversations import conversation_get, conversations_for_agent
from workspace.selectors.pending import pending_flags_set
from workspace.views.rendering import PARTIALS, render_conversation


@require_GET
@permission_required(WORK, raise_exception=True)
def conversation_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    lists = conversations_for_agent(request.user, now=now)
    pending_flags_set([*lists["open"], *lists["closed"]], now=now)
    return render(
        request, "workspace/conversation_list.html", {"nav_section": "workspace", **lists}
    )


@require_GET
@vary_on_headers("HX-Request")
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = request.htmx.target if request.htmx else None
    partial = target if target in PARTIALS else None
    conversation = conversation_get(request.user, pk, page=partial is None)
    return render_conversation(request, conversation, now=timezone.now(), partial=partial)
