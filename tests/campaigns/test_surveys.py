"""The agent survey library: surveys, skills, default, questions, options, preview."""

import pytest
from django.urls import reverse

from campaigns.models import (
    AccountSettings,
    AgentSurvey,
    AuditEntry,
    SurveyOption,
    SurveyQuestion,
    SurveySkill,
)
from tests.campaigns.factories import OptionFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

LIST = reverse("campaigns:survey-list")
CREATE = reverse("campaigns:survey-create")


def survey_post(name="Sales survey", skills=(), **changes):
    data = {"name": name, "description": "", "timeout_minutes": "30", "is_active": "on"}
    data["skills"] = [skill.pk for skill in skills]
    return {**data, **changes}


def question_url(survey, question=None):
    if question is None:
        return reverse("campaigns:question-create", args=[survey.pk])
    return reverse("campaigns:question-update", args=[survey.pk, question.pk])


def test_create_a_survey_for_skills(campaign_manager_client, skills):
    response = campaign_manager_client.post(CREATE, survey_post(skills=[skills["Sales"]]))
    survey = AgentSurvey.objects.get()
    assert response["Location"] == reverse("campaigns:survey-update", args=[survey.pk])
    assert [s.name for s in survey.skills.all()] == ["Sales"]
    entry = AuditEntry.objects.get(action="survey.create")
    assert entry.after["skills"] == ["Sales"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "SALES SURVEY"}, "A survey with this name already exists."),
        ({"timeout_minutes": "4321"}, "72 hours"),
        ({"timeout_minutes": "-5"}, "72 hours"),
        ({"name": ""}, "This field is required."),
    ],
    ids=["duplicate-name", "timeout-over-72h", "negative-timeout", "no-name"],
)
def test_bad_survey_input_shows_errors_and_saves_nothing(campaign_manager_client, changes, message):
    SurveyFactory(name="Sales survey")
    response = campaign_manager_client.post(CREATE, survey_post(**changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert AgentSurvey.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_skill_belongs_to_at_most_one_survey(campaign_manager_client, skills):
    other = SurveyFactory(name="Other")
    SurveySkill.objects.create(survey=other, skill=skills["Sales"])
    page = campaign_manager_client.get(CREATE).content.decode()
    assert "Sales (now in Other)" in page
    response = campaign_manager_client.post(
        CREATE, survey_post(name="New", skills=[skills["Sales"]])
    )
    assert response.status_code == 422
    assert "already belong to another survey" in response.content.decode()
    assert not AgentSurvey.objects.filter(name="New").exists()


def test_editing_keeps_own_skills_and_can_drop_them(campaign_manager_client, skills):
    survey = SurveyFactory(name="Mine")
    SurveySkill.objects.create(survey=survey, skill=skills["Sales"])
    url = reverse("campaigns:survey-update", args=[survey.pk])
    data = survey_post(name="Mine", skills=[skills["Sales"], skills["Billing"]])
    assert campaign_manager_client.post(url, data).status_code == 302
    assert sorted(s.name for s in survey.skills.all()) == ["Billing", "Sales"]
    campaign_manager_client.post(url, survey_post(name="Mine", skills=[skills["Billing"]]))
    assert [s.name for s in survey.skills.all()] == ["Billing"]
    survey.refresh_from_db()
    assert survey.version == 3


def test_one_default_survey(campaign_manager_client, htmx_headers):
    first = SurveyFactory(is_default=True)
    second = SurveyFactory()
    response = campaign_manager_client.post(
        reverse("campaigns:survey-default", args=[second.pk]), headers=htmx_headers
    )
    assert "<html" not in response.content.decode()
    assert response.content.decode().lstrip().startswith('<div id="survey-list"')
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)
    assert AuditEntry.objects.filter(action="survey.update").count() == 2


def test_activate_and_deactivate(campaign_manager_client, htmx_headers):
    survey = SurveyFactory(is_active=True)
    url = reverse("campaigns:survey-active", args=[survey.pk])
    response = campaign_manager_client.post(url, headers=htmx_headers)
    assert "Activate" in response.content.decode()
    survey.refresh_from_db()
    assert not survey.is_active
    assert campaign_manager_client.post(url).status_code == 302
    survey.refresh_from_db()
    assert survey.is_active
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["survey.deactivate", "survey.activate"]


def test_delete_a_survey(campaign_manager_client):
    question = QuestionFactory()
    campaign_manager_client.post(reverse("campaigns:survey-delete", args=[question.survey_id]))
    assert not AgentSurvey.objects.exists()
    assert not SurveyQuestion.objects.exists()
    assert AuditEntry.objects.get(action="survey.delete").before["questions"] == [question.text]


def test_an_answered_survey_is_kept(campaign_manager_client, agent):
    from tests.factories import ConversationFactory
    from workspace.models import SurveyAnswer, SurveyResponse

    question = QuestionFactory()
    response = SurveyResponse.objects.create(
        conversation=ConversationFactory(agent=agent),
        survey=question.survey,
        status="submitted",
        submitted_by=agent,
        submitted_at=question.survey.created_at,
    )
    SurveyAnswer.objects.create(response=response, question=question, value_text="x")
    url = reverse("campaigns:survey-delete", args=[question.survey_id])
    page = campaign_manager_client.post(url, follow=True).content.decode()
    assert "deactivate it instead" in page
    assert AgentSurvey.objects.exists()
    assert not AuditEntry.objects.filter(action="survey.delete").exists()


def test_add_a_choice_question_with_options(campaign_manager_client):
    survey = SurveyFactory()
    data = {"text": "Ready to buy?", "kind": "single", "required": "on", "options": "Yes\n\nNo\n"}
    assert campaign_manager_client.post(question_url(survey), data).status_code == 302
    question = survey.questions.get()
    assert question.required
    assert [o.label for o in question.options.all()] == ["Yes", "No"]
    assert AuditEntry.objects.get(action="survey_question.create").after["options"] == ["Yes", "No"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "Pick", "kind": "dropdown", "options": " \n "}, "needs at least one option"),
        ({"text": "Pick", "kind": "multiple", "options": "A\nA"}, "Each option must be different"),
        ({"text": "Notes", "kind": "free_text", "max_chars": "1025"}, "1024"),
        ({"text": "Notes", "kind": "free_text", "max_chars": "0"}, "1"),
        ({"text": "", "kind": "number"}, "Enter the question."),
        ({"text": "Pick", "options": "A\nB"}, "Choose the type of answer."),
    ],
    ids=[
        "choice-no-options",
        "duplicate-options",
        "max-chars-1025",
        "max-chars-0",
        "no-text",
        "no-type",
    ],
)
def test_bad_question_shows_errors_and_saves_nothing(campaign_manager_client, data, message):
    AccountSettings.objects.create(pk=1, conversation_topics=["Billing"])
    survey = SurveyFactory()
    response = campaign_manager_client.post(question_url(survey), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SurveyQuestion.objects.exists()
    assert not AuditEntry.objects.exists()


def test_free_text_max_chars_up_to_1024(campaign_manager_client):
    survey = SurveyFactory()
    data = {"text": "Notes", "kind": "free_text", "max_chars": "1024"}
    assert campaign_manager_client.post(question_url(survey), data).status_code == 302
    assert survey.questions.get().max_chars == 1024


def test_predefined_question_takes_the_brand_list(campaign_manager_client):
    AccountSettings.objects.create(pk=1, conversation_outcomes=["Resolved", "Escalated"])
    survey = SurveyFactory()
    data = {"predefined": "outcome", "kind": "dropdown", "options": "ignored"}
    assert campaign_manager_client.post(question_url(survey), data).status_code == 302
    question = survey.questions.get()
    assert question.text == "Conversation outcome"
    assert [o.label for o in question.options.all()] == ["Resolved", "Escalated"]
    again = campaign_manager_client.post(question_url(survey), data)
    assert "already asks this question" in again.content.decode()


@pytest.mark.parametrize(
    ("predefined", "sent_kind", "kind"),
    [("outcome", "", "single"), ("outcome", "number", "single"), ("topic", "", "dropdown")],
)
def test_a_predefined_question_does_not_ask_for_a_type(
    campaign_manager_client, predefined, sent_kind, kind
):
    AccountSettings.objects.create(
        pk=1, conversation_outcomes=["Resolved"], conversation_topics=["Billing"]
    )
    survey = SurveyFactory()
    data = {"predefined": predefined, "kind": sent_kind}
    assert campaign_manager_client.post(question_url(survey), data).status_code == 302
    assert survey.questions.get().kind == kind


def test_predefined_question_needs_a_brand_list(campaign_manager_client):
    survey = SurveyFactory()
    response = campaign_manager_client.post(
        question_url(survey), {"predefined": "topic", "kind": "single"}
    )
    assert response.status_code == 422
    assert "list for this question is empty" in response.content.decode()


def test_editing_options_keeps_the_rows_of_unchanged_options(campaign_manager_client):
    question = QuestionFactory(kind="single", text="Pick")
    keep = OptionFactory(question=question, label="Keep")
    OptionFactory(question=question, label="Drop")
    data = {"text": "Pick", "kind": "single", "options": "New\nKeep"}
    assert (
        campaign_manager_client.post(question_url(question.survey, question), data).status_code
        == 302
    )
    assert [(o.label, o.position) for o in question.options.all()] == [("New", 1), ("Keep", 2)]
    assert question.options.get(label="Keep").pk == keep.pk


def test_predefined_lists_update_every_predefined_question(campaign_manager_client):
    question = QuestionFactory(kind="dropdown", predefined="topic", text="Conversation topic")
    OptionFactory(question=question, label="Old")
    data = {"conversation_topics": "Billing\nOrders", "conversation_outcomes": "Resolved"}
    response = campaign_manager_client.post(reverse("campaigns:predefined-lists"), data)
    assert response.status_code == 302
    assert [o.label for o in question.options.all()] == ["Billing", "Orders"]
    assert AccountSettings.load().conversation_outcomes == ["Resolved"]
    assert AuditEntry.objects.filter(action="predefined_lists.update").exists()


def test_questions_move_up_and_down(campaign_manager_client, htmx_headers):
    survey = SurveyFactory()
    first, second = (
        QuestionFactory(survey=survey, text="A?"),
        QuestionFactory(survey=survey, text="B?"),
    )
    url = reverse("campaigns:question-move", args=[survey.pk, second.pk])
    response = campaign_manager_client.post(url, {"direction": "up"}, headers=htmx_headers)
    html = response.content.decode()
    assert "<html" not in html
    assert html.index("B?") < html.index("A?")
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == [
        "B?",
        "A?",
    ]
    response = campaign_manager_client.post(url, {"direction": "down"})
    assert response.status_code == 302
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == [
        "A?",
        "B?",
    ]
    assert AuditEntry.objects.filter(action="survey.reorder").count() == 2
    assert first.pk


def test_delete_a_question(campaign_manager_client, htmx_headers):
    question = QuestionFactory()
    url = reverse("campaigns:question-delete", args=[question.survey_id, question.pk])
    response = campaign_manager_client.post(url, headers=htmx_headers)
    assert response.content.decode().lstrip().startswith('<section id="survey-questions"')
    assert not SurveyQuestion.objects.exists()
    assert AuditEntry.objects.filter(action="survey_question.delete").exists()


def test_preview_shows_the_survey_as_the_agent_sees_it(campaign_manager_client):
    survey = SurveyFactory(timeout_minutes=45)
    single = QuestionFactory(survey=survey, kind="single", text="Happy?", required=True)
    OptionFactory(question=single, label="Very")
    QuestionFactory(survey=survey, kind="free_text", text="Notes?", max_chars=120)
    QuestionFactory(survey=survey, kind="date", text="Follow up on?")
    html = campaign_manager_client.get(
        reverse("campaigns:survey-preview", args=[survey.pk])
    ).content.decode()
    assert 'type="radio"' in html
    assert "Very" in html
    assert 'maxlength="120"' in html
    assert 'type="date"' in html
    assert "45 minutes" in html
    assert "Dismiss" not in html  # a survey with a required question cannot be dismissed


def test_survey_list_queries_do_not_grow(
    campaign_manager_client, skills, django_assert_num_queries
):
    def add(name, skill):
        survey = SurveyFactory(name=name)
        SurveySkill.objects.create(survey=survey, skill=skill)
        QuestionFactory.create_batch(2, survey=survey)

    add("One", skills["Sales"])
    campaign_manager_client.get(LIST)
    with django_assert_num_queries(5):
        campaign_manager_client.get(LIST)
    add("Two", skills["Billing"])
    add("Three", skills["Tech support"])
    with django_assert_num_queries(5):
        campaign_manager_client.get(LIST)


def test_preview_queries_do_not_grow(campaign_manager_client, django_assert_num_queries):
    survey = SurveyFactory()
    OptionFactory(question=QuestionFactory(survey=survey, kind="single"))
    url = reverse("campaigns:survey-preview", args=[survey.pk])
    campaign_manager_client.get(url)
    with django_assert_num_queries(7):
        campaign_manager_client.get(url)
    for _ in range(3):
        OptionFactory.create_batch(2, question=QuestionFactory(survey=survey, kind="multiple"))
    with django_assert_num_queries(7):
        campaign_manager_client.get(url)


def test_option_rows_are_removed_with_their_question(campaign_manager_client):
    option = OptionFactory()
    url = reverse("campaigns:question-delete", args=[option.question.survey_id, option.question_id])
    campaign_manager_client.post(url)
    assert not SurveyOption.objects.exists()


def test_default_from_the_form_takes_the_flag(campaign_manager_client):
    old = SurveyFactory(is_default=True)
    response = campaign_manager_client.post(CREATE, survey_post(name="New", is_default="on"))
    assert response.status_code == 302
    old.refresh_from_db()
    assert not old.is_default
    assert AgentSurvey.objects.get(name="New").is_default
