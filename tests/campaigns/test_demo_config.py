"""The demo configuration that `make run` loads (SPEC section 8)."""

from datetime import UTC, datetime

import pytest

from campaigns.demo import seed_people
from campaigns.demo_config import seed_configuration
from campaigns.models import (
    AccountSettings,
    AgentSurvey,
    AttributeConfig,
    AttributionPolicy,
    AuditEntry,
    Campaign,
    Goal,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def seeded(db):
    seed_people(password_hash="x")
    seed_configuration(now=NOW)


def test_outcomes_are_configured_with_display_names(seeded):
    configs = {c.attribute_type: c for c in AttributeConfig.objects.prefetch_related("skills")}
    skills = {t: sorted(s.name for s in c.skills.all()) for t, c in configs.items()}
    assert skills == {
        "purchase": ["Sales"],
        "lead": ["Sales"],
        "service": ["Billing", "Tech support"],
    }
    for config in configs.values():
        assert config.submit_by_agent
        assert all(field.display_name for field in config.fields.all())
    assert not AttributeConfig.objects.filter(skills__name="General").exists()


def test_surveys_for_sales_and_general(seeded):
    sales = AgentSurvey.objects.get(skills__name="Sales")
    general = AgentSurvey.objects.get(skills__name="General")
    assert sales != general
    assert sales.questions.filter(predefined="topic").get().options.exists()
    assert sales.questions.filter(predefined="outcome").get().options.exists()
    assert general.questions.exists()


def test_campaigns_goals_settings_and_policy(seeded):
    assert Campaign.objects.filter(is_default=True).count() == 1
    assert set(Campaign.objects.values_list("skill__name", flat=True)) == {
        "Sales",
        "Billing",
        "Tech support",
        "General",
    }
    assert set(Goal.objects.values_list("goal_type", flat=True)) == {
        "sell",
        "leads",
        "service",
        "interact",
    }
    assert AccountSettings.load().default_currency == "USD"
    assert AttributionPolicy.objects.get().effective_from < NOW.date()


def test_running_twice_changes_nothing(seeded):
    counts = [
        model.objects.count()
        for model in (AttributeConfig, AgentSurvey, Campaign, Goal, AuditEntry, AttributionPolicy)
    ]
    seed_configuration(now=NOW)
    assert counts == [
        model.objects.count()
        for model in (AttributeConfig, AgentSurvey, Campaign, Goal, AuditEntry, AttributionPolicy)
    ]
