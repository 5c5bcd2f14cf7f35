"""Conversation lifecycle: messages, transfer and close. Closing goes through one rule
(``close_blockers``) whichever way a conversation ends: the close button, the conversations
API's ``endTime``, or a time-out."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.models import AttributeConfig, Skill, User
from campaigns.selectors.widget_config import required_attribute_types
from campaigns.services.audit import audit_record
from workspace.models import (
    AGENT_SOURCES,
    Conversation,
    EngagementAttributeEvent,
    Message,
    NoOutcome,
    Segment,
)
from workspace.selectors.access import skill_ids_for, survey_window
from workspace.selectors.survey import (
    survey_for_conversation,
    survey_is_pending,
    survey_responses,
)
from workspace.services.credit import credit_conversations
from workspace.services.privacy import card_numbers_mask


class CloseWay:
    AGENT = "agent"
    API = "api"
    TIMEOUT = "timeout"


class SurveyConfirmationNeeded(Exception):
    """Raised when the agent closes with required survey questions unanswered and has not yet
    confirmed that this is what they want."""


class CloseBlocked(Exception):
    """Raised when the agent tries to close with required outcomes neither reported nor declined."""

    def __init__(self, missing: list[str]):
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class CloseCheck:
    missing_outcomes: list[str]


def required_configs_for(conversation: Conversation) -> list[AttributeConfig]:
    """Attribute configs switched on with **Required before close** for this conversation's skill
    (or, without a skill, for any of the assigned agent's skills)."""
    types = required_attribute_types(skill_ids_for(conversation))
    return list(AttributeConfig.objects.filter(attribute_type__in=types))


def close_blockers(conversation: Conversation) -> CloseCheck:
    """The one rule: which required outcomes are neither reported nor explicitly declined."""
    required = required_attribute_types(skill_ids_for(conversation))
    if not required:
        return CloseCheck(missing_outcomes=[])
    reported = set(
        EngagementAttributeEvent.objects.filter(
            conversation=conversation,
            attribute_type__in=required,
            source__in=AGENT_SOURCES,
            retracted_at__isnull=True,
        ).values_list("attribute_type", flat=True)
    )
    declined = set(
        NoOutcome.objects.filter(
            conversation=conversation, attribute_type__in=required
        ).values_list("attribute_type", flat=True)
    )
    return CloseCheck(missing_outcomes=sorted(required - reported - declined))


def required_survey_unanswered(conversation: Conversation, *, now: datetime) -> bool:
    """The survey that applies has required questions and nobody has answered it yet."""
    survey = survey_for_conversation(conversation)
    if survey is None:
        return False
    window = survey_window(conversation, survey=survey, now=now)
    return survey_is_pending(survey, survey_responses(conversation, survey), window)


@transaction.atomic
def conversation_close(
    *,
    conversation: Conversation,
    actor: User | None,
    at: datetime,
    way: str = CloseWay.AGENT,
    confirm_missing_survey: bool = False,
) -> Conversation:
    """End a conversation. An agent is refused while required outcomes are missing, and asked
    to confirm (``confirm_missing_survey``) when required survey questions are unanswered; the
    API and time-outs end it anyway (the customer has gone), and the missing outcomes stay
    pending until the agent window passes, after which they count as "No outcome: not
    reported"."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.ended_at is not None:
        return conversation
    check = close_blockers(conversation)
    if way == CloseWay.AGENT and check.missing_outcomes:
        raise CloseBlocked(check.missing_outcomes)
    survey_missing = way == CloseWay.AGENT and required_survey_unanswered(conversation, now=at)
    if survey_missing and not confirm_missing_survey:
        raise SurveyConfirmationNeeded
    conversation.ended_at = at
    conversation.survey_acknowledged_missing = survey_missing
    conversation.save(update_fields=["ended_at", "survey_acknowledged_missing"])
    reason = Segment.EndReason.TIMEOUT if way == CloseWay.TIMEOUT else Segment.EndReason.CLOSE
    Segment.objects.filter(conversation=conversation, ended_at__isnull=True).update(
        ended_at=at, end_reason=reason
    )
    credit_conversations([conversation.pk])
    audit_record(
        actor=actor,
        action="conversation.close",
        obj=conversation,
        at=at,
        after={"way": way, "missing_outcomes": check.missing_outcomes},
    )
    return conversation


@transaction.atomic
def conversation_transfer(
    *,
    conversation: Conversation,
    actor: User | None,
    at: datetime,
    agent: User | None,
    skill: Skill | None,
) -> Conversation:
    """Hand a conversation to another agent and/or skill: the current segment ends with reason
    transfer and a new one opens. The former agent keeps read-only access through the segment."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.ended_at is not None:
        raise ValueError(_("A closed conversation cannot be transferred."))
    new_agent = agent if agent is not None else conversation.agent
    new_skill = skill if skill is not None else conversation.skill
    if new_agent == conversation.agent and new_skill == conversation.skill:
        return conversation
    Segment.objects.filter(conversation=conversation, ended_at__isnull=True).update(
        ended_at=at, end_reason=Segment.EndReason.TRANSFER
    )
    Segment.objects.create(
        conversation=conversation, agent=new_agent, skill=new_skill, started_at=at
    )
    before = {"agent": str(conversation.agent or ""), "skill": str(conversation.skill or "")}
    conversation.agent, conversation.skill = new_agent, new_skill
    conversation.save(update_fields=["agent", "skill"])
    credit_conversations([conversation.pk])
    audit_record(
        actor=actor,
        action="conversation.transfer",
        obj=conversation,
        at=at,
        before=before,
        after={"agent": str(new_agent or ""), "skill": str(new_skill or "")},
    )
    return conversation


def messages_append(
    *, conversation: Conversation, messages: list[tuple[str, str, datetime]]
) -> int:
    """Append ``(sent_by, text, sent_at)`` messages, skipping any equal to one already stored, so
    a platform may resend a whole transcript. Card numbers are masked before anything is
    compared or stored. Returns how many were new."""
    if not messages:
        return 0
    messages = [(by, card_numbers_mask(text), at) for by, text, at in messages]
    times = {sent_at for _by, _text, sent_at in messages}
    existing = set(
        Message.objects.filter(conversation=conversation, sent_at__in=times).values_list(
            "sent_by", "text", "sent_at"
        )
    )
    new = []
    for item in messages:
        if item not in existing:
            existing.add(item)
            new.append(
                Message(conversation=conversation, sent_by=item[0], text=item[1], sent_at=item[2])
            )
    Message.objects.bulk_create(new)
    return len(new)
