"""Workspace fixtures: a Sales conversation of ``agent`` with outcomes and a survey configured."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from campaigns.catalogue import AttributeType
from campaigns.models import AccountSettings
from tests.factories import ConversationFactory
from tests.workspace.factories import agent_survey, attribute_config

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def account(db):
    return AccountSettings.load()


@pytest.fixture
def purchase_config(sales_skill):
    return attribute_config(AttributeType.PURCHASE, skills=[sales_skill])


@pytest.fixture
def lead_config(sales_skill):
    return attribute_config(AttributeType.LEAD, skills=[sales_skill])


@pytest.fixture
def service_config(sales_skill):
    return attribute_config(AttributeType.SERVICE, skills=[sales_skill])


@pytest.fixture
def survey(sales_skill):
    return agent_survey(skills=[sales_skill], name="Sales survey")


@pytest.fixture
def conversation(agent, sales_skill):
    """An open Sales conversation of ``agent`` (started ten minutes before NOW)."""
    return ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(minutes=10)
    )


@pytest.fixture
def closed_conversation(agent, sales_skill):
    """A Sales conversation of ``agent`` that ended five minutes before NOW."""
    return ConversationFactory(
        agent=agent,
        skill=sales_skill,
        started_at=NOW - timedelta(minutes=20),
        ended_at=NOW - timedelta(minutes=5),
    )


@pytest.fixture
def detail_url(conversation):
    return reverse("workspace:conversation-detail", args=[conversation.pk])


@pytest.fixture
def create_url(conversation):
    def url(attribute_type=AttributeType.PURCHASE):
        return reverse("workspace:outcome-create", args=[conversation.pk, attribute_type])

    return url
