"""The Agent survey section: submit, resubmit, dismiss, windows, on behalf, timed out."""

from datetime import timedelta
from uuid import uuid4

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from campaigns.models import QuestionKind, Skill
from tests.factories import ConversationFactory
from tests.workspace.conftest import NOW
from tests.workspace.factories import agent_survey
from workspace.models import SurveyAnswer, SurveyResponse
from workspace.selectors.access import survey_window
from workspace.selectors.survey import SurveyState, survey_state
from workspace.services.outcomes import ActionRefused
from workspace.services.surveys import survey_dismiss, survey_submit

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true", "HX-Target": "summary-survey"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def optional_survey(sales_skill):
    return agent_survey(
        skills=[sales_skill],
        name="Optional",
        questions=[
            ("Topic", QuestionKind.DROPDOWN, False, ["Pricing", "Delivery"]),
            ("Products discussed", QuestionKind.MULTIPLE, False, ["A", "B", "C"]),
            ("Seats", QuestionKind.NUMBER, False, []),
            ("Follow-up on", QuestionKind.DATE, False, []),
        ],
    )


def submit_url(conversation):
    return reverse("workspace:survey-submit", args=[conversation.pk])


def dismiss_url(conversation):
    return reverse("workspace:survey-dismiss", args=[conversation.pk])


def answers(survey, yes=True, notes="All good", **extra):
    first, second = survey.questions.all()[:2]
    option = first.options.all()[0 if yes else 1]
    return {
        f"survey-q{first.pk}": option.pk,
        f"survey-q{second.pk}": notes,
        "survey-token": str(uuid4()),
        "survey-seen": 0,
    } | extra


class TestSubmit:
    def test_agent_submits_and_gets_the_fragment(self, agent_client, conversation, survey):
        response = agent_client.post(submit_url(conversation), answers(survey), headers=HX)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.strip().startswith('<section id="summary-survey"')
        assert "<html" not in html
        assert "Submitted by" in html
        assert "Change answers" in html
        response = SurveyResponse.objects.get()
        assert (response.status, response.on_behalf) == ("submitted", False)
        assert response.answers.count() == 2

    def test_without_javascript_it_redirects(self, agent_client, conversation, survey):
        response = agent_client.post(submit_url(conversation), answers(survey))
        assert response.status_code == 302
        assert response["Location"].endswith("#summary-survey")

    def test_required_question_missing_is_an_inline_error(self, agent_client, conversation, survey):
        data = answers(survey)
        first = survey.questions.all()[0]
        del data[f"survey-q{first.pk}"]
        response = agent_client.post(submit_url(conversation), data, headers=HX)
        html = response.content.decode()
        assert response.status_code == 422
        assert f'id="id_survey-q{first.pk}_error"' in html
        assert "All good" in html  # typed values stay
        assert not SurveyResponse.objects.exists()

    def test_over_long_free_text_is_refused(self, agent_client, conversation, survey):
        response = agent_client.post(
            submit_url(conversation), answers(survey, notes="x" * 501), headers=HX
        )
        assert response.status_code == 422
        assert not SurveyResponse.objects.exists()

    def test_option_of_another_question_is_refused(self, agent_client, conversation, survey):
        first = survey.questions.all()[0]
        data = answers(survey) | {f"survey-q{first.pk}": 999999}
        assert agent_client.post(submit_url(conversation), data, headers=HX).status_code == 422
        assert not SurveyResponse.objects.exists()

    @pytest.mark.parametrize("seats", ["NaN", "1e9999", "1_000", "1.23456"])
    def test_bad_numbers_are_refused(self, agent_client, conversation, optional_survey, seats):
        seats_q = optional_survey.questions.get(text="Seats")
        data = {f"survey-q{seats_q.pk}": seats, "survey-seen": 0}
        response = agent_client.post(submit_url(conversation), data, headers=HX)
        assert response.status_code == 422
        assert not SurveyResponse.objects.exists()

    def test_every_question_type_is_stored(self, agent_client, conversation, optional_survey):
        q = {question.text: question for question in optional_survey.questions.all()}
        a, c = q["Products discussed"].options.all()[0], q["Products discussed"].options.all()[2]
        data = {
            f"survey-q{q['Topic'].pk}": q["Topic"].options.all()[1].pk,
            f"survey-q{q['Products discussed'].pk}": [a.pk, c.pk],
            f"survey-q{q['Seats'].pk}": "-2.5",
            f"survey-q{q['Follow-up on'].pk}": "2026-03-09",
            "survey-seen": 0,
        }
        response = agent_client.post(submit_url(conversation), data, headers=HX)
        assert response.status_code == 200
        stored = SurveyAnswer.objects.order_by("question__position", "id")
        assert [str(s.option or s.value_number or s.value_date) for s in stored] == [
            "Delivery",
            "A",
            "C",
            "-2.5000",
            "2026-03-09",
        ]
        assert "Delivery" in response.content.decode()

    def test_resubmit_keeps_every_submission_and_the_last_counts(
        self, agent_client, conversation, survey
    ):
        agent_client.post(submit_url(conversation), answers(survey, yes=True), headers=HX)
        data = answers(survey, yes=False, notes="Changed my mind") | {"survey-seen": 1}
        response = agent_client.post(submit_url(conversation), data, headers=HX)
        html = response.content.decode()
        assert SurveyResponse.objects.count() == 2
        assert "Changed my mind" in html
        assert "2 submissions; the latest counts" in html
        assert "Resubmit" in html

    def test_stale_resubmit_is_a_conflict(self, agent_client, agent, conversation, survey):
        first = survey.questions.all()[0]
        yes = str(first.options.all()[0].pk)
        survey_submit(
            conversation=conversation, answers={first.pk: yes}, actor=agent, token=None, now=NOW
        )
        data = answers(survey) | {"survey-seen": 0}
        response = agent_client.post(submit_url(conversation), data, headers=HX)
        assert response.status_code == 409
        assert "Someone else changed this" in response.content.decode()
        assert SurveyResponse.objects.count() == 1

    def test_double_submit_creates_one_response(self, agent_client, conversation, survey):
        data = answers(survey)
        agent_client.post(submit_url(conversation), data, headers=HX)
        assert agent_client.post(submit_url(conversation), data, headers=HX).status_code == 200
        assert SurveyResponse.objects.count() == 1

    def test_manager_submits_on_behalf_with_a_reason(
        self, agent_manager_client, agent_manager, agent, conversation, survey
    ):
        data = answers(survey, **{"survey-reason": "Agent was called away"})
        response = agent_manager_client.post(submit_url(conversation), data, headers=HX)
        assert response.status_code == 200
        stored = SurveyResponse.objects.get()
        assert (stored.submitted_by, stored.agent, stored.on_behalf) == (
            agent_manager,
            agent,
            True,
        )
        assert stored.reason == "Agent was called away"

    def test_manager_without_reason_is_refused(self, agent_manager_client, conversation, survey):
        response = agent_manager_client.post(submit_url(conversation), answers(survey), headers=HX)
        assert response.status_code == 422
        assert not SurveyResponse.objects.exists()

    def test_admin_submits_on_behalf(self, admin_client, conversation, survey):
        data = answers(survey, **{"survey-reason": "Fix"})
        assert admin_client.post(submit_url(conversation), data, headers=HX).status_code == 200

    @pytest.mark.parametrize(
        "persona", ["campaign_manager_client", "other_agent_client", "other_manager_client"]
    )
    def test_others_get_404(self, request, persona, conversation, survey):
        client = request.getfixturevalue(persona)
        data = answers(survey, **{"survey-reason": "x"})
        assert client.post(submit_url(conversation), data, headers=HX).status_code == 404
        assert not SurveyResponse.objects.exists()

    def test_anonymous_htmx_gets_hx_redirect(self, client, conversation, survey):
        response = client.post(submit_url(conversation), answers(survey), headers=HX)
        assert response["HX-Redirect"].startswith(reverse("login"))

    def test_no_survey_is_404(self, agent_client, conversation):
        assert agent_client.post(submit_url(conversation), {}, headers=HX).status_code == 404


class TestDismiss:
    def test_survey_without_required_questions_can_be_dismissed_then_never_submitted(
        self, agent_client, agent, conversation, optional_survey
    ):
        html = agent_client.get(
            reverse("workspace:conversation-detail", args=[conversation.pk])
        ).content.decode()
        assert "Dismiss" in html
        data = {"dismiss-token": str(uuid4())}
        response = agent_client.post(dismiss_url(conversation), data, headers=HX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Dismiss this survey for good?" in html  # asked first, nothing saved
        assert not SurveyResponse.objects.exists()
        response = agent_client.post(
            dismiss_url(conversation), {**data, "dismiss-confirm": "True"}, headers=HX
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Survey dismissed." in html
        assert "Saved." not in html
        assert "can no longer be submitted" in html
        assert 'class="survey-form"' not in html
        with pytest.raises(ActionRefused):
            survey_submit(conversation=conversation, answers={}, actor=agent, token=None, now=NOW)
        response = agent_client.post(submit_url(conversation), {"survey-seen": 1}, headers=HX)
        assert response.status_code == 409
        assert SurveyResponse.objects.filter(status="submitted").count() == 0

    def test_survey_with_required_questions_cannot_be_dismissed(
        self, agent_client, conversation, survey
    ):
        html = agent_client.get(
            reverse("workspace:conversation-detail", args=[conversation.pk])
        ).content.decode()
        assert dismiss_url(conversation) not in html
        response = agent_client.post(dismiss_url(conversation), {}, headers=HX)
        assert response.status_code == 403
        assert not SurveyResponse.objects.exists()

    def test_manager_may_not_submit_after_a_dismiss_either(
        self, agent, agent_manager, conversation, optional_survey
    ):
        survey_dismiss(conversation=conversation, actor=agent, token=None, now=NOW)
        with pytest.raises(ActionRefused):
            survey_submit(
                conversation=conversation,
                answers={},
                actor=agent_manager,
                token=None,
                reason="late",
                now=NOW,
            )


class TestWindow:
    @pytest.fixture
    def ended(self, agent, sales_skill):
        return ConversationFactory(
            agent=agent,
            skill=sales_skill,
            started_at=NOW - timedelta(minutes=30),
            ended_at=NOW - timedelta(minutes=10),
        )

    def test_survey_timeout_edges(self, agent, ended, sales_skill):
        survey = agent_survey(skills=[sales_skill], timeout_minutes=15, questions=[])
        closes = ended.ended_at + timedelta(minutes=15)
        with pytest.raises(ActionRefused):
            survey_submit(conversation=ended, answers={}, actor=agent, token=None, now=closes)
        assert (
            survey_submit(
                conversation=ended,
                answers={},
                actor=agent,
                token=None,
                now=closes - timedelta(seconds=1),
            ).survey
            == survey
        )

    def test_skill_override_replaces_the_survey_timeout(self, agent, ended, sales_skill):
        agent_survey(skills=[sales_skill], timeout_minutes=15, questions=[])
        Skill.objects.filter(pk=sales_skill.pk).update(survey_timeout_minutes=60)
        ended.refresh_from_db()
        late = ended.ended_at + timedelta(minutes=59)
        assert survey_submit(conversation=ended, answers={}, actor=agent, token=None, now=late)

    def test_unanswered_survey_counts_as_timed_out_once_the_window_passed(self, ended, survey):
        window = survey_window(ended, survey=survey, now=ended.ended_at + timedelta(minutes=29))
        assert survey_state(None, window) == SurveyState.PENDING
        window = survey_window(ended, survey=survey, now=ended.ended_at + timedelta(minutes=30))
        assert survey_state(None, window) == SurveyState.TIMED_OUT

    def test_page_shows_timed_out_read_only_for_the_agent(self, agent, ended, survey):
        client = Client()
        with time_machine.travel(ended.ended_at + timedelta(hours=1), tick=False):
            client.force_login(agent)
            url = reverse("workspace:conversation-detail", args=[ended.pk])
            html = client.get(url).content.decode()
        assert "Timed out" in html
        assert "The survey timed out at" in html
        assert 'class="survey-form"' not in html

    def test_manager_submits_on_behalf_after_the_timeout(self, agent_manager, ended, survey):
        first = survey.questions.all()[0]
        response = survey_submit(
            conversation=ended,
            answers={first.pk: str(first.options.all()[0].pk)},
            actor=agent_manager,
            token=None,
            reason="Late wrap-up",
            now=ended.ended_at + timedelta(days=3),
        )
        assert response.on_behalf
