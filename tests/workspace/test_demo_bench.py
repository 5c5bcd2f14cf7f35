"""The benchmark data's report mix beyond events: transfers between two agents, agent surveys
answered on half of the conversations a survey applies to, and the same rows on SQLite and
PostgreSQL (each database runs this file)."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from workspace.models import Conversation, Segment, SurveyAnswer, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_data():
    call_command("seed_demo", conversations=400, agents=6)
    return Conversation.objects.filter(external_id__startswith="bench-0")


def test_transfers_to_a_second_agent_and_surveys_answered_on_half(bench_data):
    transferred = bench_data.annotate(n=Count("segments")).filter(n=2)
    assert transferred.count() == 40
    assert not bench_data.annotate(n=Count("segments")).filter(n__gt=2).exists()
    for conversation in transferred[:10]:
        first, second = conversation.segments.order_by("started_at")
        assert first.end_reason == Segment.EndReason.TRANSFER
        assert first.ended_at == second.started_at
        assert first.agent_id != second.agent_id
        assert conversation.agent_id == second.agent_id
        # Agent-reported events stay with the first agent; customer-reported name the last.
        reported = conversation.events.filter(source="agent_widget", action_id__startswith="B")
        assert all(e.agent_id == first.agent_id for e in reported)
        customer = conversation.events.filter(source="server_api")
        assert all(e.agent_id == conversation.agent_id for e in customer)

    # Surveys: submitted on half of the conversations one applies to, with answers; some dismissed.
    responses = SurveyResponse.objects.filter(conversation__in=bench_data)
    submitted = responses.filter(status=SurveyResponse.Status.SUBMITTED)
    offered = bench_data.filter(skill__survey_link__isnull=False).count()
    assert offered
    assert 0.4 * offered <= submitted.count() <= 0.6 * offered
    assert responses.filter(status=SurveyResponse.Status.DISMISSED).exists()
    answered = SurveyAnswer.objects.filter(response__in=submitted)
    assert answered.values("response").distinct().count() == submitted.count()
    assert answered.filter(option__isnull=False).exists()
    assert answered.exclude(value_text="").exists()


def test_seeding_twice_adds_nothing(bench_data):
    before = (Segment.objects.count(), SurveyResponse.objects.count(), SurveyAnswer.objects.count())
    call_command("seed_demo", conversations=400, agents=6)
    after = (Segment.objects.count(), SurveyResponse.objects.count(), SurveyAnswer.objects.count())
    assert after == before
