"""Agent Workspace views. The two pages live here (the conversation list, and the conversation
page or one of its fragments); the widget's actions in ``outcomes`` and ``surveys``, close and
transfer in ``conversations``."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from workspace.forms.conversation_list import ConversationFilterForm
from workspace.selectors.access import WORK, conversation_access
from workspace.selectors.inbox import conversations_for_agent
from workspace.views.rendering import PARTIALS, close_status, render_conversation


@require_GET
@vary_on_headers("HX-Request")
@permission_required(WORK, raise_exception=True)
def conversation_list(request: HttpRequest) -> HttpResponse:
    """The agent's conversations, searched, filtered and paged by the query string; htmx gets
    the results fragment, a plain request the page (the same URL either way)."""
    form, now = ConversationFilterForm(request.GET), timezone.now()
    listing = conversations_for_agent(
        request.user, now=now, page=request.GET.get("page"), **form.filters()
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"nav_section": "workspace", "form": form, "query": query.urlencode()}
    context.update(page=listing.page, counts=listing.counts, now=now)
    template = "workspace/conversation_list.html"
    if request.htmx:
        template += "#conversation-results"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page, or the fragment htmx names (HX-Target). ``?close=blocked`` or
    ``?close=confirm`` is where a Close without JavaScript lands: the page says, as it stands
    now, what the Close waits for."""
    target = request.htmx.target if request.htmx else None
    fragment = target if target in PARTIALS else None
    access = conversation_access(request.user, pk, page=fragment is None)
    now = timezone.now()
    close = close_status(access, now=now) if request.GET.get("close") and not fragment else None
    return render_conversation(request, access, now=now, fragment=fragment, close=close)
