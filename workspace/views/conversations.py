"""Closing and transferring a conversation from the workspace (the assigned agent only). A
refused Close answers in place (htmx) or redirects to the page that says why (no JavaScript):
the address never stays on ``.../close/``, and a GET there leads back to the conversation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from workspace.forms.conversations import CloseForm, TransferForm
from workspace.selectors.access import ConversationAccess, conversation_access
from workspace.services.conversations import (
    CloseBlocked,
    SurveyConfirmationNeeded,
    conversation_close,
    conversation_transfer,
)
from workspace.views.rendering import DETAIL, missing_outcomes, render_conversation


def _closing_access(request: HttpRequest, pk: int) -> ConversationAccess:
    access = conversation_access(request.user, pk, page=not request.htmx)
    if not access.may_close:
        raise PermissionDenied
    return access


def _to_conversation(request: HttpRequest, pk: int, query: str = "") -> HttpResponse:
    url = reverse("workspace:conversation-detail", args=[pk]) + query
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_http_methods(["GET", "POST"])
def conversation_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":  # a reload, a bookmark or Back: the conversation itself
        return redirect("workspace:conversation-detail", pk=pk)
    access, now = _closing_access(request, pk), timezone.now()
    form = CloseForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm"]
    try:
        conversation_close(
            conversation=access.conversation,
            actor=request.user,
            at=now,
            confirm_missing_survey=confirm,
        )
    except CloseBlocked as blocked:
        if not request.htmx:
            return _to_conversation(request, pk, "?close=blocked#close-status")
        context = {
            "conversation": access.conversation,
            "close_missing": missing_outcomes(blocked.missing),
        }
        return render(request, f"{DETAIL}#close-status", context, status=422)
    except SurveyConfirmationNeeded:
        if not request.htmx:
            return _to_conversation(request, pk, "?close=confirm#close-status")
        context = {"conversation": access.conversation, "confirm_close": True}
        return render(request, f"{DETAIL}#close-status", context)
    messages.success(request, _("Conversation closed."))
    return _to_conversation(request, pk)


@require_http_methods(["GET", "POST"])
def conversation_transfer_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return redirect("workspace:conversation-detail", pk=pk)
    access, now = _closing_access(request, pk), timezone.now()
    form = TransferForm(request.POST, conversation=access.conversation)
    if not form.is_valid():
        return render_conversation(request, access, now=now, bound=form, status=422)
    conversation_transfer(
        conversation=access.conversation,
        actor=request.user,
        at=now,
        agent=form.cleaned_data["agent"],
        skill=form.cleaned_data["skill"],
    )
    messages.success(request, _("Conversation transferred."))
    return redirect("workspace:conversation-detail", pk=pk)
