"""Outcome completeness and the Agent survey report, on fixtures counted by hand. The report is
read at ``NOW``; windows and timeouts are derived from it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from campaigns.models import (
    AgentSurvey,
    AttributeConfig,
    QuestionKind,
    Skill,
    SurveyOption,
    SurveyQuestion,
    SurveySkill,
)
from reporting.selectors.completeness import completeness_rows, follow_up_queue
from reporting.selectors.context import account_report_settings
from reporting.selectors.obligations import SurveyPlan
from reporting.selectors.surveys import answer_distribution, free_text_answers, survey_rows
from tests.reporting.factories import context_for, conversation, event
from workspace.models import NoOutcome, SurveyAnswer, SurveyResponse
from workspace.services.credit import credit_completion

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def ended(agent, skill, day: int | None = None, *, ago: timedelta | None = None):
    """A conversation of ``agent`` that ended on ``day`` of March (or ``ago`` before NOW)."""
    end = NOW - ago if ago else datetime(2026, 3, day, 15, 0, tzinfo=UTC)
    return conversation(agent, skill=skill, started=end - timedelta(minutes=10), minutes=10)


@pytest.fixture
def required_purchase(sales_skill):
    config = AttributeConfig.objects.create(
        attribute_type="purchase", submit_by_agent=True, required_before_close=True
    )
    config.skills.add(sales_skill)
    return config


def test_completeness_counts_and_follow_up_queue(
    default_sell, agent, sales_skill, required_purchase
):
    survey = AgentSurvey.objects.create(name="Wrap-up", timeout_minutes=60)
    c1 = ended(agent, sales_skill, 10)
    event(conversation=c1, amount="5.00", action_id="A-1")  # an outcome
    c2 = ended(agent, sales_skill, 11)
    NoOutcome.objects.create(
        conversation=c2, attribute_type="purchase", chosen_by=agent, chosen_at=NOW
    )
    c3 = ended(agent, sales_skill, 12)  # only a survey: complete, yet the outcome is missing
    SurveyResponse.objects.create(
        conversation=c3, survey=survey, status="submitted", submitted_by=agent, submitted_at=NOW
    )
    credit_completion([c2.pk, c3.pk])  # as the outcome and survey services do
    ended(agent, sales_skill, 13)  # nothing at all
    c5 = ended(agent, sales_skill, ago=timedelta(minutes=10))  # window still open
    c6 = ended(agent, sales_skill, 14)
    event(conversation=c6, source="server_api", amount="5.00", action_id="A-6")  # not the agent's
    conversation(agent, skill=sales_skill, started=NOW - timedelta(minutes=5), ended=False)
    account, _periods = account_report_settings()
    context = context_for(now=NOW)
    [row] = completeness_rows(context, account)
    assert (row.ended, row.complete, row.incomplete, row.not_reported) == (6, 3, 3, 3)
    assert str(row.rate) == "50.0"
    queue, count = follow_up_queue(context, account)
    assert [(c.pk, c.outcomes_pending, c.survey_pending) for c in queue] == [(c5.pk, True, False)]
    assert count == 1


@pytest.fixture
def survey_world(default_sell, agent, sales_skill):
    survey = AgentSurvey.objects.create(name="Wrap-up", timeout_minutes=60)
    SurveySkill.objects.create(survey=survey, skill=sales_skill)
    quick = Skill.objects.create(name="Quick", survey_timeout_minutes=10)
    SurveySkill.objects.create(survey=survey, skill=quick)
    answered = SurveyQuestion.objects.create(
        survey=survey, position=1, text="Answered?", kind=QuestionKind.SINGLE, required=True
    )
    yes = SurveyOption.objects.create(question=answered, position=1, label="Yes")
    no = SurveyOption.objects.create(question=answered, position=2, label="No")
    notes = SurveyQuestion.objects.create(
        survey=survey, position=2, text="Notes", kind=QuestionKind.FREE_TEXT
    )

    def respond(talk, status, option=None, text="", minutes=0):
        response = SurveyResponse.objects.create(
            conversation=talk,
            survey=survey,
            status=status,
            submitted_by=agent,
            agent=agent,
            submitted_at=talk.ended_at + timedelta(minutes=minutes),
        )
        if option:
            SurveyAnswer.objects.create(response=response, question=answered, option=option)
        if text:
            SurveyAnswer.objects.create(response=response, question=notes, value_text=text)

    respond(ended(agent, sales_skill, 10), "submitted", yes)
    respond(ended(agent, sales_skill, 11), "dismissed")
    ended(agent, sales_skill, 12)  # timed out after 60 minutes
    ended(agent, sales_skill, ago=timedelta(minutes=30))  # pending: 30 of 60 minutes
    resubmitted = ended(agent, sales_skill, 13)
    respond(resubmitted, "submitted", no, text="First thoughts", minutes=1)
    respond(resubmitted, "submitted", yes, text="Great", minutes=2)  # the latest counts
    ended(agent, quick, ago=timedelta(minutes=20))  # the skill's 10-minute override: timed out
    return survey


def test_survey_numbers_per_agent(survey_world, agent):
    rows, total = survey_rows(context_for(now=NOW), SurveyPlan.load(), survey_world.pk)
    [row] = rows
    assert row.agent_id == agent.pk
    assert (row.offered, row.submitted, row.dismissed, row.timed_out, row.pending) == (
        6,
        2,
        1,
        2,
        1,
    )
    assert str(row.rate) == "33.3"
    assert total.offered == 6


def test_answer_distribution_counts_only_latest_submissions(survey_world, agent):
    distributions, _numbers = answer_distribution(
        context_for(now=NOW), SurveyPlan.load(), survey_world
    )
    [dist] = distributions
    assert dist.options == ["Yes", "No"]
    assert [(row["answered"], row["counts"]) for row in dist.rows] == [(2, [(2, 100), (0, 0)])]
    by_agent, _numbers = answer_distribution(
        context_for(now=NOW), SurveyPlan.load(), survey_world, "agent"
    )
    assert [row["label"] for row in by_agent[0].rows] == [agent.display_name]
    texts, count = free_text_answers(context_for(now=NOW), SurveyPlan.load(), survey_world)
    assert [answer.value_text for answer in texts] == ["Great"]
    assert count == 1


def test_survey_drilldown_lists_the_timed_out_conversations(survey_world, admin_client):
    response = admin_client.get(
        reverse("reporting:conversation-list"),
        {
            "start": "2026-03-01",
            "end": "2026-03-31",
            "family": "survey",
            "set": "timed_out",
            "survey": survey_world.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 1
