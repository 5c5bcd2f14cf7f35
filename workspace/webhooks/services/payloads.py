"""What each event says: ``{"type", "timestamp", "data"}`` as the Standard Webhooks
specification suggests, ``data`` holding the event's provenance, the conversation with its ids
on the chat platforms, and the visitor. docs/integrations.md shows one of each."""

from datetime import datetime
from typing import Any

from django.apps import apps

from campaigns.models import AuditEntry
from workspace.models import Conversation, EngagementAttributeEvent, EventRevision, SurveyResponse
from workspace.webhooks.models import EventType, OutboxMessage

REVISION_TYPES = {
    EventRevision.Kind.CREATE: EventType.OUTCOME_REPORTED,
    EventRevision.Kind.CORRECT: EventType.OUTCOME_CORRECTED,
    EventRevision.Kind.AMEND: EventType.OUTCOME_AMENDED,
    EventRevision.Kind.RETRACT: EventType.OUTCOME_RETRACTED,
}


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _person(user) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.display_name}


def external_ids_by_conversation(conversation_ids) -> dict[int, list[dict[str, str]]]:
    """Each conversation's ids on the chat platforms that fed it (platform, account, id), in
    one query for them all."""
    found: dict[int, list[dict[str, str]]] = {pk: [] for pk in conversation_ids if pk}
    if not found or not apps.is_installed("workspace.platforms"):
        return found
    external_ref = apps.get_model("platforms", "ExternalRef")
    refs = external_ref.objects.filter(
        conversation_id__in=list(found), kind="conversation"
    ).select_related("account")
    for r in refs.order_by("pk"):
        found[r.conversation_id].append(
            {"platform": r.account.platform, "account": r.account.account_ref, "id": r.external_id}
        )
    return found


def _conversation(conversation: Conversation | None, external_ids=None) -> dict | None:
    if conversation is None:
        return None
    if external_ids is None:
        external_ids = external_ids_by_conversation([conversation.pk])
    return {
        "id": conversation.external_id,
        "externalIds": external_ids.get(conversation.pk, []),
        "channel": conversation.channel,
        "startedAt": _time(conversation.started_at),
        "endedAt": _time(conversation.ended_at),
    }


def envelope(event_type: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": event_type, "timestamp": _time(at), "data": data}


def attribute_received_payload(
    event: EngagementAttributeEvent, *, at: datetime, external_ids=None
) -> dict:
    """A customer-reported engagement attribute as stored (``payload``: the SDE as sent)."""
    data = {
        "engagementAttribute": {
            "id": event.pk,
            "type": event.attribute_type,
            "version": event.version,
            "sde": event.payload,
        },
        "provenance": {
            "source": event.source,
            "connector": event.connector.name if event.connector_id else None,
            "reportedAt": _time(event.occurred_at),
            "receivedAt": _time(event.received_at),
        },
        "conversation": _conversation(event.conversation, external_ids),
        "visitor": {"id": event.visitor.external_id},
    }
    return envelope(EventType.ATTRIBUTE_RECEIVED, at, data)


REVISION_RELATED = (
    "changed_by",
    "event__conversation__visitor",
    "event__reported_by",
    "event__agent",
    "event__skill",
)


def _outcome_payload(message: OutboxMessage, revision=None, external_ids=None) -> dict:
    if revision is None:
        revision = EventRevision.objects.select_related(*REVISION_RELATED).get(
            pk=message.revision_id
        )
    event = revision.event
    data = {
        "outcome": {
            "id": event.pk,
            "type": event.attribute_type,
            "version": revision.version,
            "values": revision.after,
            "previousValues": revision.before,
            "reason": revision.reason,
        },
        "provenance": {
            "source": event.source,
            "reportedBy": _person(event.reported_by),
            "changedBy": _person(revision.changed_by),
            "changedAt": _time(revision.changed_at),
            "creditedAgent": _person(event.agent),
            "skill": event.skill.name if event.skill else None,
        },
        "conversation": _conversation(event.conversation, external_ids),
        "visitor": {"id": event.conversation.visitor.external_id},
    }
    return envelope(message.event_type, message.created_at, data)


def _answer(answer) -> Any:
    if answer.option_id:
        return answer.option.label
    if answer.value_number is not None:
        return str(answer.value_number)
    if answer.value_date is not None:
        return answer.value_date.isoformat()
    return answer.value_text


def _survey_payload(message: OutboxMessage) -> dict:
    response = SurveyResponse.objects.select_related(
        "survey", "submitted_by", "agent", "conversation__visitor"
    ).get(pk=message.survey_response_id)
    answers = response.answers.select_related("question", "option")
    data = {
        "survey": {"id": response.survey_id, "name": response.survey.name},
        "answers": [
            {"questionId": a.question_id, "question": a.question.text, "answer": _answer(a)}
            for a in answers
        ],
        "provenance": {
            "source": "manager" if response.on_behalf else "agent_survey",
            "submittedBy": _person(response.submitted_by),
            "agent": _person(response.agent),
            "submittedAt": _time(response.submitted_at),
            "reason": response.reason,
        },
        "conversation": _conversation(response.conversation),
        "visitor": {"id": response.conversation.visitor.external_id},
    }
    return envelope(message.event_type, message.created_at, data)


def _closed_payload(message: OutboxMessage) -> dict:
    conversation = Conversation.objects.select_related("visitor", "agent", "skill").get(
        pk=message.conversation_id
    )
    closing = (
        AuditEntry.objects.filter(
            action="conversation.close",
            object_type="workspace.Conversation",
            object_id=str(conversation.pk),
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    data = {
        "provenance": {
            "closedBy": _person(closing.actor) if closing else None,
            "way": (closing.after or {}).get("way") if closing else None,
            "agent": _person(conversation.agent),
            "skill": conversation.skill.name if conversation.skill else None,
        },
        "conversation": _conversation(conversation),
        "visitor": {"id": conversation.visitor.external_id},
    }
    return envelope(message.event_type, message.created_at, data)


def payload_for(message: OutboxMessage) -> dict:
    """The message's payload: kept since the write, or built now from rows that no longer change
    (a revision, a survey response and its answers, a closed conversation)."""
    if message.payload is not None:
        return message.payload
    if message.revision_id is not None:
        return _outcome_payload(message)
    if message.survey_response_id is not None:
        return _survey_payload(message)
    return _closed_payload(message)


def payloads_fill(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Build the payloads the messages lack: the outcome ones from one query for them all (the
    worker sends up to a hundred at a time); returns the messages that were filled."""
    missing = [m for m in messages if m.payload is None]
    revisions = EventRevision.objects.select_related(*REVISION_RELATED).in_bulk(
        [m.revision_id for m in missing if m.revision_id is not None]
    )
    external_ids = external_ids_by_conversation({m.conversation_id for m in missing})
    for message in missing:
        revision = revisions.get(message.revision_id)
        if revision is not None:
            message.payload = _outcome_payload(message, revision, external_ids)
        else:
            message.payload = payload_for(message)
    return missing
