"""Agent survey: submit (and resubmit: every submission is kept, the latest counts) and dismiss
(only a survey without required questions; after a dismiss no one can submit)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from campaigns.models import AccountSettings, AgentSurvey, QuestionKind, User
from campaigns.money import parse_decimal
from campaigns.services.audit import audit_record
from workspace.models import Conversation, SurveyAnswer, SurveyResponse
from workspace.selectors.access import ActorRole, actor_role, survey_window
from workspace.selectors.survey import (
    has_required_questions,
    question_choices,
    survey_for_conversation,
    survey_responses,
)
from workspace.services.credit import credit_completion
from workspace.services.outcomes import ActionRefused
from workspace.services.privacy import card_numbers_mask


class StaleSurvey(Exception):
    """Someone answered or dismissed the survey since the person loaded it."""

    def __init__(self, latest: SurveyResponse | None):
        super().__init__("survey changed")
        self.latest = latest


def _require_surveyor(
    actor: User, conversation: Conversation, survey: AgentSurvey, *, now: datetime, reason: str
) -> ActorRole:
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
    window = survey_window(conversation, survey=survey, now=now)
    if not window.is_open:
        when = date_format(localtime(window.closes_at), "SHORT_DATETIME_FORMAT")
        raise ActionRefused(
            _("The survey closed at %(when)s.") % {"when": when}, code=ActionRefused.CLOSED
        )
    return role


def _context(conversation: Conversation) -> tuple[Conversation, AgentSurvey]:
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("skill", "agent")
        .get(pk=conversation.pk)
    )
    survey = survey_for_conversation(conversation)
    if survey is None:
        raise ActionRefused(_("No survey applies here."), code=ActionRefused.NOT_FOUND)
    return conversation, survey


def _replayed(token: UUID | None, conversation: Conversation) -> SurveyResponse | None:
    if token is None:
        return None
    existing = SurveyResponse.objects.filter(idempotency_token=token).first()
    if existing is not None and existing.conversation_id != conversation.pk:
        raise ActionRefused(_("Conversation not found."), code=ActionRefused.NOT_FOUND)
    return existing


def _answer(question, value: Any, choices: dict[str, str]) -> list[SurveyAnswer]:
    """The answer rows for one question, validated as its type says."""
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.DROPDOWN, QuestionKind.MULTIPLE):
        picked = value if isinstance(value, list | tuple) else [value]
        if kind != QuestionKind.MULTIPLE and len(picked) != 1:
            raise ValidationError(_("Choose one option."))
        if any(str(item) not in choices for item in picked):
            raise ValidationError(_("Choose from the options given."))
        options = {str(o.pk): o for o in question.options.all()}
        return [
            SurveyAnswer(question=question, option=options[str(item)])
            if str(item) in options
            else SurveyAnswer(question=question, value_text=choices[str(item)])
            for item in picked
        ]
    if kind == QuestionKind.NUMBER:
        number = parse_decimal(value, allow_negative=True)
        if -number.as_tuple().exponent > 4:
            raise ValidationError(_("Use at most four decimals."))
        return [SurveyAnswer(question=question, value_number=Decimal(number))]
    if kind == QuestionKind.DATE:
        if not isinstance(value, date):
            raise ValidationError(_("Enter a valid date."))
        return [SurveyAnswer(question=question, value_date=value)]
    text = str(value)
    if len(text) > question.max_chars:
        raise ValidationError(_("That answer is too long."))
    return [SurveyAnswer(question=question, value_text=card_numbers_mask(text))]


def survey_answer_rows(survey: AgentSurvey, answers: dict[int, Any]) -> list[SurveyAnswer]:
    """Validated answer rows for ``answers`` (question id -> value); required ones present."""
    account = AccountSettings.load()
    rows: list[SurveyAnswer] = []
    for question in survey.questions.all():
        value = answers.get(question.pk)
        if value in (None, "", [], ()):
            if question.required:
                raise ValidationError(
                    _("Answer the required question: %(question)s") % {"question": question.text}
                )
            continue
        rows.extend(_answer(question, value, dict(question_choices(question, account))))
    return rows


def _response_create(conversation, survey, status, actor, role, reason, now, token):
    return SurveyResponse.objects.create(
        conversation=conversation,
        survey=survey,
        status=status,
        submitted_by=actor,
        agent_id=conversation.agent_id,
        on_behalf=role == ActorRole.MANAGER,
        reason=reason,
        submitted_at=now,
        idempotency_token=token,
    )


@transaction.atomic
def survey_submit(
    *,
    conversation: Conversation,
    answers: dict[int, Any],
    actor: User,
    token: UUID | None,
    now: datetime,
    seen: int | None = None,
    reason: str = "",
) -> SurveyResponse:
    """Submit (or resubmit) the survey as the assigned agent inside its window, or as a manager
    on behalf with a reason. ``seen`` is how many responses the person saw: if someone answered
    meanwhile the save is refused (``StaleSurvey``) rather than silently stacked."""
    conversation, survey = _context(conversation)
    if (existing := _replayed(token, conversation)) is not None:
        return existing
    role = _require_surveyor(actor, conversation, survey, now=now, reason=reason)
    responses = survey_responses(conversation, survey)
    if responses and responses[0].status == SurveyResponse.Status.DISMISSED:
        raise ActionRefused(
            _("The survey was dismissed: it can no longer be submitted."),
            code=ActionRefused.CLOSED,
        )
    if seen is not None and seen != len(responses):
        raise StaleSurvey(responses[0] if responses else None)
    rows = survey_answer_rows(survey, answers)
    response = _response_create(
        conversation, survey, SurveyResponse.Status.SUBMITTED, actor, role, reason, now, token
    )
    credit_completion([conversation.pk])  # the completeness report's row
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    action = "survey.resubmit" if responses else "survey.submit"
    audit_record(actor=actor, action=action, obj=response, at=now, reason=reason)
    return response


@transaction.atomic
def survey_dismiss(
    *,
    conversation: Conversation,
    actor: User,
    token: UUID | None,
    now: datetime,
    reason: str = "",
) -> SurveyResponse:
    """Dismiss a survey that has no required questions and no submission yet."""
    conversation, survey = _context(conversation)
    if (existing := _replayed(token, conversation)) is not None:
        return existing
    if has_required_questions(survey):
        raise ActionRefused(
            _("A survey with required questions cannot be dismissed."),
            code=ActionRefused.FORBIDDEN,
        )
    role = _require_surveyor(actor, conversation, survey, now=now, reason=reason)
    responses = survey_responses(conversation, survey)
    if responses and responses[0].status == SurveyResponse.Status.DISMISSED:
        return responses[0]
    if responses:
        raise ActionRefused(_("The survey was already submitted."), code=ActionRefused.CLOSED)
    response = _response_create(
        conversation, survey, SurveyResponse.Status.DISMISSED, actor, role, reason, now, token
    )
    credit_completion([conversation.pk])  # the completeness report's row
    audit_record(actor=actor, action="survey.dismiss", obj=response, at=now, reason=reason)
    return response
