"""Factories for the Agent Workspace tests: campaign configuration the widget reads, and
agent- and customer-reported events."""

from datetime import timedelta

import factory
from django.utils import timezone

from campaigns.catalogue import AttributeType
from campaigns.models import (
    AgentSurvey,
    AttributeConfig,
    AttributeField,
    Connector,
    QuestionKind,
    SurveyOption,
    SurveyQuestion,
    SurveySkill,
)
from tests.factories import ConversationFactory
from workspace.models import EngagementAttributeEvent, EventSource

DEFAULT_FIELDS = {
    AttributeType.PURCHASE: [("total", "Order total"), ("orderId", "Order number")],
    AttributeType.LEAD: [("topic", "Lead topic"), ("value", "Lead value"), ("leadId", "Lead ID")],
    AttributeType.SERVICE: [
        ("topic", "Topic"),
        ("status", "Status"),
        ("category", "Category"),
        ("serviceId", "Ticket"),
    ],
}


def attribute_config(attribute_type, *, skills, fields=None, required=False, enabled=True):
    """Turn on **Submit by agent** for ``attribute_type`` with ``fields`` (key, display name)."""
    config, _created = AttributeConfig.objects.update_or_create(
        attribute_type=attribute_type,
        defaults={"submit_by_agent": enabled, "required_before_close": required},
    )
    config.skills.set(skills)
    config.fields.all().delete()
    for position, (key, name) in enumerate(fields or DEFAULT_FIELDS[attribute_type]):
        AttributeField.objects.create(
            config=config, property_key=key, display_name=name, position=position
        )
    return config


def agent_survey(*, skills=(), default=False, questions=None, timeout_minutes=30, name=None):
    """A survey with ``questions``: ``(text, kind, required, [options])`` tuples."""
    survey = AgentSurvey.objects.create(
        name=name or f"Survey {AgentSurvey.objects.count() + 1}",
        is_default=default,
        timeout_minutes=timeout_minutes,
    )
    for skill in skills:
        SurveySkill.objects.create(survey=survey, skill=skill)
    spec = questions
    if spec is None:
        spec = [
            ("Was the customer satisfied?", QuestionKind.SINGLE, True, ["Yes", "No"]),
            ("Notes", QuestionKind.FREE_TEXT, False, []),
        ]
    for position, (text, kind, required, options) in enumerate(spec):
        question = SurveyQuestion.objects.create(
            survey=survey, position=position, text=text, kind=kind, required=required
        )
        for index, label in enumerate(options):
            SurveyOption.objects.create(question=question, position=index, label=label)
    return survey


class ConnectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connector

    name = factory.Sequence(lambda n: f"Shop {n}")
    key_digest = factory.Sequence(lambda n: f"{n:064d}")
    key_prefix = "ok_test"


class CustomerEventFactory(factory.django.DjangoModelFactory):
    """A customer-reported (server API) event on a conversation, as the ingest API stores it."""

    class Meta:
        model = EngagementAttributeEvent

    attribute_type = AttributeType.PURCHASE
    source = EventSource.SERVER_API
    conversation = factory.SubFactory(ConversationFactory)
    visitor = factory.LazyAttribute(lambda e: e.conversation.visitor)
    connector = factory.SubFactory(ConnectorFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=3))
    received_at = factory.LazyFunction(timezone.now)
    payload = factory.LazyAttribute(lambda e: {"type": e.attribute_type})
