"""Closing and transferring a conversation from the workspace (the assigned agent only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.catalogue import AttributeType
from workspace.forms.conversations import CloseForm, TransferForm
from workspace.selectors.access import ActorRole, actor_role
from workspace.selectors.conversations import conversation_get
from workspace.services.conversations import (
    CloseBlocked,
    SurveyConfirmationNeeded,
    conversation_close,
    conversation_transfer,
)
from workspace.views.rendering import render_conversation


def _assigned_agent_only(request: HttpRequest, pk: int):
    conversation = conversation_get(request.user, pk)
    if actor_role(request.user, conversation) != ActorRole.AGENT or conversation.ended_at:
        raise PermissionDenied
    return conversation


@require_POST
def conversation_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, now = _assigned_agent_only(request, pk), timezone.now()
    form = CloseForm(request.POST)
    confirm = form.is_valid() and form.cleaned_data["confirm"]
    try:
        conversation_close(
            conversation=conversation, actor=request.user, at=now, confirm_missing_survey=confirm
        )
    except CloseBlocked as blocked:
        labels = ", ".join(str(AttributeType(t).label) for t in blocked.missing)
        alert = (
            "error",
            _("Report these outcomes or choose “No outcome” before closing: %s.") % labels,
        )
        return render_conversation(request, conversation, now=now, status=422, alert=alert)
    except SurveyConfirmationNeeded:
        return render_conversation(
            request, conversation, now=now, bound=(("confirm-close", None), form)
        )
    messages.success(request, _("Conversation closed."))
    return redirect("workspace:conversation-detail", pk=conversation.pk)


@require_POST
def conversation_transfer_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, now = _assigned_agent_only(request, pk), timezone.now()
    form = TransferForm(request.POST, conversation=conversation)
    if not form.is_valid():
        bound = (("transfer", None), form)
        return render_conversation(request, conversation, now=now, bound=bound, status=422)
    conversation_transfer(
        conversation=conversation,
        actor=request.user,
        at=now,
        agent=form.cleaned_data["agent"],
        skill=form.cleaned_data["skill"],
    )
    messages.success(request, _("Conversation transferred."))
    return redirect("workspace:conversation-detail", pk=conversation.pk)
