"""Small builders for report fixtures that can be counted by hand: conversations with explicit
segments, and events with exactly the typed columns the reports read."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory

from campaigns.catalogue import AttributeType
from campaigns.models import AttributionPolicy, Campaign, Goal, GoalType, ServiceStatusBox
from reporting.filters import ReportFilters, Scope
from reporting.models import Target
from reporting.selectors.context import ReportContext, account_report_settings
from tests.factories import AgentFactory, VisitorFactory
from workspace.models import Conversation, EngagementAttributeEvent, EventSource, Segment
from workspace.services.credit import credit_conversations, credit_event, credit_rebuild
from workspace.services.events import dedupe_key_for

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SEQ = iter(range(1, 10**9))


def goal(goal_type: str = GoalType.SELL, **kwargs) -> Goal:
    boxes = kwargs.pop("boxes", [])
    made = Goal.objects.create(name=f"Goal {next(SEQ)}", goal_type=goal_type, **kwargs)
    for topic, status in boxes:
        ServiceStatusBox.objects.create(goal=made, topic=topic, status=status)
    return made


def campaign(goal_obj: Goal | None = None, **kwargs) -> Campaign:
    return Campaign.objects.create(
        name=kwargs.pop("name", f"Campaign {next(SEQ)}"), goal=goal_obj or goal(), **kwargs
    )


def conversation(
    *agents,
    started: datetime = T0,
    skill=None,
    campaign=None,
    visitor=None,
    minutes: int = 10,
    ended: bool = True,
) -> Conversation:
    """A conversation handled by ``agents`` in turn (one segment each, a minute apart)."""
    agents = agents or (AgentFactory(),)
    made = Conversation.objects.create(
        external_id=f"rep-{next(SEQ)}",
        visitor=visitor or VisitorFactory(),
        skill=skill,
        campaign=campaign,
        agent=agents[-1],
        started_at=started,
        ended_at=started + timedelta(minutes=minutes) if ended else None,
    )
    for index, agent in enumerate(agents):
        Segment.objects.create(
            conversation=made,
            agent=agent,
            skill=skill,
            started_at=started + timedelta(minutes=index),
            ended_at=started + timedelta(minutes=index + 1),
        )
    credit_conversations([made.pk])  # as the conversation services do
    return made


def event(
    kind: str = AttributeType.PURCHASE,
    *,
    conversation: Conversation | None = None,
    visitor=None,
    source: str = EventSource.AGENT_WIDGET,
    agent=None,
    amount: str | None = None,
    currency: str = "USD",
    action_id: str = "",
    topic: str = "",
    status: int | None = None,
    category: str = "",
    at: datetime | None = None,
    retracted: bool = False,
) -> EngagementAttributeEvent:
    if source != EventSource.SERVER_API and agent is None and conversation is not None:
        agent = conversation.agent
    key_values = {
        AttributeType.PURCHASE: {"orderId": action_id},
        AttributeType.LEAD: {"leadId": action_id},
        AttributeType.SERVICE: {"serviceId": action_id, "topic": topic, "status": status},
    }.get(kind, {})
    occurred = at or (conversation.started_at + timedelta(minutes=2) if conversation else T0)
    made = EngagementAttributeEvent.objects.create(
        attribute_type=kind,
        source=source,
        conversation=conversation,
        visitor=visitor or conversation.visitor,
        agent=agent if source != EventSource.SERVER_API else None,
        reported_by=agent if source != EventSource.SERVER_API else None,
        skill=conversation.skill if conversation else None,
        occurred_at=occurred,
        received_at=occurred,
        amount=Decimal(amount) if amount is not None else None,
        currency=currency if amount is not None else "",
        action_id=action_id,
        topic=topic,
        status=status,
        category=category,
        dedupe_key=dedupe_key_for(kind, key_values),
        retracted_at=occurred + timedelta(minutes=1) if retracted else None,
    )
    credit_event(made)  # as the outcome and ingest services do
    return made


def policy(effective: date, model: str, window: int = 7) -> AttributionPolicy:
    made = AttributionPolicy.objects.create(
        effective_from=effective, model=model, cross_session_window_days=window
    )
    credit_rebuild(since=made.starts_at)  # as the task worker does after a policy change
    return made


def context_for(
    user=None, *, start: date = date(2026, 3, 1), end: date = date(2026, 3, 31), **filters
) -> ReportContext:
    """A report context over March 2026 (UTC) for ``user`` (everyone when None)."""
    now = filters.pop("now", datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    account, periods = account_report_settings()
    scope = Scope.for_reports(user) if user is not None else Scope(Scope.ALL)
    if filters.pop("own", False):
        scope = Scope.own(user)
    return ReportContext(
        filters=ReportFilters(start=start, end=end, **filters),
        scope=scope,
        periods=periods,
        default_currency=account.default_currency,
        now=now,
    )


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    month = date(2026, 3, 1)
    goal_type = GoalType.SELL
    count_target = Decimal(10)
