"""Data only the request benchmark needs, on top of ``seed_demo``: open conversations for the demo
agent, so that outcome submits spread over many conversations instead of growing one widget.

Run inside Django (``manage.py shell -c``); ``bench/requests.py`` calls these.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Skill, User
from workspace.models import Conversation, Segment, Visitor
from workspace.services.credit import credit_conversations

PREFIX = "benchopen-"


@transaction.atomic
def open_conversations(username: str = "agent", count: int = 2000) -> list[int]:
    """``count`` open Sales conversations assigned to ``username`` (created once); their ids."""
    have = list(
        Conversation.objects.filter(external_id__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(have) >= count:
        return have[:count]
    agent = User.objects.get(username=username)
    skill = Skill.objects.get(name="Sales")
    campaign = Campaign.objects.filter(skill=skill, status=Campaign.Status.ACTIVE).first()
    now = timezone.now()
    visitors = Visitor.objects.bulk_create(
        [Visitor(external_id=f"{PREFIX}visitor-{i}") for i in range(len(have), count)]
    )
    conversations = Conversation.objects.bulk_create(
        [
            Conversation(
                external_id=f"{PREFIX}{len(have) + i:05d}",
                visitor=visitor,
                skill=skill,
                campaign=campaign,
                agent=agent,
                started_at=now - timedelta(minutes=5),
            )
            for i, visitor in enumerate(visitors)
        ]
    )
    Segment.objects.bulk_create(
        [
            Segment(conversation=c, agent=agent, skill=skill, started_at=c.started_at)
            for c in conversations
        ]
    )
    credit_conversations([c.pk for c in conversations])  # who handled them, as services record
    return have + [c.pk for c in conversations]
