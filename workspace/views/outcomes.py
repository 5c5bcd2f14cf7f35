"""The Conversation outcomes section's actions. Each answers with the fresh section for htmx,
or a redirect to the page without JavaScript; errors 422, conflicts 409 (rendering.py)."""

from django.core.exceptions import PermissionDenied
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
from workspace.selectors.access import ActorRole, skill_ids_for
from workspace.selectors.conversations import conversation_get
from workspace.selectors.summary import conversation_summary, outcome_item
from workspace.services.outcomes import (
    no_outcome_choose,
    outcome_amend,
    outcome_correct,
    outcome_retract,
    outcome_submit,
)
from workspace.views.rendering import acting_role, save_or_render
from workspace.views.widget_forms import item_forms_attach

PARTIAL = "summary-outcomes"
ITEM_PARTS = ("correct", "retract", "history")


def _config_or_404(conversation: Conversation, attribute_type: str) -> AttributeConfig:
    for config in enabled_attribute_configs(skill_ids_for(conversation)):
        if config.attribute_type == attribute_type:
            return config
    raise Http404


def _outcome_form(request, conversation, config, prefix: str) -> tuple[OutcomeForm, bool]:
    on_behalf = acting_role(request, conversation) == ActorRole.MANAGER
    form = OutcomeForm(
        request.POST,
        prefix=prefix,
        fields=list(config.fields.all()),
        attribute_type=config.attribute_type,
        default_currency=AccountSettings.load().default_currency,
        needs_reason=on_behalf,
    )
    return form, on_behalf


@require_POST
def outcome_create(request: HttpRequest, pk: int, attribute_type: str) -> HttpResponse:
    conversation, now = conversation_get(request.user, pk, page=False), timezone.now()
    config = _config_or_404(conversation, attribute_type)
    form, _on_behalf = _outcome_form(request, conversation, config, f"add-{attribute_type}")

    def save():
        return outcome_submit(
            conversation=conversation,
            attribute_type=attribute_type,
            values=form.values(),
            currency=form.currency,
            actor=request.user,
            token=form.cleaned_data["token"],
            reason=form.cleaned_data.get("reason", ""),
            now=now,
        )

    key = ("add", attribute_type)
    return save_or_render(
        request, conversation, now=now, partial=PARTIAL, key=key, form=form, save=save
    )


@require_POST
def outcome_update(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    conversation, now = conversation_get(request.user, pk, page=False), timezone.now()
    event = get_object_or_404(EngagementAttributeEvent, pk=event_pk, conversation=conversation)
    config = _config_or_404(conversation, event.attribute_type)
    form, on_behalf = _outcome_form(request, conversation, config, f"edit-{event.pk}")

    def save():
        return (outcome_amend if on_behalf else outcome_correct)(
            event=event,
            values=form.values(),
            currency=form.currency,
            version=form.cleaned_data["version"] or 0,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            now=now,
        )

    key = ("edit", event.pk)
    return save_or_render(
        request, conversation, now=now, partial=PARTIAL, key=key, form=form, save=save
    )


@require_POST
def outcome_retract_view(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    conversation, now = conversation_get(request.user, pk, page=False), timezone.now()
    event = get_object_or_404(EngagementAttributeEvent, pk=event_pk, conversation=conversation)
    acting_role(request, conversation)
    form = RetractForm(request.POST, prefix=f"retract-{event.pk}")

    def save():
        return outcome_retract(
            event=event,
            version=form.cleaned_data["version"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            now=now,
        )

    key = ("retract", event.pk)
    return save_or_render(
        request, conversation, now=now, partial=PARTIAL, key=key, form=form, save=save
    )


@require_POST
def no_outcome_create(request: HttpRequest, pk: int, attribute_type: str) -> HttpResponse:
    conversation, now = conversation_get(request.user, pk, page=False), timezone.now()
    on_behalf = acting_role(request, conversation) == ActorRole.MANAGER
    form = ReasonForm(request.POST, needs_reason=on_behalf, prefix=f"none-{attribute_type}")

    def save():
        return no_outcome_choose(
            conversation=conversation,
            attribute_type=attribute_type,
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            now=now,
        )

    key = ("no-outcome", attribute_type)
    return save_or_render(
        request, conversation, now=now, partial=PARTIAL, key=key, form=form, save=save
    )


@require_GET
@vary_on_headers("HX-Request")
def outcome_part(request: HttpRequest, pk: int, event_pk: int, part: str) -> HttpResponse:
    """One outcome's correction (or amendment) form, retraction form or history, which a widget
    fragment loads when its panel is opened. The page shows them all, so without htmx this is
    a redirect there."""
    if part not in ITEM_PARTS:
        raise Http404
    conversation = conversation_get(request.user, pk, page=False)
    if not request.htmx:
        url = reverse("workspace:conversation-detail", args=[conversation.pk])
        return redirect(f"{url}#outcome-{event_pk}")
    with_history = part == "history"
    summary = conversation_summary(
        request.user, conversation, now=timezone.now(), parts=("outcomes",), history=with_history
    )
    try:
        section, item = outcome_item(summary, event_pk)
    except LookupError:
        raise Http404 from None
    if not with_history:
        if not item.can_change:
            raise PermissionDenied
        item_forms_attach(summary, section, item)
    context = {"conversation": conversation, "summary": summary, "section": section, "item": item}
    return render(request, f"workspace/_outcome_item.html#outcome-{part}", context)
