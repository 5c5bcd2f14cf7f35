"""One way to answer for the conversation page: the whole page, or (for htmx) only the fragment
that changed, with the same template and context. Not views: helpers the views share."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from workspace.forms.conversations import CloseForm, TransferForm
from workspace.models import Conversation
from workspace.selectors.access import ActorRole, actor_role
from workspace.selectors.conversations import transcript
from workspace.selectors.customer_reported import customer_events_for
from workspace.selectors.summary import Summary, conversation_summary
from workspace.services.outcomes import ActionRefused, StaleVersion
from workspace.services.surveys import StaleSurvey
from workspace.views.widget_forms import forms_attach

DETAIL = "workspace/conversation_detail.html"
PARTIALS = ("transcript", "summary-outcomes", "summary-survey")
ALL_PARTS = ("outcomes", "survey")
# What each widget fragment reads.
FRAGMENT_PARTS = {
    "summary-outcomes": ("outcomes",),
    "summary-survey": ("survey",),
}
Bound = tuple[tuple[str, Any], Form] | None


def render_conversation(
    request: HttpRequest,
    conversation: Conversation,
    *,
    now: datetime,
    partial: str | None = None,
    bound: Bound = None,
    status: int = 200,
    alert: tuple[str, str] | None = None,
) -> HttpResponse:
    """The page, or with htmx the ``partial`` fragment only. ``bound`` is a form with what the
    person typed (kept on errors); ``alert`` is ``(level, message)`` for that section."""
    fragment = partial if request.htmx else None
    if fragment == "transcript":  # polled every few seconds: the messages and nothing else
        context = {"conversation": conversation, "messages_list": transcript(conversation)}
        return render(request, f"{DETAIL}#transcript", context)
    # The page carries everything, for people without JavaScript too. A fragment leaves each
    # outcome's history and correction forms to be loaded when opened (outcome_part).
    summary = conversation_summary(
        request.user,
        conversation,
        now=now,
        parts=FRAGMENT_PARTS.get(fragment, ALL_PARTS),
        history=not fragment,
    )
    forms_attach(request, summary, bound=bound, item_forms=not fragment)
    context: dict[str, Any] = {
        # Managers reach a conversation from the reports; agents from their workspace.
        "nav_section": "workspace"
        if request.user.has_perm("campaigns.work_conversations")
        else "reports",
        "conversation": conversation,
        "summary": summary,
        "alert": alert,
        "alert_for": partial,
    }
    if fragment:
        return render(request, f"{DETAIL}#{fragment}", context, status=status)
    context.update(_page_context(request, conversation, summary, bound))
    return render(request, DETAIL, context, status=status)


def _page_context(request, conversation: Conversation, summary: Summary, bound: Bound) -> dict:
    key, form = bound if bound else ((None, None), None)
    may_act = summary.role == ActorRole.AGENT and conversation.ended_at is None
    return {
        "messages_list": transcript(conversation),
        "customer_events": customer_events_for(conversation),
        "may_close": may_act,
        "close_form": form if key[0] == "close" else CloseForm(),
        "confirm_close": key[0] == "confirm-close",
        "transfer_form": (form if key[0] == "transfer" else TransferForm(conversation=conversation))
        if may_act
        else None,
    }


def acting_role(request: HttpRequest, conversation: Conversation) -> ActorRole:
    """The assigned agent or a manager may post; a former agent reads only (403)."""
    role = actor_role(request.user, conversation)
    if role not in (ActorRole.AGENT, ActorRole.MANAGER):
        raise PermissionDenied
    return role


def section_done(request: HttpRequest, conversation: Conversation, *, now, partial: str):
    """After a save: htmx swaps the fresh section in; a plain post redirects to the page."""
    if request.htmx:
        # The section says so itself (a status the focus moves to), as the page would.
        alert = ("success", _("Saved."))
        return render_conversation(request, conversation, now=now, partial=partial, alert=alert)
    messages.success(request, _("Saved."))
    url = reverse("workspace:conversation-detail", args=[conversation.pk])
    return redirect(f"{url}#{partial}")


def save_or_render(
    request: HttpRequest,
    conversation: Conversation,
    *,
    now: datetime,
    partial: str,
    key: tuple[str, Any],
    form: Form,
    save: Callable[[], Any],
) -> HttpResponse:
    """Validate ``form``, run ``save`` (a service call), and answer: the fresh section, 422 with
    the typed values and errors, 409 with a message and current values, or 404/403."""
    if form.is_valid():
        try:
            save()
        except ValidationError as error:
            form.add_error(None, error)
        except (ActionRefused, StaleVersion, StaleSurvey) as refused:
            alert = _refusal_alert(refused)
            return render_conversation(
                request, conversation, now=now, partial=partial, status=409, alert=alert
            )
        else:
            return section_done(request, conversation, now=now, partial=partial)
    return render_conversation(
        request, conversation, now=now, partial=partial, bound=(key, form), status=422
    )


def _refusal_alert(refused: Exception) -> tuple[str, str]:
    """404 and 403 for what is not theirs; else the message for a 409 with current values."""
    if isinstance(refused, ActionRefused):
        if refused.code == ActionRefused.NOT_FOUND:
            raise Http404 from refused
        if refused.code == ActionRefused.FORBIDDEN:
            raise PermissionDenied(refused.message) from refused
        return ("error", refused.message + " " + _("Nothing was saved."))
    message = _(
        "Someone else changed this while you were editing. The current values are shown "
        "below; your changes were not saved."
    )
    return ("error", message)
