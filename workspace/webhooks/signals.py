"""Model signals that queue webhook events in the writer's own transaction, so the services
that write outcomes, surveys and closes need not know about webhooks. Customer-reported events
are stored in bulk (no signals): the ingest service calls ``outbox_attributes_received``."""

from django.db.models.signals import post_save

from workspace.models import AGENT_SOURCES, Conversation, EventRevision, SurveyResponse
from workspace.webhooks.models import EventType
from workspace.webhooks.services.outbox import outbox_write
from workspace.webhooks.services.payloads import REVISION_TYPES


def revision_saved(sender, instance: EventRevision, created: bool, **kwargs) -> None:
    event = instance.event
    if not created or kwargs.get("raw") or event.source not in AGENT_SOURCES:
        return
    outbox_write(
        event_type=REVISION_TYPES[instance.kind],
        at=instance.changed_at,
        conversation_id=event.conversation_id,
        visitor_id=event.visitor_id,
        revision=instance,
        event_id=event.pk,
    )


def survey_response_saved(sender, instance: SurveyResponse, created: bool, **kwargs) -> None:
    if not created or kwargs.get("raw") or instance.status != SurveyResponse.Status.SUBMITTED:
        return
    outbox_write(
        event_type=EventType.SURVEY_SUBMITTED,
        at=instance.submitted_at,
        conversation_id=instance.conversation_id,
        visitor_id=instance.conversation.visitor_id,
        survey_response=instance,
    )


def conversation_saved(sender, instance: Conversation, created: bool, **kwargs) -> None:
    # Every close goes through conversations.conversation_close, which saves ``ended_at`` alone
    # with the survey flag: that save, and only that one, is the close.
    update_fields = kwargs.get("update_fields") or ()
    if "ended_at" not in update_fields or instance.ended_at is None or kwargs.get("raw"):
        return
    outbox_write(
        event_type=EventType.CONVERSATION_CLOSED,
        at=instance.ended_at,
        conversation_id=instance.pk,
        visitor_id=instance.visitor_id,
    )


def connect_signals() -> None:
    post_save.connect(revision_saved, sender=EventRevision, dispatch_uid="webhooks-revision")
    post_save.connect(survey_response_saved, sender=SurveyResponse, dispatch_uid="webhooks-survey")
    post_save.connect(conversation_saved, sender=Conversation, dispatch_uid="webhooks-close")
