"""Agent Workspace pages: the conversation list and the conversation page."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from workspace.selectors.conversations import conversation_get, conversations_for_agent, transcript

WORK = "campaigns.work_conversations"


@require_GET
@permission_required(WORK, raise_exception=True)
def conversation_list(request: HttpRequest) -> HttpResponse:
    lists = conversations_for_agent(request.user, now=timezone.now())
    return render(
        request, "workspace/conversation_list.html", {"nav_section": "workspace", **lists}
    )


@require_GET
@vary_on_headers("HX-Request")
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = conversation_get(request.user, pk)
    context = {
        "nav_section": "workspace",
        "conversation": conversation,
        "messages_list": transcript(conversation),
    }
    template = "workspace/conversation_detail.html"
    if request.htmx and request.htmx.target == "transcript":
        template += "#transcript"
    return render(request, template, context)
