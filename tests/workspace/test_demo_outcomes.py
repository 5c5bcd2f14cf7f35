"""The demo's agent-reported outcomes and survey responses."""

import pytest
from django.db.models import Count

from campaigns import demo as campaigns_demo
from campaigns.models import Skill
from tests.workspace.conftest import NOW
from tests.workspace.factories import agent_survey, attribute_config
from workspace import demo as workspace_demo
from workspace.demo_outcomes import seed_outcomes
from workspace.models import EngagementAttributeEvent, EventRevision, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_account(db):
    campaigns_demo.seed_people(password_hash="!")
    workspace_demo.seed_conversations(now=NOW, count=120)
    return {skill.name: skill for skill in Skill.objects.all()}


def test_without_configuration_it_does_nothing(demo_account):
    seed_outcomes(now=NOW)
    assert not EngagementAttributeEvent.objects.exists()
    assert not SurveyResponse.objects.exists()


def test_it_reports_outcomes_in_two_currencies_with_a_duplicate_and_surveys(demo_account):
    sales, billing = demo_account["Sales"], demo_account["Billing"]
    attribute_config("purchase", skills=[sales])
    attribute_config("lead", skills=[sales])
    attribute_config("service", skills=[billing], required=True)
    agent_survey(skills=[sales, billing], name="Wrap-up")
    seed_outcomes(now=NOW)
    events = EngagementAttributeEvent.objects.all()
    assert set(events.exclude(currency="").values_list("currency", flat=True)) == {"USD", "EUR"}
    assert {"purchase", "lead", "service"} <= set(events.values_list("attribute_type", flat=True))
    duplicates = (
        events.filter(attribute_type="purchase")
        .values("action_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert duplicates.exists()
    assert SurveyResponse.objects.filter(status="submitted").exists()
    assert EventRevision.objects.filter(kind="amend").count() == 1
    assert all(e.reported_by_id and e.agent_id and e.skill_id for e in events)
    counts = (events.count(), SurveyResponse.objects.count(), EventRevision.objects.count())
    seed_outcomes(now=NOW)
    assert counts == (
        EngagementAttributeEvent.objects.count(),
        SurveyResponse.objects.count(),
        EventRevision.objects.count(),
    )


def test_demo_agent_gets_live_sales_and_general_conversations(demo_account):
    from workspace.models import Conversation

    seed_outcomes(now=NOW)
    seed_outcomes(now=NOW)
    live = Conversation.objects.filter(external_id__startswith="demo-live-")
    assert live.count() == 3
    assert {c.agent.username for c in live} == {"agent"}
    assert live.filter(ended_at__isnull=True, skill__name="Sales").count() == 1
    assert live.filter(ended_at__isnull=True, skill__name="General").count() == 1
