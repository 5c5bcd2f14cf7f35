"""The agent survey library: surveys, their skills, questions and options (SPEC section 4)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext_lazy as _

from campaigns.config_stamp import config_changed
from campaigns.models import (
    CHOICE_KINDS,
    AccountSettings,
    AgentSurvey,
    QuestionKind,
    Skill,
    SurveyOption,
    SurveyQuestion,
    SurveySkill,
    User,
)
from campaigns.services.audit import audit_record, snapshot

SURVEY_FIELDS = ["name", "description", "is_active", "is_default", "timeout_minutes", "skills"]
QUESTION_FIELDS = ["text", "kind", "predefined", "required", "max_chars", "position"]
PREDEFINED_LISTS = {
    SurveyQuestion.Predefined.TOPIC: "conversation_topics",
    SurveyQuestion.Predefined.OUTCOME: "conversation_outcomes",
}


class OptionInUse(ValidationError):
    """An option chosen in submitted surveys cannot be removed (their answers point to it)."""


def question_snapshot(question: SurveyQuestion) -> dict[str, Any]:
    picture = snapshot(question, QUESTION_FIELDS)
    picture["options"] = [option.label for option in question.options.all()]
    return picture


def predefined_options(predefined: str) -> list[str]:
    """The brand's option list for a predefined question kind."""
    return list(getattr(AccountSettings.load(), PREDEFINED_LISTS[predefined]))


def _bump(survey: AgentSurvey) -> None:
    AgentSurvey.objects.filter(pk=survey.pk).update(version=F("version") + 1)
    config_changed()  # an update sends no signal


@transaction.atomic
def survey_save(*, actor: User | None, survey: AgentSurvey, skills: list[Skill]) -> AgentSurvey:
    """Create or update a survey and the skills it applies to; a skill belongs to one survey,
    and making this survey the default takes the flag from the previous default."""
    creating = survey.pk is None
    before = None if creating else snapshot(AgentSurvey.objects.get(pk=survey.pk), SURVEY_FIELDS)
    taken = SurveySkill.objects.filter(skill__in=skills).select_related("skill", "survey")
    for link in taken:
        if link.survey_id != survey.pk:
            raise ValidationError(
                _("%(skill)s already belongs to the survey %(survey)s.")
                % {"skill": link.skill, "survey": link.survey},
                code="skill_taken",
            )
    if survey.is_default:
        _take_default(actor=actor, survey=survey)
    survey.version = (survey.version or 0) + (0 if creating else 1)
    survey.full_clean(exclude=["skills"], validate_unique=False)
    survey.save()
    SurveySkill.objects.filter(survey=survey).exclude(skill__in=skills).delete()
    SurveySkill.objects.bulk_create(
        [SurveySkill(survey=survey, skill=skill) for skill in skills], ignore_conflicts=True
    )
    config_changed()  # a bulk insert sends no signal
    audit_record(
        actor=actor,
        action="survey.create" if creating else "survey.update",
        obj=survey,
        before=before,
        after=snapshot(AgentSurvey.objects.get(pk=survey.pk), SURVEY_FIELDS),
    )
    return survey


def _take_default(*, actor: User | None, survey: AgentSurvey) -> None:
    others = AgentSurvey.objects.select_for_update().filter(is_default=True)
    for other in others.exclude(pk=survey.pk):
        other.is_default = False
        other.save(update_fields=["is_default", "updated_at"])
        audit_record(
            actor=actor,
            action="survey.update",
            obj=other,
            before={"is_default": True},
            after={"is_default": False},
        )


@transaction.atomic
def survey_set_active(*, actor: User | None, survey: AgentSurvey, is_active: bool) -> AgentSurvey:
    """Activate or deactivate a survey; an inactive survey is offered to no one."""
    if survey.is_active != is_active:
        survey.is_active = is_active
        survey.version += 1
        survey.save(update_fields=["is_active", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="survey.activate" if is_active else "survey.deactivate",
            obj=survey,
            before={"is_active": not is_active},
            after={"is_active": is_active},
        )
    return survey


@transaction.atomic
def survey_make_default(*, actor: User | None, survey: AgentSurvey) -> AgentSurvey:
    """The survey for conversations whose skill has no survey of its own."""
    if not survey.is_default:
        _take_default(actor=actor, survey=survey)
        survey.is_default = True
        survey.save(update_fields=["is_default", "updated_at"])
        audit_record(
            actor=actor,
            action="survey.update",
            obj=survey,
            before={"is_default": False},
            after={"is_default": True},
        )
    return survey


@transaction.atomic
def survey_delete(*, actor: User | None, survey: AgentSurvey) -> None:
    """Delete a survey nobody has answered; answered surveys are history: deactivate them."""
    before = snapshot(survey, SURVEY_FIELDS)
    before["questions"] = [question.text for question in survey.questions.all()]
    # Written first so that it names the survey; a refused delete rolls it back.
    audit_record(actor=actor, action="survey.delete", obj=survey, before=before)
    try:
        survey.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("Agents have answered this survey, so it is kept; deactivate it instead."),
            code="answered",
        ) from exc


def _sync_options(question: SurveyQuestion, labels: list[str]) -> None:
    existing = {option.label: option for option in question.options.all()}
    for label, option in existing.items():
        if label not in labels:
            try:
                with transaction.atomic():
                    option.delete()
            except ProtectedError as exc:
                raise OptionInUse(
                    _("“%(label)s” has been chosen in submitted surveys and cannot be removed.")
                    % {"label": label},
                    code="option_in_use",
                ) from exc
    for position, label in enumerate(labels, start=1):
        option = existing.get(label) or SurveyOption(question=question, label=label)
        if option.pk is None or option.position != position:
            option.position = position
            option.save()


@transaction.atomic
def question_save(
    *, actor: User | None, question: SurveyQuestion, options: list[str] | None = None
) -> SurveyQuestion:
    """Create or update a question. Choice questions need options; a predefined question takes
    the brand's list (Conversation topic or Conversation outcome) instead of its own."""
    creating = question.pk is None
    before = None if creating else question_snapshot(SurveyQuestion.objects.get(pk=question.pk))
    if question.predefined:
        options = predefined_options(question.predefined)
    options = [label.strip() for label in options or [] if label.strip()]
    if question.kind in CHOICE_KINDS and not options:
        raise ValidationError(_("A choice question needs at least one option."), code="options")
    if question.kind not in CHOICE_KINDS:
        options = []
    if question.kind != QuestionKind.FREE_TEXT:
        question.max_chars = SurveyQuestion._meta.get_field("max_chars").default
    if creating:
        last = question.survey.questions.order_by("-position").first()
        question.position = (last.position + 1) if last else 1
    question.full_clean(exclude=["survey"])
    question.save()
    _sync_options(question, options)
    _bump(question.survey)
    audit_record(
        actor=actor,
        action="survey_question.create" if creating else "survey_question.update",
        obj=question,
        before=before,
        after=question_snapshot(SurveyQuestion.objects.get(pk=question.pk)),
    )
    return question


@transaction.atomic
def question_delete(*, actor: User | None, question: SurveyQuestion) -> None:
    """Remove a question nobody has answered."""
    survey = question.survey
    before = {"survey": str(survey), **question_snapshot(question)}
    audit_record(actor=actor, action="survey_question.delete", obj=question, before=before)
    try:
        question.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("Agents have answered this question, so it is kept."), code="answered"
        ) from exc
    _bump(survey)


@transaction.atomic
def question_move(*, actor: User | None, question: SurveyQuestion, direction: str) -> None:
    """Swap a question with its neighbour above ("up") or below ("down")."""
    siblings = list(question.survey.questions.select_for_update().order_by("position", "id"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    before = [q.text for q in sorted(siblings, key=lambda q: (q.position, q.pk))]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    _bump(question.survey)
    audit_record(
        actor=actor,
        action="survey.reorder",
        obj=question.survey,
        before={"questions": before},
        after={"questions": [q.text for q in siblings]},
    )


@transaction.atomic
def predefined_lists_save(
    *, actor: User | None, topics: list[str], outcomes: list[str]
) -> AccountSettings:
    """Save the brand's Conversation topic and outcome lists and bring every predefined
    question's options in line with them."""
    account = AccountSettings.objects.select_for_update().get(pk=AccountSettings.load().pk)
    before = {attr: list(getattr(account, attr)) for attr in PREDEFINED_LISTS.values()}
    account.conversation_topics, account.conversation_outcomes = topics, outcomes
    account.save(update_fields=["conversation_topics", "conversation_outcomes", "updated_at"])
    for predefined, attr in PREDEFINED_LISTS.items():
        for question in SurveyQuestion.objects.filter(predefined=predefined).select_related(
            "survey"
        ):
            _sync_options(question, getattr(account, attr))
            _bump(question.survey)
    audit_record(
        actor=actor,
        action="predefined_lists.update",
        obj=account,
        before=before,
        after={"conversation_topics": topics, "conversation_outcomes": outcomes},
    )
    return account
