"""Benchmark data at scale (``seed_demo --conversations N --agents M``, SPEC section 8): closed
conversations over 60 days and about two engagement attribute events per conversation, generated
without loops over ORM objects so that a million conversations seed in minutes.

The mix, for conversation number ``g`` (deterministic; the same N twice changes nothing):
- one segment; transferred for ``(g // 10) % 10 == 0`` (10 %, with two agents or more): a first
  segment under the roster's agent ``g``, ended by a transfer halfway, then one under the next
  agent (``g + 1``), who is the conversation's agent at the end;
- agent-reported (widget) for ``g % 10 < 8``: purchases (0-3), leads (4-5), service activities
  (6-7); a second agent-reported service activity for ``g % 5`` in (1, 3); one in 97 retracted;
- customer-reported (server API) on the conversation for ``g % 10`` in (0, 2, 4, 5, 6, 8):
  purchases and leads, those of 0 and 4 repeating the agent's order or lead id (duplicates);
- customer-reported left on the visitor a day after the conversation for ``g % 10 == 9`` (a lead,
  credited cross-session): about 5 % of the events;
- agent-reported events by the first agent of a transferred conversation, customer-reported ones
  (last touch) and the second service activity by the last;
- amounts in USD, and EUR for one in five;
- where a survey applies to the conversation's skill: submitted with an answer to every choice
  question (and a free text for one in ten) for even ``g`` (half), dismissed for ``g % 20 == 1``,
  left to time out otherwise.

PostgreSQL builds the rows in the server (``INSERT ... SELECT`` over ``generate_series``);
other databases (SQLite in tests, small N) get the same mix through ``bulk_create``.
Agent-reported bench events have no revision rows: reports do not read them.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction

from campaigns.models import Campaign, User
from workspace.demo_bench_surveys import seed_surveys_orm, seed_surveys_postgresql, survey_plan
from workspace.models import (
    Conversation,
    EngagementAttributeEvent,
    EventSource,
    Segment,
    Visitor,
)

BENCH_PREFIX = "bench-"
CHUNK = 100_000


def _fraction(g: int) -> float:
    """A fraction in [0, 1) from the conversation number (Knuth's multiplicative hash); the
    PostgreSQL statement computes the same."""
    return ((g * 2654435761) % 4294967296) / 4294967296


def seed_bench_conversations(
    *, now: datetime, count: int, agents: list[User], days: int = 60
) -> int:
    """Up to ``count`` benchmark conversations with their events (see module); returns how many
    were created now."""
    have = Conversation.objects.filter(external_id__regex=rf"^{BENCH_PREFIX}[0-9]+$").count()
    if have >= count:
        return 0
    campaign_of = dict(
        Campaign.objects.filter(status=Campaign.Status.ACTIVE, skill__isnull=False)
        .order_by("-pk")
        .values_list("skill_id", "pk")
    )
    skill_of = {
        a.pk: a.skills.all()[0].pk
        for a in User.objects.filter(pk__in=[a.pk for a in agents]).prefetch_related("skills")
    }
    roster = [(a.pk, skill_of[a.pk], campaign_of.get(skill_of[a.pk])) for a in agents]
    surveys = survey_plan()
    seed = _seed_postgresql if connection.vendor == "postgresql" else _seed_orm
    for low in range(have, count, CHUNK):
        with transaction.atomic():
            high = min(low + CHUNK, count) - 1
            seed(low, high, roster=roster, now=now, days=days, surveys=surveys)
    return count - have


def _transferred(g: int, agents: int) -> bool:
    return agents > 1 and (g // 10) % 10 == 0


def _seed_postgresql(low: int, high: int, *, roster, now: datetime, days: int, surveys) -> None:
    params = {
        "low": low,
        "high": high,
        "now": now,
        "span": days * 86400 - 3600,
        "agents": [r[0] for r in roster],
        "skills": [r[1] for r in roster],
        "campaigns": [r[2] for r in roster],
        "n": len(roster),
    }
    with connection.cursor() as cursor:
        for statement in SQL:
            # Only statements with placeholders take parameters (the others use % as modulo).
            cursor.execute(statement, params if "%(" in statement else None)
        seed_surveys_postgresql(cursor, surveys)


SQL = [
    "CREATE TEMPORARY TABLE bench_seed (g int, conversation_id bigint, visitor_id bigint, "
    "agent_id bigint, skill_id bigint, started_at timestamptz, ended_at timestamptz, "
    "first_agent_id bigint, next_skill_id bigint, transferred boolean) ON COMMIT DROP",
    "CREATE TEMPORARY TABLE bench_response (id bigint, g int, survey_id bigint, "
    "submitted_at timestamptz) ON COMMIT DROP",
    """WITH v AS (
    INSERT INTO workspace_visitor (external_id, created_at)
    SELECT 'bench-visitor-' || g, %(now)s FROM generate_series(%(low)s::bigint, %(high)s::bigint) g
    RETURNING id, external_id
), c AS (
    INSERT INTO workspace_conversation (external_id, channel, visitor_id, skill_id, campaign_id,
        agent_id, started_at, ended_at, survey_acknowledged_missing)
    SELECT 'bench-' || lpad(g::text, 7, '0'), 'chat', v.id,
        (%(skills)s::bigint[])[1 + g %% %(n)s], (%(campaigns)s::bigint[])[1 + g %% %(n)s],
        (%(agents)s::bigint[])[1 + (g + CASE WHEN %(n)s > 1 AND (g / 10) %% 10 = 0 THEN 1
            ELSE 0 END) %% %(n)s],
        t.started, t.started + (3 + g %% 28) * interval '1 minute', false
    FROM v CROSS JOIN LATERAL (SELECT substr(v.external_id, 15)::int AS g) n
    CROSS JOIN LATERAL (
        SELECT %(now)s::timestamptz - (3600 + ((g::bigint * 2654435761) %% 4294967296)::float8
            / 4294967296 * %(span)s) * interval '1 second' AS started
    ) t
    RETURNING id, external_id, visitor_id, agent_id, skill_id, started_at, ended_at
)
INSERT INTO bench_seed
SELECT n.g, id, visitor_id, agent_id, skill_id, started_at, ended_at,
    (%(agents)s::bigint[])[1 + n.g %% %(n)s], (%(skills)s::bigint[])[1 + (n.g + 1) %% %(n)s],
    %(n)s > 1 AND (n.g / 10) %% 10 = 0
FROM c CROSS JOIN LATERAL (SELECT substr(external_id, 7)::int AS g) n""",
    # A transferred conversation: the first agent until halfway, then the next one.
    """INSERT INTO workspace_segment (conversation_id, agent_id, skill_id, started_at, ended_at,
    end_reason)
SELECT conversation_id, first_agent_id, skill_id, started_at,
    CASE WHEN transferred THEN started_at + (ended_at - started_at) / 2 ELSE ended_at END,
    CASE WHEN transferred THEN 'transfer' ELSE 'close' END
FROM bench_seed
UNION ALL
SELECT conversation_id, agent_id, next_skill_id, started_at + (ended_at - started_at) / 2,
    ended_at, 'close'
FROM bench_seed WHERE transferred""",
    """INSERT INTO workspace_engagementattributeevent (attribute_type, source, conversation_id,
    visitor_id, reported_by_id, agent_id, skill_id, occurred_at, received_at, amount, currency,
    action_id, topic, status, category, dedupe_key, payload, display_names, version,
    retracted_at, retract_reason)
SELECT e.kind, e.source, e.conversation_id, s.visitor_id, e.reporter, e.agent_id, e.skill_id,
    e.at, e.at, e.amount, e.currency, e.action_id, e.topic, e.status, '',
    CASE WHEN e.kind = 'service' THEN 'service:' || lower(e.action_id) || '|' || lower(e.topic)
         || '|' || e.status ELSE e.kind || ':' || lower(e.action_id) END,
    CASE WHEN e.kind = 'purchase' THEN jsonb_build_object('type', 'purchase',
            'total', e.amount::text, 'currency', e.currency, 'orderId', e.action_id)
         WHEN e.kind = 'lead' THEN jsonb_build_object('type', 'lead', 'lead', jsonb_build_object(
            'topic', e.topic, 'value', e.amount::text, 'currency', e.currency,
            'leadId', e.action_id))
         ELSE jsonb_build_object('type', 'service', 'service', jsonb_build_object(
            'topic', e.topic, 'status', e.status, 'serviceId', e.action_id)) END,
    '{}'::jsonb, 1, CASE WHEN e.retract THEN e.at + interval '1 minute' END,
    CASE WHEN e.retract THEN 'Reported in error' ELSE '' END
FROM bench_seed s CROSS JOIN LATERAL (
    SELECT (ARRAY['purchase', 'purchase', 'purchase', 'purchase', 'lead', 'lead', 'service',
            'service'])[1 + s.g %% 10] AS kind, 'agent_widget' AS source,
        s.conversation_id, s.first_agent_id AS reporter, s.first_agent_id AS agent_id, s.skill_id,
        s.started_at + (2 + s.g %% 3) * interval '1 minute' AS at,
        CASE WHEN s.g %% 10 < 6 THEN 20 + (s.g * 37) %% 480 + 0.99 END AS amount,
        CASE WHEN s.g %% 10 >= 6 THEN '' WHEN s.g %% 5 = 0 THEN 'EUR' ELSE 'USD' END AS currency,
        'B' || s.g AS action_id,
        CASE WHEN s.g %% 10 >= 4 THEN 'Refund' ELSE '' END AS topic,
        CASE WHEN s.g %% 10 >= 6 THEN (s.g / 10) %% 4 END AS status, s.g %% 97 = 0 AS retract
    WHERE s.g %% 10 < 8
    UNION ALL
    SELECT 'service', 'agent_widget', s.conversation_id, s.agent_id, s.agent_id, s.skill_id,
        CASE WHEN s.transferred THEN s.ended_at - interval '30 seconds'
            ELSE s.started_at + interval '1 minute' END,
        NULL, '', 'S' || s.g, 'Setup', (s.g / 5) %% 4, false
    WHERE s.g %% 5 IN (1, 3)
    UNION ALL
    SELECT CASE WHEN s.g %% 10 IN (4, 5) THEN 'lead' ELSE 'purchase' END, 'server_api',
        s.conversation_id, NULL, s.agent_id, s.skill_id, s.ended_at - interval '1 minute',
        20 + (s.g * 37) %% 480 + 0.99, CASE WHEN s.g %% 5 = 0 THEN 'EUR' ELSE 'USD' END,
        CASE WHEN s.g %% 10 IN (0, 4) THEN 'B' || s.g ELSE 'C' || s.g END,
        CASE WHEN s.g %% 10 IN (4, 5) THEN 'Refund' ELSE '' END, NULL, false
    WHERE s.g %% 10 IN (0, 2, 4, 5, 6, 8)
    UNION ALL
    SELECT 'lead', 'server_api', NULL, NULL, NULL, NULL,
        LEAST(s.ended_at + interval '1 day', %(now)s::timestamptz - interval '1 minute'),
        50 + s.g %% 200, 'USD', 'X' || s.g, 'Quote', NULL, false
    WHERE s.g %% 10 = 9
) e""",
]


def _bench_events(
    g: int, c: Conversation, now: datetime, *, first_agent_id: int
) -> list[EngagementAttributeEvent]:
    """The same mix as the PostgreSQL statement, for other databases."""
    amount = Decimal(20 + (g * 37) % 480) + Decimal("0.99")
    currency = "EUR" if g % 5 == 0 else "USD"
    common = {"visitor_id": c.visitor_id, "display_names": {}}
    agent = {"agent_id": c.agent_id, "skill_id": c.skill_id}
    first = {"agent_id": first_agent_id, "skill_id": c.skill_id}
    rows = []
    if g % 10 < 8:
        kind = ["purchase"] * 4 + ["lead"] * 2 + ["service"] * 2
        at = c.started_at + timedelta(minutes=2 + g % 3)
        money = g % 10 < 6
        rows.append(
            _event(
                kind[g % 10], EventSource.AGENT_WIDGET, c, at, reporter=first_agent_id,
                amount=amount if money else None, currency=currency if money else "",
                action_id=f"B{g}", topic="Refund" if g % 10 >= 4 else "",
                status=(g // 10) % 4 if not money else None,
                retracted_at=at + timedelta(minutes=1) if g % 97 == 0 else None,
                **first, **common,
            )
        )  # fmt: skip
    if g % 5 in (1, 3):
        transferred = first_agent_id != c.agent_id
        at = (
            c.ended_at - timedelta(seconds=30)
            if transferred
            else c.started_at + timedelta(minutes=1)
        )
        rows.append(
            _event(
                "service", EventSource.AGENT_WIDGET, c, at, reporter=c.agent_id,
                action_id=f"S{g}", topic="Setup", status=(g // 5) % 4, **agent, **common,
            )
        )  # fmt: skip
    if g % 10 in (0, 2, 4, 5, 6, 8):
        lead = g % 10 in (4, 5)
        rows.append(
            _event(
                "lead" if lead else "purchase", EventSource.SERVER_API, c,
                c.ended_at - timedelta(minutes=1), amount=amount, currency=currency,
                action_id=f"B{g}" if g % 10 in (0, 4) else f"C{g}",
                topic="Refund" if lead else "", **agent, **common,
            )
        )  # fmt: skip
    if g % 10 == 9:
        rows.append(
            _event(
                "lead", EventSource.SERVER_API, None,
                min(c.ended_at + timedelta(days=1), now - timedelta(minutes=1)),
                amount=Decimal(50 + g % 200), currency="USD", action_id=f"X{g}", topic="Quote",
                **common,
            )
        )  # fmt: skip
    return rows


def _event(kind, source, conversation, at, *, reporter=None, **columns):
    from workspace.services.events import dedupe_key_for

    key_values = {"orderId": columns["action_id"], "leadId": columns["action_id"]}
    key_values |= {"serviceId": columns["action_id"], "topic": columns.get("topic", "")}
    key_values["status"] = columns.get("status")
    retracted = columns.get("retracted_at") is not None
    return EngagementAttributeEvent(
        attribute_type=kind,
        source=source,
        conversation=conversation,
        reported_by_id=reporter,
        occurred_at=at,
        received_at=at,
        dedupe_key=dedupe_key_for(kind, key_values),
        payload={"type": kind},
        retract_reason="Reported in error" if retracted else "",
        **columns,
    )


def _seed_orm(low: int, high: int, *, roster, now: datetime, days: int, surveys) -> None:
    numbers = range(low, high + 1)
    visitors = Visitor.objects.bulk_create(
        [Visitor(external_id=f"{BENCH_PREFIX}visitor-{g}") for g in numbers]
    )
    conversations, firsts, segments = [], [], []
    for g, visitor in zip(numbers, visitors, strict=True):
        agent_id, skill_id, campaign_id = roster[g % len(roster)]
        last_id, last_skill = roster[(g + 1) % len(roster)][:2]
        transferred = _transferred(g, len(roster))
        started = now - timedelta(seconds=3600 + _fraction(g) * (days * 86400 - 3600))
        ended = started + timedelta(minutes=3 + g % 28)
        c = Conversation(
            external_id=f"{BENCH_PREFIX}{g:07d}",
            visitor=visitor,
            skill_id=skill_id,
            campaign_id=campaign_id,
            agent_id=last_id if transferred else agent_id,
            started_at=started,
            ended_at=ended,
        )
        conversations.append(c)
        firsts.append(agent_id)
        halfway = started + (ended - started) / 2 if transferred else ended
        reason = Segment.EndReason.TRANSFER if transferred else Segment.EndReason.CLOSE
        segments.append(
            Segment(conversation=c, agent_id=agent_id, skill_id=skill_id, started_at=started,
                    ended_at=halfway, end_reason=reason)
        )  # fmt: skip
        if transferred:
            segments.append(
                Segment(conversation=c, agent_id=last_id, skill_id=last_skill, started_at=halfway,
                        ended_at=ended, end_reason=Segment.EndReason.CLOSE)
            )  # fmt: skip
    Conversation.objects.bulk_create(conversations, batch_size=5000)
    Segment.objects.bulk_create(segments, batch_size=5000)
    events = [
        e
        for g, c, first in zip(numbers, conversations, firsts, strict=True)
        for e in _bench_events(g, c, now, first_agent_id=first)
    ]
    EngagementAttributeEvent.objects.bulk_create(events, batch_size=2000)
    seed_surveys_orm(zip(numbers, conversations, strict=True), surveys)
