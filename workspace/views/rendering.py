"""One way to answer for the conversation page: the whole page, or (for htmx) only the fragment
that changed, with the same template and context. Not views: helpers the views share."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from campaigns.catalogue import AttributeType
from workspace.forms.conversations import TransferForm
from workspace.models import EngagementAttributeEvent
from workspace.selectors.access import ConversationAccess, conversation_access
from workspace.selectors.conversations import transcript
from workspace.selectors.customer_reported import customer_events_for
from workspace.selectors.summary import Summary, conversation_summary
from workspace.services.conversations import close_blockers, required_survey_unanswered
from workspace.services.outcomes import ActionRefused, StaleVersion
from workspace.services.surveys import StaleSurvey
from workspace.views.widget_forms import forms_attach

DETAIL = "workspace/conversation_detail.html"
OUTCOME_TYPE = "workspace/_summary_outcomes.html#outcome-type"
OUTCOME_ADDED = "workspace/_summary_outcomes.html#outcome-added"
PARTIALS = ("summary-outcomes", "summary-survey")  # the transcript polls its own view
TYPE_PREFIX = "outcome-type-"
# What each widget fragment reads.
FRAGMENT_PARTS = {"summary-outcomes": ("outcomes",), "summary-survey": ("survey",)}
# What a service may refuse with after the form was valid: 404, 403 or a 409 conflict.
REFUSALS = (ActionRefused, StaleVersion, StaleSurvey)


@dataclass(frozen=True)
class MissingOutcome:
    """A required outcome a Close waits for, linked to its place in the widget."""

    label: str
    dom_id: str


def acting_access(request: HttpRequest, pk: int) -> ConversationAccess:
    """The assigned agent or a manager may post; a former agent reads only (403)."""
    access = conversation_access(request.user, pk)
    if not access.may_report:
        raise PermissionDenied
    return access


def render_conversation(
    request: HttpRequest,
    access: ConversationAccess,
    *,
    now: datetime,
    fragment: str | None = None,
    bound: Form | None = None,
    status: int = 200,
    alert: tuple[str, str] | None = None,
    close: dict[str, Any] | None = None,
    added: EngagementAttributeEvent | None = None,
) -> HttpResponse:
    """The page, or with htmx the ``fragment`` only. ``bound`` is a form with what the person
    typed (kept on errors); ``alert`` is ``(level, message)`` shown in that fragment. ``added``
    (an outcome just reported, in its type's fragment): see ``_added``."""
    conversation = access.conversation
    fragment = fragment if request.htmx else None
    one_type = fragment is not None and fragment.startswith(TYPE_PREFIX)
    # The page carries everything, for people without JavaScript too. A fragment leaves each
    # outcome's history and correction forms to be loaded when opened (outcome_part).
    summary = conversation_summary(
        request.user,
        conversation,
        now=now,
        parts=("outcomes",) if one_type else FRAGMENT_PARTS.get(fragment, ("outcomes", "survey")),
        history=not fragment,
        role=access.role,
        only=fragment.removeprefix(TYPE_PREFIX) if one_type else None,
    )
    forms_attach(summary, bound=bound, item_forms=not fragment)
    context: dict[str, Any] = {
        "conversation": conversation,
        "summary": summary,
        "alert": alert,
        "alert_for": fragment,
    }
    if one_type:
        sections = [s for s in summary.sections if s.dom_id == fragment]
        if not sections:  # no longer offered and nothing reported: the type goes away
            return HttpResponse(status=status)
        context["section"] = sections[0]
        if added is not None and len(sections[0].live_items) > 1:
            return _added(request, context, added)
        return render(request, OUTCOME_TYPE, context, status=status)
    if fragment:
        return render(request, f"{DETAIL}#{fragment}", context, status=status)
    context.update(_page_context(request, access, bound, close or {}))
    return render(request, DETAIL, context, status=status)


def _added(request: HttpRequest, context: dict[str, Any], event) -> HttpResponse:
    """A later outcome of a type that already shows a live one changes nothing else of the
    type: the answer is a fresh form with the alert, in place of the one that was sent, and the
    new outcome added to the end of the list (out of band). The first outcome of a type redraws
    it, since its layout changes (the list appears, "No outcome" and the requirement go)."""
    section = context["section"]
    context["item"] = next(item for item in section.items if item.event.pk == event.pk)
    context["alert_for"] = "outcome-added"
    response = render(request, OUTCOME_ADDED, context)
    return reswap(retarget(response, f"#outcome-add-{section.attribute_type}"), "outerHTML")


def _page_context(request, access: ConversationAccess, bound, close: dict[str, Any]) -> dict:
    conversation = access.conversation
    transfer = bound if isinstance(bound, TransferForm) else TransferForm(conversation=conversation)
    return {
        # Managers reach a conversation from the reports; agents from their workspace.
        "nav_section": "workspace"
        if request.user.has_perm("campaigns.work_conversations")
        else "reports",
        "messages_list": transcript(conversation),
        "customer_events": customer_events_for(conversation),
        "may_close": access.may_close,
        "transfer_form": transfer if access.may_close else None,
        **close,
    }


def close_status(access: ConversationAccess, *, now: datetime) -> dict[str, Any]:
    """What a Close would wait for now (the page a refused Close without JavaScript lands on)."""
    if not access.may_close:
        return {}
    missing = close_blockers(access.conversation).missing_outcomes
    if missing:
        return {"close_missing": missing_outcomes(missing)}
    return {"confirm_close": required_survey_unanswered(access.conversation, now=now)}


def missing_outcomes(attribute_types: list[str]) -> list[MissingOutcome]:
    return [
        MissingOutcome(str(AttributeType(t).label), f"{TYPE_PREFIX}{t}") for t in attribute_types
    ]


def saved_response(
    request: HttpRequest,
    access: ConversationAccess,
    *,
    now: datetime,
    fragment: str,
    message: str = "",
    added: EngagementAttributeEvent | None = None,
) -> HttpResponse:
    """After a save: htmx swaps the fresh fragment in (saying so itself, a status the focus
    moves to), or for ``added`` (a new outcome) maybe less (``_added``); a plain post
    redirects to the page (post, redirect, get)."""
    message = message or _("Saved.")
    if request.htmx:
        alert = ("success", message)
        return render_conversation(
            request, access, now=now, fragment=fragment, alert=alert, added=added
        )
    messages.success(request, message)
    url = reverse("workspace:conversation-detail", args=[access.conversation.pk])
    return redirect(f"{url}#{fragment}")


def refused_response(
    request: HttpRequest,
    access: ConversationAccess,
    *,
    now: datetime,
    fragment: str,
    refused: Exception,
) -> HttpResponse:
    """404 and 403 for what is not theirs; else a 409 with a message and the current values."""
    if isinstance(refused, ActionRefused):
        if refused.code == ActionRefused.NOT_FOUND:
            raise Http404 from refused
        if refused.code == ActionRefused.FORBIDDEN:
            raise PermissionDenied(refused.message) from refused
        alert = ("error", refused.message + " " + _("Nothing was saved."))
    else:
        alert = (
            "error",
            _(
                "Someone else changed this while you were editing. The current values are shown "
                "below; your changes were not saved."
            ),
        )
    return render_conversation(request, access, now=now, fragment=fragment, status=409, alert=alert)


def summary_for(
    request: HttpRequest, access: ConversationAccess, *, now: datetime, **kwargs
) -> Summary:
    return conversation_summary(
        request.user, access.conversation, now=now, role=access.role, **kwargs
    )
