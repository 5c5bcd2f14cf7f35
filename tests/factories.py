"""factory-boy factories shared by the whole suite. Apps' tests may add their own beside them."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from campaigns.models import AgentGroup, Campaign, Goal, GoalType, Skill, User
from campaigns.roles import Role
from workspace.models import Conversation, Message, Segment, Visitor
from workspace.services.credit import credit_conversations


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")


class AgentGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Group {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)


class AgentFactory(UserFactory):
    username = factory.Sequence(lambda n: f"agent-{n}")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.groups.set(Group.objects.filter(name__in=extracted or [Role.AGENT]))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    name = factory.Sequence(lambda n: f"Goal {n}")
    goal_type = GoalType.SELL


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    goal = factory.SubFactory(GoalFactory)


class VisitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visitor

    external_id = factory.Sequence(lambda n: f"visitor-{n}")


class ConversationFactory(factory.django.DjangoModelFactory):
    """An open conversation with one segment for its agent and skill."""

    class Meta:
        model = Conversation
        skip_postgeneration_save = True

    external_id = factory.Sequence(lambda n: f"conv-{n}")
    visitor = factory.SubFactory(VisitorFactory)
    skill = factory.SubFactory(SkillFactory)
    agent = factory.SubFactory(AgentFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=10))
    ended_at = None

    @factory.post_generation
    def segment(self, create, extracted, **kwargs):
        if create:
            Segment.objects.create(
                conversation=self,
                agent=self.agent,
                skill=self.skill,
                started_at=self.started_at,
                ended_at=self.ended_at,
                end_reason=Segment.EndReason.CLOSE if self.ended_at else "",
            )
            credit_conversations([self.pk])  # as the conversation services do


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    sent_by = Message.SentBy.CONSUMER
    text = factory.Faker("sentence")
    sent_at = factory.LazyAttribute(lambda m: m.conversation.started_at + timedelta(seconds=30))
