"""Completeness, its drill-downs and the follow-up queue read the ``Completion`` rows the writes
keep, and the duplicates review the ``DuplicateGroup`` rows: over random histories their numbers
equal a plain statement of the rules read from the source tables, and each page runs the same
number of queries however many rows it shows."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import (
    AccountSettings,
    AgentSurvey,
    AttributeConfig,
    Skill,
    SurveyQuestion,
    SurveySkill,
)
from reporting.selectors.completeness import (
    CompletenessSet,
    completeness_conversations,
    completeness_rows,
    follow_up_queue,
)
from reporting.selectors.duplicates import duplicate_groups
from tests.factories import AgentFactory
from tests.reporting.factories import context_for, conversation, event
from workspace.models import (
    AGENT_SOURCES,
    Conversation,
    EngagementAttributeEvent,
    NoOutcome,
    SurveyResponse,
)
from workspace.services.credit import credit_completion

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _required(talk: Conversation) -> set[str]:
    """The outcomes required before close: for the skill, or without one for the agent's."""
    configs = AttributeConfig.objects.filter(submit_by_agent=True, required_before_close=True)
    if talk.skill_id:
        return set(configs.filter(skills=talk.skill_id).values_list("attribute_type", flat=True))
    skills = talk.agent.skills.all() if talk.agent else Skill.objects.none()
    return set(configs.filter(skills__in=skills).values_list("attribute_type", flat=True))


def _survey(talk: Conversation):
    """The survey that applies (the skill's active one, else the active default) and its
    timeout there."""
    link = SurveySkill.objects.filter(skill=talk.skill_id, survey__is_active=True).first()
    survey = link.survey if link else AgentSurvey.objects.filter(is_default=True).first()
    if survey is None or not survey.is_active:
        return None, 0
    override = talk.skill.survey_timeout_minutes if talk.skill else None
    return survey, override if override is not None else survey.timeout_minutes


def reference(context, account):
    """Per agent (ended, complete, not reported) in the period, and the follow-up queue as
    (conversation, outcomes pending, survey pending), from the source tables."""
    window = timedelta(minutes=account.agent_outcome_window_minutes)
    rows, sets, queue = {}, {which: set() for which in CompletenessSet.ALL}, []
    for talk in Conversation.objects.filter(ended_at__isnull=False).order_by("ended_at", "pk"):
        f = context.filters
        if f.skill_id is not None and talk.skill_id != f.skill_id:
            continue
        if f.agent_id is not None and talk.agent_id != f.agent_id:
            continue
        reported = set(
            EngagementAttributeEvent.objects.filter(
                conversation=talk, source__in=AGENT_SOURCES, retracted_at__isnull=True
            ).values_list("attribute_type", flat=True)
        )
        declined = set(
            NoOutcome.objects.filter(conversation=talk).values_list("attribute_type", flat=True)
        )
        responses = SurveyResponse.objects.filter(conversation=talk)
        missing = bool(_required(talk) - reported - declined)
        complete = bool(reported or declined) or responses.filter(status="submitted").exists()
        not_reported = missing and talk.ended_at <= context.now - window
        survey, minutes = _survey(talk)
        survey_pending = (
            survey is not None
            and SurveyQuestion.objects.filter(survey=survey, required=True).exists()
            and not responses.exists()
            and context.now < talk.ended_at + timedelta(minutes=minutes)
        )
        outcomes_pending = missing and talk.ended_at > context.now - window
        if outcomes_pending or survey_pending:
            queue.append((talk.pk, outcomes_pending, survey_pending))
            sets[CompletenessSet.QUEUE].add(talk.pk)
        if not f.start_at <= talk.ended_at < f.end_at:
            continue
        row = rows.setdefault(talk.agent_id, [0, 0, 0])
        row[0] += 1
        row[1] += complete
        row[2] += not_reported
        sets[CompletenessSet.ENDED].add(talk.pk)
        sets[CompletenessSet.COMPLETE if complete else CompletenessSet.INCOMPLETE].add(talk.pk)
        if not_reported:
            sets[CompletenessSet.NOT_REPORTED].add(talk.pk)
    return {k: tuple(v) for k, v in rows.items()}, queue, sets


@pytest.fixture
def world(default_sell, sales_skill, billing_skill):
    purchase = AttributeConfig.objects.create(
        attribute_type="purchase", submit_by_agent=True, required_before_close=True
    )
    purchase.skills.add(sales_skill)
    lead = AttributeConfig.objects.create(
        attribute_type="lead", submit_by_agent=True, required_before_close=True
    )
    lead.skills.add(sales_skill, billing_skill)
    AttributeConfig.objects.create(attribute_type="cart", submit_by_agent=True)
    wrap_up = AgentSurvey.objects.create(name="Wrap-up", timeout_minutes=60)
    SurveyQuestion.objects.create(survey=wrap_up, position=1, text="Why?", required=True)
    SurveySkill.objects.create(survey=wrap_up, skill=sales_skill)
    billing_skill.survey_timeout_minutes = 10
    billing_skill.save()
    SurveySkill.objects.create(survey=wrap_up, skill=billing_skill)
    AgentSurvey.objects.create(name="Default", timeout_minutes=30, is_default=True)
    return [
        AgentFactory(skills=[sales_skill]),
        AgentFactory(skills=[billing_skill]),
        AgentFactory(skills=[sales_skill, billing_skill]),
    ]


def _history(rng: random.Random, agents, skills, count: int) -> None:
    for _n in range(count):
        handlers = rng.sample(agents, rng.choice([1, 1, 2]))
        if rng.random() < 0.5:  # ended minutes ago: windows and timeouts still open
            started = NOW - timedelta(minutes=rng.randint(12, 80))
        else:
            started = datetime(2026, 2, 25, 9, tzinfo=UTC) + timedelta(hours=rng.randint(0, 600))
        talk = conversation(
            *handlers, skill=rng.choice(skills), started=started, ended=rng.random() < 0.9
        )
        for _event in range(rng.choice([0, 0, 1, 2])):
            event(
                rng.choice(["purchase", "lead", "cart"]),
                conversation=talk,
                source=rng.choice([*AGENT_SOURCES, "server_api"]),
                amount="5.00",
                action_id=f"K-{rng.randint(0, 5)}",
                retracted=rng.random() < 0.2,
            )
        if rng.random() < 0.3:
            NoOutcome.objects.create(
                conversation=talk,
                attribute_type=rng.choice(["purchase", "lead"]),
                chosen_by=talk.agent,
                chosen_at=talk.started_at,
            )
        if rng.random() < 0.3:
            SurveyResponse.objects.create(
                conversation=talk,
                survey=AgentSurvey.objects.get(name="Wrap-up"),
                status=rng.choice(["submitted", "dismissed"]),
                submitted_by=talk.agent,
                submitted_at=talk.started_at,
            )
        credit_completion([talk.pk])  # as the outcome and survey services do


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_completeness_and_the_queue_equal_the_rules_over_the_source_tables(
    world, sales_skill, billing_skill, seed
):
    rng = random.Random(seed)
    _history(rng, world, [sales_skill, billing_skill, None], 40)
    account = AccountSettings.load()
    contexts = [
        context_for(now=NOW),
        context_for(now=NOW, skill_id=sales_skill.pk),
        context_for(now=NOW, agent_id=world[2].pk),
        context_for(now=NOW, start=date(2026, 3, 10), end=date(2026, 3, 20)),
    ]
    for context in contexts:
        rows, queue, sets = reference(context, account)
        got = {
            r.agent_id: (r.ended, r.complete, r.not_reported)
            for r in completeness_rows(context, account)
        }
        assert got == rows
        listed, count = follow_up_queue(context, account, limit=1000)
        assert [(c.pk, c.outcomes_pending, c.survey_pending) for c in listed] == queue
        assert count == len(queue)
        for which, expected in sets.items():
            found = completeness_conversations(context, which, account)
            assert set(found.values_list("pk", flat=True)) == expected, which
    assert reference(contexts[0], account)[1]  # the history left some in the queue


def _recent(agents, skill, count: int, start: int = 0) -> None:
    """``count`` conversations that ended minutes ago with a required outcome still missing,
    and an order reported twice on each (a duplicate group)."""
    for n in range(start, start + count):
        talk = conversation(
            agents[n % len(agents)], skill=skill, started=NOW - timedelta(minutes=20 + n)
        )
        event(conversation=talk, amount="5.00", action_id=f"D-{n}")
        event(conversation=talk, source="server_api", amount="6.00", action_id=f"D-{n}")


@pytest.mark.parametrize(
    ("client_name", "url_name"),
    [
        ("admin_client", "reporting:completeness"),
        ("agent_manager_client", "reporting:completeness"),
        ("admin_client", "reporting:duplicate-list"),
        ("agent_manager_client", "reporting:duplicate-list"),
    ],
)
def test_queries_stay_constant_in_rows(
    request, world, agent, sales_skill, client_name, url_name, time_machine
):
    time_machine.move_to(NOW, tick=False)
    client = request.getfixturevalue(client_name)
    lead = AttributeConfig.objects.get(attribute_type="lead")
    lead.required_before_close = False  # purchases only: the reported ones complete them
    lead.save()
    agents = [agent, *world]
    _recent(agents, sales_skill, 2)
    url, params = reverse(url_name), {"start": "2026-03-01", "end": "2026-03-31"}
    client.get(url, params)  # warm caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, params)
        assert response.status_code == 200
    _recent(agents, sales_skill, 12, start=2)
    client.get(url, params)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, params)
        assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    if url_name == "reporting:duplicate-list":
        groups, _page = duplicate_groups(context_for())
        assert len(groups) == 14  # every group is listed for the admin
    else:
        [row] = [
            r
            for r in completeness_rows(context_for(now=NOW), AccountSettings.load())
            if r.agent_id == agent.pk
        ]
        assert row.ended == 4
