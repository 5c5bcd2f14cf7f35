"""The Conversation outcomes section's actions. Each validates with its form, calls one service
and answers with the fragment it changed (htmx) or a redirect to the page (no JavaScript);
errors 422, conflicts 409 (rendering.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from campaigns.models import AccountSettings, AttributeConfig
from campaigns.selectors.widget_config import enabled_attribute_configs
from workspace.forms.outcomes import OutcomeForm, ReasonForm, RetractForm
from workspace.models import Conversation, EngagementAttributeEvent
from workspace.selectors.access import ConversationAccess, conversation_access, skill_ids_for
from workspace.selectors.summary import outcome_item
from workspace.services.outcomes import (
    no_outcome_choose,
    outcome_amend,
    outcome_correct,
    outcome_retract,
    outcome_submit,
)
from workspace.views.rendering import (
    REFUSALS,
    TYPE_PREFIX,
    acting_access,
    refused_response,
    render_conversation,
    saved_response,
    summary_for,
)
from workspace.views.widget_forms import item_forms_attach

ITEM_PARTS = ("correct", "retract", "history")


def _config_or_404(conversation: Conversation, attribute_type: str) -> AttributeConfig:
    for config in enabled_attribute_configs(skill_ids_for(conversation)):
        if config.attribute_type == attribute_type:
            return config
    raise Http404


def _fragment(request: HttpRequest, attribute_type: str) -> str:
    """What a post redraws: its type's fragment (which the widget's forms target), or the whole
    section when that is what the request names (HX-Target)."""
    if request.htmx and request.htmx.target == "summary-outcomes":
        return "summary-outcomes"
    return f"{TYPE_PREFIX}{attribute_type}"


def _outcome_form(request, access: ConversationAccess, config, prefix: str) -> OutcomeForm:
    return OutcomeForm(
        request.POST,
        prefix=prefix,
        fields=list(config.fields.all()),
        attribute_type=config.attribute_type,
        default_currency=AccountSettings.load().default_currency,
        needs_reason=access.on_behalf,
        number_format=request.user.number_format,
    )


def _event_or_404(access: ConversationAccess, event_pk: int) -> EngagementAttributeEvent:
    return get_object_or_404(
        EngagementAttributeEvent, pk=event_pk, conversation=access.conversation
    )


@require_POST
def outcome_create(request: HttpRequest, pk: int, attribute_type: str) -> HttpResponse:
    access, now = acting_access(request, pk), timezone.now()
    config = _config_or_404(access.conversation, attribute_type)
    form = _outcome_form(request, access, config, f"add-{attribute_type}")
    fragment = _fragment(request, attribute_type)
    if form.is_valid():
        try:
            event = outcome_submit(
                conversation=access.conversation,
                attribute_type=attribute_type,
                values=form.values(),
                currency=form.currency,
                actor=request.user,
                token=form.cleaned_data["token"],
                reason=form.cleaned_data.get("reason", ""),
                now=now,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except REFUSALS as refused:
            return refused_response(request, access, now=now, fragment=fragment, refused=refused)
        else:
            # A repeated token answers with the first request's outcome, shown already.
            added = event if event.received_at == now else None
            return saved_response(request, access, now=now, fragment=fragment, added=added)
    return render_conversation(request, access, now=now, fragment=fragment, bound=form, status=422)


@require_POST
def outcome_update(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    access, now = acting_access(request, pk), timezone.now()
    event = _event_or_404(access, event_pk)
    config = _config_or_404(access.conversation, event.attribute_type)
    form = _outcome_form(request, access, config, f"edit-{event.pk}")
    fragment = _fragment(request, event.attribute_type)
    change = outcome_amend if access.on_behalf else outcome_correct
    if form.is_valid():
        try:
            change(
                event=event,
                values=form.values(),
                currency=form.currency,
                version=form.cleaned_data["version"] or 0,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                now=now,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except REFUSALS as refused:
            return refused_response(request, access, now=now, fragment=fragment, refused=refused)
        else:
            return saved_response(request, access, now=now, fragment=fragment)
    return render_conversation(request, access, now=now, fragment=fragment, bound=form, status=422)


@require_POST
def outcome_retract_view(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    access, now = acting_access(request, pk), timezone.now()
    event = _event_or_404(access, event_pk)
    form = RetractForm(request.POST, prefix=f"retract-{event.pk}")
    fragment = _fragment(request, event.attribute_type)
    if form.is_valid():
        try:
            outcome_retract(
                event=event,
                version=form.cleaned_data["version"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                now=now,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except REFUSALS as refused:
            return refused_response(request, access, now=now, fragment=fragment, refused=refused)
        else:
            return saved_response(request, access, now=now, fragment=fragment)
    return render_conversation(request, access, now=now, fragment=fragment, bound=form, status=422)


@require_POST
def no_outcome_create(request: HttpRequest, pk: int, attribute_type: str) -> HttpResponse:
    access, now = acting_access(request, pk), timezone.now()
    form = ReasonForm(request.POST, needs_reason=access.on_behalf, prefix=f"none-{attribute_type}")
    fragment = _fragment(request, attribute_type)
    if form.is_valid():
        try:
            no_outcome_choose(
                conversation=access.conversation,
                attribute_type=attribute_type,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                now=now,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except REFUSALS as refused:
            return refused_response(request, access, now=now, fragment=fragment, refused=refused)
        else:
            return saved_response(request, access, now=now, fragment=fragment)
    return render_conversation(request, access, now=now, fragment=fragment, bound=form, status=422)


@require_GET
@vary_on_headers("HX-Request")
def outcome_part(request: HttpRequest, pk: int, event_pk: int, part: str) -> HttpResponse:
    """One outcome's correction (or amendment) form, retraction form or history, which a widget
    fragment loads when its panel is opened. The page shows them all, so without htmx this is
    a redirect there."""
    if part not in ITEM_PARTS:
        raise Http404
    access = conversation_access(request.user, pk)
    if not request.htmx:
        url = reverse("workspace:conversation-detail", args=[pk])
        return redirect(f"{url}#outcome-{event_pk}")
    history = part == "history"
    summary = summary_for(request, access, now=timezone.now(), parts=("outcomes",), history=history)
    try:
        section, item = outcome_item(summary, event_pk)
    except LookupError:
        raise Http404 from None
    if not history:
        if not item.can_change:
            raise PermissionDenied
        item_forms_attach(summary, section, item)
    context = {
        "conversation": access.conversation,
        "summary": summary,
        "section": section,
        "item": item,
    }
    return render(request, f"workspace/_outcome_item.html#outcome-{part}", context)
