"""Factories for Campaign Builder tests (beside the shared ones in tests/factories.py)."""

import factory
from django.utils import timezone

from campaigns.models import (
    AgentSurvey,
    AttributeConfig,
    AttributeField,
    AuditEntry,
    Connector,
    QuestionKind,
    SurveyOption,
    SurveyQuestion,
)


class AttributeConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeConfig
        django_get_or_create = ("attribute_type",)
        skip_postgeneration_save = True

    attribute_type = "lead"
    submit_by_agent = True

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class AttributeFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeField

    config = factory.SubFactory(AttributeConfigFactory)
    property_key = "topic"
    display_name = factory.LazyAttribute(lambda f: f.property_key.title())
    position = factory.Sequence(lambda n: n + 1)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentSurvey

    name = factory.Sequence(lambda n: f"Survey {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = QuestionKind.FREE_TEXT
    position = factory.Sequence(lambda n: n + 1)


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyOption

    question = factory.SubFactory(QuestionFactory, kind=QuestionKind.SINGLE)
    label = factory.Sequence(lambda n: f"Option {n}")
    position = factory.Sequence(lambda n: n + 1)


class ConnectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connector

    name = factory.Sequence(lambda n: f"Connector {n}")
    key_digest = factory.Sequence(lambda n: f"{n:064d}")
    key_prefix = "co_test"


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    at = factory.LazyFunction(timezone.now)
    action = "goal.update"
    object_type = "campaigns.Goal"
    object_id = "1"
    object_repr = factory.Sequence(lambda n: f"Goal {n}")
    before = {"name": "Old"}
    after = {"name": "New"}
