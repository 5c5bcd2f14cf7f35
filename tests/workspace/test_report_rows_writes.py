"""The completeness and duplicate-group rows are kept by the writes: after any sequence of the
services (outcomes reported, corrected to another order id, retracted, declined; customer events
ingested; surveys answered and dismissed; conversations transferred and closed; visitors erased),
the stored rows equal both a plain-Python statement of them read from the source tables and a
rebuild from scratch."""

import contextlib
import random
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from campaigns.catalogue import AttributeType
from campaigns.models import GoalType, QuestionKind
from tests.factories import AgentFactory, ConversationFactory
from tests.reporting.factories import campaign
from tests.reporting.factories import goal as make_goal
from tests.workspace.conftest import NOW
from tests.workspace.factories import agent_survey, attribute_config
from workspace.models import (
    AGENT_SOURCES,
    Completion,
    Conversation,
    DuplicateAgent,
    DuplicateGroup,
    EngagementAttributeEvent,
    NoOutcome,
    SurveyResponse,
)
from workspace.services.conversations import CloseWay, conversation_close, conversation_transfer
from workspace.services.credit import COVERED_BITS, report_rows_rebuild
from workspace.services.ingest import engagement_attributes_ingest
from workspace.services.outcomes import (
    ActionRefused,
    no_outcome_choose,
    outcome_correct,
    outcome_retract,
    outcome_submit,
)
from workspace.services.privacy import visitor_erase
from workspace.services.surveys import survey_dismiss, survey_submit

pytestmark = pytest.mark.django_db


def stored() -> tuple[list, list, list]:
    completions = sorted(
        Completion.objects.values_list(
            "conversation_id",
            "agent_id",
            "skill_id",
            "campaign_id",
            "ended_at",
            "covered",
            "submitted",
            "answered",
        )
    )
    groups = sorted(
        DuplicateGroup.objects.values_list("dedupe_key", "reports", "first_at", "conflict")
    )
    agents = sorted(
        DuplicateAgent.objects.values_list(
            "dedupe_key", "agent_id", "reports", "first_at", "conflict"
        )
    )
    return completions, groups, agents


def expected() -> tuple[list, list, list]:
    """The same rows, stated again in plain Python over the source tables."""
    completions = []
    for talk in Conversation.objects.filter(ended_at__isnull=False):
        reported = EngagementAttributeEvent.objects.filter(
            conversation=talk, source__in=AGENT_SOURCES, retracted_at__isnull=True
        ).values_list("attribute_type", flat=True)
        declined = NoOutcome.objects.filter(conversation=talk).values_list(
            "attribute_type", flat=True
        )
        covered = 0
        for attribute_type in {*reported, *declined}:
            covered |= COVERED_BITS[attribute_type]
        responses = SurveyResponse.objects.filter(conversation=talk)
        completions.append(
            (
                talk.pk,
                talk.agent_id,
                talk.skill_id,
                talk.campaign_id,
                talk.ended_at,
                covered,
                int(responses.filter(status="submitted").exists()),
                int(responses.exists()),
            )
        )
    groups, agents = [], set()
    keyed = EngagementAttributeEvent.objects.exclude(dedupe_key="").select_related("conversation")
    for key in set(keyed.values_list("dedupe_key", flat=True)):
        reports = [e for e in keyed if e.dedupe_key == key]
        standing = [e for e in reports if e.retracted_at is None]
        if len(standing) < 2:
            continue
        amounts = {e.amount for e in standing if e.amount is not None}
        conflict = (
            len(amounts) > 1
            or len({e.currency for e in standing}) > 1
            or (bool(amounts) and any(e.amount is None for e in standing))
        )
        group = (key, len(standing), min(e.occurred_at for e in standing), int(conflict))
        groups.append(group)
        for e in reports:
            for agent in (e.agent_id, e.conversation and e.conversation.agent_id):
                if agent is not None:
                    agents.add((key, agent, *group[1:]))
    agents = sorted(agents)
    return sorted(completions), sorted(groups), agents


def assert_kept() -> None:
    kept = stored()
    assert kept == expected()
    report_rows_rebuild()
    assert stored() == kept


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(sales_skill):
    campaign(make_goal(GoalType.SELL), is_default=True, name="Default sales")
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)
    attribute_config(AttributeType.LEAD, skills=[sales_skill])
    survey = agent_survey(
        skills=[sales_skill], questions=[("Notes", QuestionKind.FREE_TEXT, False, [])]
    )
    return survey.questions.get()


def _ingest(visitor_id: str, total: str, order: str, conversation_id: str | None = None):
    sde = {"type": "purchase", "total": total, "currency": "EUR", "orderId": order}
    engagement_attributes_ingest(
        connector=None,
        raw_sdes=[sde],
        visitor_id=visitor_id,
        conversation_id=conversation_id,
        now=NOW,
    )


def _step(rng, action, talk, agents, events, question, step):
    if action == "report":
        values = {"total": Decimal(f"{step}.25"), "orderId": f"ORD-{step % 3}"}
        kind = rng.choice([AttributeType.PURCHASE, AttributeType.LEAD])
        if kind == AttributeType.LEAD:
            values = {"leadId": f"L-{step % 3}"}
        events.append(
            outcome_submit(
                conversation=talk,
                attribute_type=kind,
                values=values,
                currency="USD",
                actor=talk.agent,
                token=None,
                now=NOW,
            )
        )
    elif action == "transfer":
        others = [a for a in agents if a != talk.agent]
        conversation_transfer(
            conversation=talk, actor=None, at=NOW, agent=rng.choice(others), skill=None
        )
    elif action == "ingest":
        _ingest(talk.visitor.external_id, rng.choice(["5.00", "6.00"]), f"ORD-{step % 3}")
    elif action == "correct" and events:
        event = rng.choice(events)
        event.refresh_from_db()
        if event.attribute_type == AttributeType.PURCHASE:
            outcome_correct(
                event=event,
                values={"total": Decimal(f"{step}.99"), "orderId": f"ORD-{step % 3}"},
                currency=rng.choice(["USD", "EUR"]),
                version=event.version,
                actor=event.conversation.agent,
                now=NOW,
            )
    elif action == "retract" and events:
        event = rng.choice(events)
        event.refresh_from_db()
        outcome_retract(
            event=event,
            version=event.version,
            actor=event.conversation.agent,
            reason="Reported in error",
            now=NOW,
        )
    elif action == "decline":
        no_outcome_choose(
            conversation=talk, attribute_type=AttributeType.PURCHASE, actor=talk.agent, now=NOW
        )
    elif action == "close":
        conversation_close(conversation=talk, actor=None, at=NOW, way=CloseWay.API)
    elif action == "survey":
        survey_submit(
            conversation=talk,
            answers={question.pk: f"note {step}"},
            actor=talk.agent,
            token=None,
            now=NOW,
        )
    elif action == "dismiss":
        survey_dismiss(conversation=talk, actor=talk.agent, token=None, now=NOW)


@pytest.mark.parametrize("seed", [13, 14])
def test_random_histories_keep_the_rows_equal_to_the_source_tables(world, sales_skill, seed):
    rng = random.Random(seed)
    agents = [AgentFactory(skills=[sales_skill]) for _ in range(3)]
    conversations = [
        ConversationFactory(
            agent=rng.choice(agents),
            skill=sales_skill,
            started_at=NOW - timedelta(days=rng.randint(0, 2), minutes=rng.randint(5, 50)),
        )
        for _n in range(5)
    ]
    events = []
    actions = ["report"] * 4 + ["ingest"] * 2 + ["transfer", "correct", "retract", "decline"]
    actions += ["close", "survey", "dismiss"]
    seen = set()
    for step in range(30):
        talk = rng.choice(conversations)
        talk.refresh_from_db()
        # Refused as a person would be (closed, not theirs, answered already, ...): no change.
        with contextlib.suppress(ActionRefused, ValidationError, ValueError):
            _step(rng, rng.choice(actions), talk, agents, events, world, step)
        assert_kept()
        seen |= {"groups"} if DuplicateGroup.objects.exists() else set()
        seen |= {"declined"} if NoOutcome.objects.exists() else set()
        seen |= {"answered"} if SurveyResponse.objects.exists() else set()
        seen |= {"reported"} if Completion.objects.filter(covered__gt=0).exists() else set()
    visitor_erase(visitor=conversations[0].visitor, actor=None, now=NOW)
    assert_kept()
    # The history reported an order twice, declined, answered and closed reported ones.
    assert seen == {"groups", "declined", "answered", "reported"}


def test_a_corrected_order_id_leaves_its_old_group(world, agent, sales_skill):
    talks = [
        ConversationFactory(agent=agent, skill=sales_skill, started_at=NOW - timedelta(hours=h))
        for h in (1, 2)
    ]
    first, second = (
        outcome_submit(
            conversation=talk,
            attribute_type=AttributeType.PURCHASE,
            values={"total": Decimal("5.00"), "orderId": "ORD-1"},
            currency="USD",
            actor=agent,
            token=None,
            now=NOW,
        )
        for talk in talks
    )
    assert DuplicateGroup.objects.get().dedupe_key == "purchase:ord-1"
    outcome_correct(
        event=second,
        values={"total": Decimal("5.00"), "orderId": "ORD-2"},
        currency="USD",
        version=second.version,
        actor=agent,
        now=NOW,
    )
    assert not DuplicateGroup.objects.exists()
    assert first.pk
    assert_kept()
