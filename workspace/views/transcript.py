"""The transcript's poll: every open conversation page asks every 5 seconds whether new messages
arrived, so "nothing new" must cost next to nothing (bench/README.md, "Agents at once")."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workspace.selectors.conversations import conversation_get, transcript


@require_GET
def transcript_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """``after`` is the last message the page shows (the fragment writes it into its own poll
    address). Nothing newer on an open conversation: 204, which htmx leaves alone, without
    rendering. Otherwise the fragment again, which stops polling once the conversation ends."""
    conversation = conversation_get(request.user, pk, page=False)
    after = request.GET.get("after", "")
    if (
        after.isascii()
        and after.isdigit()
        and conversation.ended_at is None
        and not conversation.messages.filter(id__gt=int(after)).exists()
    ):
        return HttpResponse(status=204)
    context = {"conversation": conversation, "messages_list": transcript(conversation)}
    return render(request, "workspace/conversation_detail.html#transcript", context)
