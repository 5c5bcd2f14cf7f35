"""The Agent survey report's figures as the selectors read them in few passes: each agent's
numbers from one grouped query, the free-text count taken with the listed answers, and the
answered count of a multiple-choice question counting responses, not chosen options."""

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.models import AgentSurvey, QuestionKind, Skill, SurveyOption, SurveyQuestion
from reporting.selectors.obligations import SurveyPlan
from reporting.selectors.surveys import answer_distribution, free_text_answers, survey_rows
from tests.reporting.factories import context_for, conversation
from workspace.models import SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def ended(agent, skill, *, day: int | None = None, ago: timedelta | None = None):
    end = NOW - ago if ago else datetime(2026, 3, day, 15, 0, tzinfo=UTC)
    return conversation(agent, skill=skill, started=end - timedelta(minutes=10), minutes=10)


def respond(talk, survey, status, *, minutes: int = 1, answers=()):
    response = SurveyResponse.objects.create(
        conversation=talk,
        survey=survey,
        status=status,
        submitted_by=talk.agent,
        agent=talk.agent,
        submitted_at=talk.ended_at + timedelta(minutes=minutes),
    )
    for question, value in answers:
        if isinstance(value, SurveyOption):
            SurveyAnswer.objects.create(response=response, question=question, option=value)
        else:
            SurveyAnswer.objects.create(response=response, question=question, value_text=value)
    return response


@pytest.fixture
def survey(default_sell):
    return AgentSurvey.objects.create(name="Wrap-up", timeout_minutes=60, is_default=True)


def test_each_agent_gets_their_own_numbers(survey, agent, other_agent, sales_skill):
    quick = Skill.objects.create(name="Quick", survey_timeout_minutes=10)
    respond(ended(agent, sales_skill, day=10), survey, "submitted")
    respond(ended(agent, sales_skill, day=11), survey, "dismissed")
    ended(agent, quick, ago=timedelta(minutes=20))  # past the skill's 10 minutes: timed out
    ended(agent, sales_skill, ago=timedelta(minutes=20))  # 20 of 60 minutes: pending
    ended(other_agent, sales_skill, day=12)  # timed out
    ended(other_agent, None, ago=timedelta(minutes=30))  # no skill, the survey's 60: pending
    talk = ended(other_agent, sales_skill, day=13)
    respond(talk, survey, "submitted", minutes=1)
    respond(talk, survey, "submitted", minutes=2)  # a resubmission: still one conversation
    rows, total = survey_rows(context_for(now=NOW), SurveyPlan.load(), survey.pk)
    numbers = {
        row.agent_id: (row.offered, row.submitted, row.dismissed, row.timed_out, row.pending)
        for row in rows
    }
    assert numbers == {agent.pk: (4, 1, 1, 1, 1), other_agent.pk: (3, 1, 0, 1, 1)}
    assert (total.offered, total.submitted, total.dismissed, total.timed_out, total.pending) == (
        7,
        2,
        1,
        2,
        2,
    )


def test_the_free_text_count_covers_more_than_the_listed_answers(survey, agent, sales_skill):
    notes = SurveyQuestion.objects.create(
        survey=survey, position=1, text="Notes", kind=QuestionKind.FREE_TEXT
    )
    for day, text in ((10, "First"), (11, "Second"), (12, "Third")):
        respond(ended(agent, sales_skill, day=day), survey, "submitted", answers=[(notes, text)])
    superseded = ended(agent, sales_skill, day=13)
    respond(superseded, survey, "submitted", minutes=1, answers=[(notes, "Replaced")])
    respond(superseded, survey, "submitted", minutes=2, answers=[(notes, "Latest")])
    context, plan = context_for(now=NOW), SurveyPlan.load()
    texts, count = free_text_answers(context, plan, survey, limit=2)
    assert [answer.value_text for answer in texts] == ["Latest", "Third"]
    assert count == 4
    texts, count = free_text_answers(context_for(now=NOW, start=NOW.date()), plan, survey)
    assert (texts, count) == ([], 0)


def test_a_multiple_choice_question_counts_responses_that_answered(survey, agent, sales_skill):
    topics = SurveyQuestion.objects.create(
        survey=survey, position=1, text="Topics", kind=QuestionKind.MULTIPLE
    )
    price = SurveyOption.objects.create(question=topics, position=1, label="Price")
    delivery = SurveyOption.objects.create(question=topics, position=2, label="Delivery")
    notes = SurveyQuestion.objects.create(
        survey=survey, position=2, text="Notes", kind=QuestionKind.FREE_TEXT
    )
    both = [(topics, price), (topics, delivery), (notes, "Both asked")]
    respond(ended(agent, sales_skill, day=10), survey, "submitted", answers=both)
    respond(ended(agent, sales_skill, day=11), survey, "submitted", answers=[(topics, price)])
    distributions, _numbers = answer_distribution(context_for(now=NOW), SurveyPlan.load(), survey)
    [dist] = distributions
    assert dist.options == ["Price", "Delivery"]
    assert [(row["answered"], row["counts"]) for row in dist.rows] == [(2, [(2, 100), (1, 50)])]
