"""Data only the reports benchmark needs, on top of ``seed_demo --conversations N --agents M``:
targets for every agent and every month the data covers, and the figures that show the data has
what the bars assume (transfers, surveys, cross-session events).

Run inside Django (``manage.py shell -c``); ``bench/reports_scale.py`` calls these.
"""

import json
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from campaigns.models import AccountSettings, GoalType, User
from reporting.models import Target
from workspace.models import Conversation, EngagementAttributeEvent, Segment, SurveyResponse

MONTHS = 3  # the bench data spans 60 days: this month and up to two before it


def agent_targets() -> None:
    """A selling, a leads and a service target for every agent and month (kept when present)."""
    currency = AccountSettings.load().default_currency
    month = timezone.localdate().replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    plan = [
        (GoalType.SELL, Decimal(40), Decimal(8000), currency),
        (GoalType.LEADS, Decimal(10), Decimal(2000), currency),
        (GoalType.SERVICE, Decimal(30), None, ""),
    ]
    Target.objects.bulk_create(
        [
            Target(month=m, agent_id=agent_id, goal_type=goal_type, count_target=count,
                   value_target=value, currency=money)
            for agent_id in User.objects.agents().values_list("pk", flat=True)
            for m in months
            for goal_type, count, value, money in plan
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )  # fmt: skip
    print(json.dumps({"targets": Target.objects.filter(agent__isnull=False).count()}))


def data_shape() -> None:
    """What the seeded data holds; one JSON line."""
    bench = Conversation.objects.filter(external_id__startswith="bench-0")
    conversations = bench.count()
    events = EngagementAttributeEvent.objects.count()
    visitor_events = EngagementAttributeEvent.objects.filter(conversation__isnull=True).count()
    transferred = (
        Segment.objects.filter(end_reason=Segment.EndReason.TRANSFER)
        .values("conversation_id")
        .distinct()
        .count()
    )
    submitted = SurveyResponse.objects.filter(status=SurveyResponse.Status.SUBMITTED).count()
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "conversations": Conversation.objects.count(),
                "bench_conversations": conversations,
                "agents": User.objects.agents().count(),
                "events": events,
                "transferred_share": round(transferred / max(conversations, 1), 3),
                "cross_session_event_share": round(visitor_events / max(events, 1), 3),
                "surveys_submitted": submitted,
                "agent_targets": Target.objects.filter(agent__isnull=False).count(),
            }
        )
    )
