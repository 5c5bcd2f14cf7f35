"""The transcript's poll: every open conversation page asks every 5 seconds whether new messages
arrived, so "nothing new" must cost next to nothing (bench/README.md, "Agents at once")."""

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from outcomes_site.middleware import local_time_activate, local_time_on_demand
from workspace.models import Message
from workspace.selectors.conversations import conversation_get, transcript


@require_GET
@local_time_on_demand
def transcript_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """``after`` is the last message the page shows (the fragment writes it into its own poll
    address). Nothing newer on an open conversation: 204, which htmx leaves alone, without
    rendering, after one query beside the session's (the row, its access and "anything newer"
    together; the person's time zone is read only to render). Otherwise the fragment again,
    which stops polling once the conversation ends."""
    after = request.GET.get("after", "")
    seen = int(after) if after.isascii() and after.isdigit() else None
    newer = Message.objects.filter(conversation=OuterRef("pk"), id__gt=seen or 0)
    conversation = conversation_get(request.user, pk, page=False, annotate={"newer": Exists(newer)})
    if seen is not None and conversation.ended_at is None and not conversation.newer:
        return HttpResponse(status=204)
    local_time_activate(request)
    context = {"conversation": conversation, "messages_list": transcript(conversation)}
    return render(request, "workspace/conversation_detail.html#transcript", context)
