"""Reads for the Agent survey section: which survey applies, its responses and derived state."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from campaigns.models import AccountSettings, AgentSurvey, SurveyQuestion
from campaigns.selectors.widget_config import survey_for_skills
from workspace.models import Conversation, SurveyAnswer, SurveyResponse
from workspace.selectors.access import Window, skill_ids_for


class SurveyState(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    DISMISSED = "dismissed"
    TIMED_OUT = "timed_out"


STATE_LABELS = {
    SurveyState.PENDING: _("Not answered yet"),
    SurveyState.SUBMITTED: _("Submitted"),
    SurveyState.DISMISSED: _("Dismissed"),
    SurveyState.TIMED_OUT: _("Timed out"),
}

PREDEFINED_LISTS = {
    SurveyQuestion.Predefined.TOPIC: "conversation_topics",
    SurveyQuestion.Predefined.OUTCOME: "conversation_outcomes",
}


def survey_for_conversation(conversation: Conversation) -> AgentSurvey | None:
    """The survey that applies: the skill's (or, without a skill, the agent's skills'), else the
    default survey."""
    return survey_for_skills(skill_ids_for(conversation))


def survey_responses(conversation: Conversation, survey: AgentSurvey) -> list[SurveyResponse]:
    """Every response to ``survey`` on the conversation, newest first (the first one counts)."""
    return list(
        SurveyResponse.objects.filter(conversation=conversation, survey=survey)
        .select_related("submitted_by")
        .order_by("-submitted_at", "-id")
    )


def survey_answers(response: SurveyResponse) -> list[SurveyAnswer]:
    return list(response.answers.select_related("option").order_by("question_id", "id"))


def survey_state(latest: SurveyResponse | None, window: Window) -> SurveyState:
    """Submitted or dismissed as the latest response says; with none, timed out once the
    survey's window has passed (derived when read), else pending."""
    if latest is not None:
        if latest.status == SurveyResponse.Status.DISMISSED:
            return SurveyState.DISMISSED
        return SurveyState.SUBMITTED
    if not window.is_open:
        return SurveyState.TIMED_OUT
    return SurveyState.PENDING


def question_choices(question: SurveyQuestion, account: AccountSettings) -> list[tuple[str, str]]:
    """``(value, label)`` choices: option ids, or for a predefined question without options of
    its own, the brand's list from the account settings (stored as the label text)."""
    options = list(question.options.all())
    if options:
        return [(str(option.pk), option.label) for option in options]
    labels = getattr(account, PREDEFINED_LISTS.get(question.predefined, ""), None) or []
    return [(str(label), str(label)) for label in labels]


def has_required_questions(survey: AgentSurvey) -> bool:
    return any(question.required for question in survey.questions.all())


def survey_is_pending(survey: AgentSurvey | None, responses: list, window: Window) -> bool:
    """A survey with required questions, not answered, while its window is open."""
    if survey is None or responses or not window.is_open:
        return False
    return has_required_questions(survey)
