"""Agent-reported outcomes: submit, correct, amend, retract, and the explicit "No outcome".

Every change is a new version of the event with an ``EventRevision`` (who, when, old -> new,
reason) and an audit entry. Event rows are locked (``select_for_update``) and compared with the
version the person saw, so a stale save is refused, never silently applied.
"""

from copy import copy
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from campaigns.models import AccountSettings, AttributeConfig, User
from campaigns.selectors.widget_config import enabled_attribute_configs, required_attribute_types
from campaigns.services.audit import audit_record
from outcomes_site.rows import insert_rows, row_by_key
from workspace.models import (
    AGENT_SOURCES,
    Conversation,
    EngagementAttributeEvent,
    EventRevision,
    EventSource,
    NoOutcome,
)
from workspace.selectors.access import ActorRole, actor_role, outcome_window, skill_ids_for
from workspace.services.credit import credit_completion, credit_event
from workspace.services.events import attribute_activity_touch, typed_columns
from workspace.services.outcome_values import (
    MONEY_KEYS,
    configured_values,
    event_values,
    json_values,
    sde_payload,
)


class ActionRefused(Exception):
    """The actor may not do this (now). Nothing was saved. ``code`` tells the view how to answer:
    ``not_found`` (404: not theirs, not enabled), ``forbidden`` (403: theirs to read only) or
    ``closed`` (409: the window closed or the state changed; show the read-only section)."""

    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CLOSED = "closed"

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class StaleVersion(Exception):
    """Someone changed the event since the person loaded it."""

    def __init__(self, current: EngagementAttributeEvent):
        super().__init__(f"event {current.pk} is at version {current.version}")
        self.current = current


def _enabled_config(conversation: Conversation, attribute_type: str) -> AttributeConfig:
    for config in enabled_attribute_configs(skill_ids_for(conversation)):
        if config.attribute_type == attribute_type:
            return config
    raise ActionRefused(_("That outcome is not reported here."), code=ActionRefused.NOT_FOUND)


def require_reporter(
    actor: User, conversation: Conversation, *, now: datetime, reason: str
) -> ActorRole:
    """The assigned agent inside the outcome window, or a manager with a reason; else refuse."""
    role = actor_role(actor, conversation)
    if role == ActorRole.NONE:
        raise ActionRefused(_("Conversation not found."), code=ActionRefused.NOT_FOUND)
    if role == ActorRole.FORMER:
        raise ActionRefused(
            _("This conversation is no longer assigned to you: it is read-only."),
            code=ActionRefused.FORBIDDEN,
        )
    if role == ActorRole.MANAGER:
        if not reason.strip():
            raise ValidationError(_("Give a reason for acting on behalf of the agent."))
        return role
    window = outcome_window(conversation, account=AccountSettings.load(), now=now)
    if not window.is_open:
        when = date_format(localtime(window.closes_at), "SHORT_DATETIME_FORMAT")
        raise ActionRefused(
            _("Reporting closed at %(when)s.") % {"when": when}, code=ActionRefused.CLOSED
        )
    return role


LOCKED_FIELDS = ("agent_id", "skill_id", "visitor_id", "ended_at", "has_no_outcome")


def _locked_conversation(conversation: Conversation) -> Conversation:
    """The conversation row locked until the transaction ends, with the columns the rules read
    brought up to date (the whole row and its joins were read by the view a moment ago)."""
    current = row_by_key(Conversation, conversation.pk, lock=True)
    if current is None:
        raise ActionRefused(_("Conversation not found."), code=ActionRefused.NOT_FOUND)
    locked = copy(conversation)
    for name in LOCKED_FIELDS:
        setattr(locked, name, getattr(current, name))
    return locked


def outcome_submit(
    *,
    conversation: Conversation,
    attribute_type: str,
    values: dict[str, Any],
    currency: str,
    actor: User,
    token: UUID | None,
    now: datetime,
    reason: str = "",
) -> EngagementAttributeEvent:
    """Report an outcome: as the assigned agent inside the window, or as a manager on behalf.
    ``values`` and ``currency`` are clean (``OutcomeForm``: amounts Decimal, status int, a valid
    currency) and not checked again; only the fields configured for the type are kept.
    A repeated ``token`` (double click, retry) returns the event the first request made: the
    token is unique in the database, so a second insert fails (it waits for the first on the
    conversation's lock) and nothing of it is kept. The first time, that costs no query."""
    try:
        return _outcome_create(
            conversation=conversation,
            attribute_type=attribute_type,
            values=values,
            currency=currency,
            actor=actor,
            token=token,
            now=now,
            reason=reason,
        )
    except IntegrityError:
        if token is None:
            raise
        first = EngagementAttributeEvent.objects.filter(idempotency_token=token).first()
        if first is None:
            raise
        if first.conversation_id != conversation.pk:
            raise ActionRefused(
                _("Conversation not found."), code=ActionRefused.NOT_FOUND
            ) from None
        return first


@transaction.atomic
def _outcome_create(
    *, conversation, attribute_type, values, currency, actor, token, now, reason
) -> EngagementAttributeEvent:
    conversation = _locked_conversation(conversation)
    role = require_reporter(actor, conversation, now=now, reason=reason)
    config = _enabled_config(conversation, attribute_type)
    values = configured_values(config, values, currency)
    event = EngagementAttributeEvent(
        attribute_type=attribute_type,
        source=EventSource.MANAGER if role == ActorRole.MANAGER else EventSource.AGENT_WIDGET,
        conversation=conversation,
        visitor_id=conversation.visitor_id,
        reported_by=actor,
        agent_id=conversation.agent_id,
        skill_id=conversation.skill_id,
        occurred_at=now,
        received_at=now,
        payload=sde_payload(attribute_type, values),
        display_names={f.property_key: f.display_name for f in config.fields.all()},
        idempotency_token=token,
        **typed_columns(attribute_type, values, currency=currency),
    )
    insert_rows([event])
    _revision(event, EventRevision.Kind.CREATE, actor, now, None, values, reason)
    credit_event(event, created=True)
    if conversation.has_no_outcome:  # a reported outcome replaces "No outcome"
        NoOutcome.objects.filter(conversation=conversation, attribute_type=attribute_type).delete()
        conversation.has_no_outcome = conversation.no_outcomes.exists()
        conversation.save(update_fields=["has_no_outcome"])
    attribute_activity_touch({attribute_type}, at=now)
    return event


def _revision(event, kind, actor, now, before, after, reason) -> EventRevision:
    revision = EventRevision(
        event=event,
        version=event.version,
        kind=kind,
        changed_by=actor,
        changed_at=now,
        before=json_values(before) if before is not None else None,
        after=json_values(after) if after is not None else None,
        reason=reason,
    )
    insert_rows([revision], signal=True)
    audit_record(
        actor=actor,
        action=f"outcome.{kind}",
        obj=event,
        at=now,
        before=revision.before,
        after=revision.after,
        reason=reason,
    )
    return revision


def _locked_event(event: EngagementAttributeEvent) -> EngagementAttributeEvent:
    locked = (
        EngagementAttributeEvent.objects.select_for_update(of=("self",))
        .select_related("conversation__skill", "conversation__agent")
        .get(pk=event.pk)
    )
    if locked.source not in AGENT_SOURCES or locked.conversation is None:
        raise ActionRefused(
            _("Customer-reported data cannot be changed here."), code=ActionRefused.FORBIDDEN
        )
    return locked


def _require_editor(
    event: EngagementAttributeEvent, actor: User, *, manager: bool, now: datetime, reason: str
) -> None:
    """Agents change only what they reported, inside the window; managers anything, with a
    reason. A retracted outcome stays as it is."""
    role = require_reporter(actor, event.conversation, now=now, reason=reason)
    if manager != (role == ActorRole.MANAGER):
        raise ActionRefused(_("You may not change this outcome."), code=ActionRefused.FORBIDDEN)
    if role == ActorRole.AGENT and event.reported_by_id != actor.pk:
        raise ActionRefused(
            _("Only the person who reported an outcome may correct it."),
            code=ActionRefused.FORBIDDEN,
        )
    if event.retracted_at is not None:
        raise ActionRefused(_("This outcome was retracted."), code=ActionRefused.CLOSED)


def _outcome_change(
    *, event, values, currency, version, actor, reason, now, kind
) -> EngagementAttributeEvent:
    manager = kind == EventRevision.Kind.AMEND
    event = _locked_event(event)
    _require_editor(event, actor, manager=manager, now=now, reason=reason)
    config = _enabled_config(event.conversation, event.attribute_type)
    before = event_values(event)
    configured = {field.property_key for field in config.fields.all()}
    kept = {k: v for k, v in before.items() if k not in configured and k != "currency"}
    cleaned = configured_values(config, values, currency)
    after = {**kept, **cleaned}
    if MONEY_KEYS.get(event.attribute_type) in kept:
        after["currency"] = before["currency"]  # an amount no longer configured keeps its currency
    currency = after.get("currency", currency)
    if after == before:  # Decimal("130") == Decimal("130.00"): compare values, not text
        return event  # nothing changed, or the same save sent twice: no new version
    if version != event.version:
        raise StaleVersion(event)
    for column, value in typed_columns(event.attribute_type, after, currency=currency).items():
        setattr(event, column, value)
    names = {f.property_key: f.display_name for f in config.fields.all()}
    event.display_names = {**event.display_names, **names}
    event.payload = sde_payload(event.attribute_type, after)
    event.version += 1
    event.save()
    _revision(event, kind, actor, now, before, after, reason)
    credit_event(event)
    return event


@transaction.atomic
def outcome_correct(
    *,
    event: EngagementAttributeEvent,
    values: dict[str, Any],
    currency: str,
    version: int,
    actor: User,
    now: datetime,
    reason: str = "",
) -> EngagementAttributeEvent:
    """The reporting agent corrects their outcome while the window is open. ``values`` are clean,
    as for ``outcome_submit``."""
    return _outcome_change(
        event=event,
        values=values,
        currency=currency,
        version=version,
        actor=actor,
        reason=reason,
        now=now,
        kind=EventRevision.Kind.CORRECT,
    )


@transaction.atomic
def outcome_amend(
    *,
    event: EngagementAttributeEvent,
    values: dict[str, Any],
    currency: str,
    version: int,
    actor: User,
    reason: str,
    now: datetime,
) -> EngagementAttributeEvent:
    """An agent manager (or admin) amends an outcome at any time, with a reason. The credit
    stays with the agent who was assigned when it was reported. ``values`` are clean, as for
    ``outcome_submit``."""
    return _outcome_change(
        event=event,
        values=values,
        currency=currency,
        version=version,
        actor=actor,
        reason=reason,
        now=now,
        kind=EventRevision.Kind.AMEND,
    )


@transaction.atomic
def outcome_retract(
    *, event: EngagementAttributeEvent, version: int, actor: User, reason: str, now: datetime
) -> EngagementAttributeEvent:
    """Withdraw an outcome reported in error. It stays in the history and leaves the reports."""
    if not reason.strip():
        raise ValidationError(_("Say why the outcome is retracted."))
    event = _locked_event(event)
    if event.retracted_at is not None:
        return event  # retracted already (a second click): nothing more to do
    role = actor_role(actor, event.conversation)
    _require_editor(event, actor, manager=role == ActorRole.MANAGER, now=now, reason=reason)
    if version != event.version:
        raise StaleVersion(event)
    before = event_values(event)
    event.retracted_at, event.retract_reason = now, reason
    event.version += 1
    event.save(update_fields=["retracted_at", "retract_reason", "version"])
    _revision(event, EventRevision.Kind.RETRACT, actor, now, before, None, reason)
    credit_event(event)
    return event


@transaction.atomic
def no_outcome_choose(
    *, conversation: Conversation, attribute_type: str, actor: User, now: datetime, reason: str = ""
) -> NoOutcome:
    """Say explicitly that a required outcome did not happen, so the conversation may close.
    ``conversation`` (the caller's copy too) then has ``has_no_outcome`` set."""
    callers_copy, conversation = conversation, _locked_conversation(conversation)
    require_reporter(actor, conversation, now=now, reason=reason)
    if attribute_type not in required_attribute_types(skill_ids_for(conversation)):
        raise ActionRefused(_("That outcome is not required here."), code=ActionRefused.NOT_FOUND)
    reported = EngagementAttributeEvent.objects.filter(
        conversation=conversation,
        attribute_type=attribute_type,
        source__in=AGENT_SOURCES,
        retracted_at__isnull=True,
    )
    if reported.exists():
        raise ActionRefused(_("An outcome is already reported."), code=ActionRefused.CLOSED)
    choice, created = NoOutcome.objects.get_or_create(
        conversation=conversation,
        attribute_type=attribute_type,
        defaults={"chosen_by": actor, "chosen_at": now},
    )
    if created:
        conversation.has_no_outcome = callers_copy.has_no_outcome = True
        conversation.save(update_fields=["has_no_outcome"])
        credit_completion([conversation.pk])  # the completeness report's row
        audit_record(
            actor=actor,
            action="outcome.no_outcome",
            obj=conversation,
            at=now,
            after={"attribute_type": attribute_type},
            reason=reason,
        )
    return choice
