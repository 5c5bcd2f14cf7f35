"""Demo agent-reported outcomes and survey responses on the demo conversations, made through the
workspace services (so they carry provenance, revisions and audit entries like real ones).

Works off whatever configuration exists: attributes with **Submit by agent** on and active
surveys; with none, it does nothing. Idempotent: a second run finds the outcomes and stops.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.catalogue import AttributeType, ServiceStatus
from campaigns.models import (
    AccountSettings,
    AgentGroup,
    AgentSurvey,
    AttributeConfig,
    QuestionKind,
    Skill,
    User,
)
from campaigns.selectors.widget_config import enabled_attribute_configs, required_attribute_types
from workspace.demo import DEMO_PREFIX, SCRIPTS
from workspace.models import AGENT_SOURCES, Conversation, EngagementAttributeEvent, Visitor
from workspace.selectors.access import skill_ids_for
from workspace.selectors.survey import question_choices, survey_for_conversation
from workspace.services.conversations import messages_append
from workspace.services.outcomes import (
    ActionRefused,
    no_outcome_choose,
    outcome_amend,
    outcome_submit,
)
from workspace.services.surveys import survey_dismiss, survey_submit

LIVE_PREFIX = f"{DEMO_PREFIX}live-"
LEAD_TOPICS = ["Team plan upgrade", "Enterprise quote", "Annual renewal", "Add-on seats"]
SERVICE_TOPICS = ["Refund", "Duplicate charge", "Login problem", "App update"]
CATEGORIES = ["Billing", "Account", "Technical"]


def _values(rng: random.Random, attribute_type: str, n: int, last_order: str | None) -> dict:
    if attribute_type == AttributeType.PURCHASE:
        # Every eighth order repeats the previous order ID: a duplicate the reports flag.
        order = last_order if last_order and n % 8 == 0 else f"ORD-{10400 + n}"
        return {"total": Decimal(rng.randint(1900, 89900)) / 100, "orderId": order}
    if attribute_type == AttributeType.LEAD:
        return {
            "topic": rng.choice(LEAD_TOPICS),
            "value": Decimal(rng.randint(200, 5000)),
            "leadId": f"LEAD-{5200 + n}",
        }
    return {
        "topic": rng.choice(SERVICE_TOPICS),
        "status": rng.choice(
            [ServiceStatus.COMPLETE, ServiceStatus.RESOLVED, ServiceStatus.PENDING]
        ),
        "category": rng.choice(CATEGORIES),
        "serviceId": f"TCK-{7700 + n}",
    }


def _answers(rng: random.Random, survey: AgentSurvey, account: AccountSettings) -> dict:
    answers = {}
    for question in survey.questions.all():
        choices = [value for value, _label in question_choices(question, account)]
        if question.kind == QuestionKind.MULTIPLE and choices:
            answers[question.pk] = rng.sample(choices, k=min(2, len(choices)))
        elif question.has_options and choices:
            answers[question.pk] = rng.choice(choices)
        elif question.kind == QuestionKind.NUMBER:
            answers[question.pk] = Decimal(rng.randint(1, 10))
        elif question.kind == QuestionKind.FREE_TEXT and question.required:
            answers[question.pk] = "Customer was happy with the answer."
    return answers


def _managers_by_group() -> dict[int, User]:
    return {group.pk: group.managers.first() for group in AgentGroup.objects.all()}


def _report_outcomes(conversation, rng, counters, at) -> list[EngagementAttributeEvent]:
    events = []
    configs = enabled_attribute_configs(skill_ids_for(conversation))
    chances = {AttributeType.PURCHASE: 0.5, AttributeType.LEAD: 0.3, AttributeType.SERVICE: 0.45}
    for config in configs:
        t = config.attribute_type
        repeats = 2 if t == AttributeType.PURCHASE and rng.random() < 0.12 else 1
        for _i in range(repeats if rng.random() < chances[t] else 0):
            counters[t] = counters.get(t, 0) + 1
            values = _values(rng, t, counters[t], counters.get("last_order"))
            currency = "EUR" if rng.random() < 0.3 else "USD"
            events.append(
                outcome_submit(
                    conversation=conversation,
                    attribute_type=t,
                    values=values,
                    currency=currency,
                    actor=conversation.agent,
                    token=None,
                    now=at,
                )
            )
            counters["last_order"] = values.get("orderId", counters.get("last_order"))
    reported = {event.attribute_type for event in events}
    for t in required_attribute_types(skill_ids_for(conversation)) - reported:
        no_outcome_choose(
            conversation=conversation, attribute_type=t, actor=conversation.agent, now=at
        )
    return events


def _answer_survey(conversation, rng, at) -> None:
    survey = survey_for_conversation(conversation)
    if survey is None:
        return
    roll = rng.random()
    if roll < 0.6:
        survey_submit(
            conversation=conversation,
            answers=_answers(rng, survey, AccountSettings.load()),
            actor=conversation.agent,
            token=None,
            now=at,
        )
    elif roll < 0.7 and not any(q.required for q in survey.questions.all()):
        survey_dismiss(conversation=conversation, actor=conversation.agent, token=None, now=at)
    # The rest stays unanswered: timed out once their window has passed (derived).


def _amend_one(events, managers, at) -> None:
    """One manager amendment, so the demo shows an outcome's history."""
    for event in events:
        if event.attribute_type != AttributeType.PURCHASE or event.amount is None:
            continue
        manager = managers.get(event.agent.agent_group_id) if event.agent else None
        if manager is None:
            continue
        outcome_amend(
            event=event,
            values={"total": event.amount + 10, "orderId": event.action_id},
            currency=event.currency,
            version=event.version,
            actor=manager,
            reason="Customer added a second licence after the chat (confirmed by email).",
            now=at,
        )
        return


def _live_conversations(now: datetime) -> None:
    """Conversations for the demo agent to try at once: two Sales ones (open, and closed ten
    minutes ago) for the outcomes and the pending badges, and an open General one, whose skill
    has a survey and no outcomes."""
    agent = User.objects.filter(username="agent").first()
    skills = {skill.name: skill for skill in Skill.objects.filter(name__in=["Sales", "General"])}
    if agent is None or len(skills) < 2:
        return
    live = ((1, "Sales", None), (2, "Sales", now - timedelta(minutes=10)), (3, "General", None))
    for n, skill_name, ended in live:
        skill = skills[skill_name]
        external_id = f"{LIVE_PREFIX}{n}"
        if Conversation.objects.filter(external_id=external_id).exists():
            continue
        visitor, _created = Visitor.objects.get_or_create(external_id=f"{LIVE_PREFIX}visitor-{n}")
        started = now - timedelta(minutes=25 if ended else 6)
        conversation = Conversation.objects.create(
            external_id=external_id,
            visitor=visitor,
            skill=skill,
            agent=agent,
            started_at=started,
            ended_at=ended,
        )
        conversation.segments.create(
            agent=agent,
            skill=skill,
            started_at=started,
            ended_at=ended,
            end_reason="close" if ended else "",
        )
        script = SCRIPTS[skill_name]
        messages_append(
            conversation=conversation,
            messages=[
                (by, text, started + timedelta(seconds=40 * i + 5))
                for i, (by, text) in enumerate(script)
            ],
        )


@transaction.atomic
def seed_outcomes(*, now: datetime) -> None:
    """Agent-reported outcomes and survey responses on demo conversations (idempotent)."""
    _live_conversations(now)
    demo = Conversation.objects.filter(external_id__startswith=DEMO_PREFIX)
    done = (
        EngagementAttributeEvent.objects.filter(
            conversation__in=demo, source__in=AGENT_SOURCES
        ).exists()
        or demo.filter(survey_responses__isnull=False).exists()
    )
    configured = AttributeConfig.objects.filter(submit_by_agent=True).exists()
    if done or not (configured or AgentSurvey.objects.filter(is_active=True).exists()):
        return
    rng = random.Random(20261124)  # noqa: S311 - demo data, not security
    managers = _managers_by_group()
    counters: dict = {}
    closed = (
        demo.filter(ended_at__lt=now - timedelta(hours=1), agent__isnull=False)
        .exclude(external_id__startswith=LIVE_PREFIX)
        .select_related("skill", "agent", "visitor")
        .order_by("external_id")
    )
    events = []
    for conversation in closed:
        at = conversation.ended_at - timedelta(minutes=1)
        try:
            events.extend(_report_outcomes(conversation, rng, counters, at))
            _answer_survey(conversation, rng, at)
        except (ValidationError, ActionRefused):
            continue  # a configuration the demo did not foresee: skip that conversation
    _amend_one(events, managers, now - timedelta(hours=1))
