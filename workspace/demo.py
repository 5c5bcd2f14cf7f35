"""Demo data for the workspace: visitors and conversations with short transcripts over the past
60 days (SPEC section 8). Deterministic: the same run twice changes nothing. The large benchmark
data set (``seed_demo --conversations N``) lives in ``workspace.demo_bench``."""

import random
from datetime import datetime, timedelta

from django.db import transaction

from campaigns.models import Campaign, Skill, User
from workspace.demo_bench import BENCH_PREFIX, seed_bench_conversations  # noqa: F401 (re-exported)
from workspace.models import Conversation, Message, Segment, Visitor

DEMO_PREFIX = "demo-"

SCRIPTS = {
    "Sales": [
        ("consumer", "Hi, I'm looking at the annual plan. Is there a discount for teams?"),
        ("agent", "Hello! Yes, teams of five or more get 15% off the annual plan."),
        ("consumer", "Great, we are eight people. Can I order now?"),
        ("agent", "Of course. I've prepared the order; you'll get a confirmation by email."),
    ],
    "Billing": [
        ("consumer", "I was charged twice this month."),
        ("agent", "Sorry about that. I can see the duplicate charge and have started a refund."),
        ("consumer", "How long will it take?"),
        ("agent", "Three to five working days. Anything else I can help with?"),
    ],
    "Tech support": [
        ("consumer", "The app keeps logging me out."),
        ("agent", "Let's fix that. Which version are you on?"),
        ("consumer", "4.2 on Android."),
        ("agent", "Please update to 4.3; it fixes the session bug. I've logged a ticket for you."),
    ],
    "General": [
        ("consumer", "What are your opening hours?"),
        ("agent", "Our contact centre is open 8:00 to 20:00, Monday to Saturday."),
        ("consumer", "Thanks!"),
    ],
}


def _agents_by_skill(agents: list[User]) -> dict[str, list[User]]:
    by_skill: dict[str, list[User]] = {}
    for agent in agents:
        for skill in agent.skills.all():
            by_skill.setdefault(skill.name, []).append(agent)
    return by_skill


@transaction.atomic
def seed_conversations(*, now: datetime, count: int = 320, days: int = 60) -> int:
    """About ``count`` demo conversations over ``days``; a handful still open. Returns how many
    were created (0 when they already exist)."""
    if Conversation.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
        return 0
    rng = random.Random(20261123)  # noqa: S311 - demo data, not security
    skills = {skill.name: skill for skill in Skill.objects.all()}
    agents = list(
        User.objects.agents().filter(username__startswith="agent").prefetch_related("skills")
    )
    by_skill = _agents_by_skill(agents)
    campaigns = {c.skill_id: c for c in Campaign.objects.filter(status=Campaign.Status.ACTIVE)}
    visitors = Visitor.objects.bulk_create(
        [Visitor(external_id=f"{DEMO_PREFIX}visitor-{i:04d}") for i in range(count // 2)]
    )
    conversations, segments, messages = [], [], []
    for i in range(count):
        skill_name = rng.choices(list(SCRIPTS), weights=[4, 3, 3, 2])[0]
        agent = rng.choice(by_skill[skill_name])
        is_open = i < 6
        started = now - (
            timedelta(minutes=rng.randint(2, 40))
            if is_open
            else timedelta(days=rng.uniform(0.05, days), minutes=rng.randint(0, 600))
        )
        conversation = Conversation(
            external_id=f"{DEMO_PREFIX}{i:05d}",
            visitor=rng.choice(visitors),
            channel=rng.choice([Conversation.Channel.CHAT, Conversation.Channel.MESSAGING]),
            skill=skills[skill_name],
            campaign=campaigns.get(skills[skill_name].pk),
            agent=agent,
            started_at=started,
            ended_at=None if is_open else started + timedelta(minutes=rng.randint(4, 25)),
        )
        conversations.append(conversation)
    Conversation.objects.bulk_create(conversations)
    for conversation in conversations:
        segments.append(
            Segment(
                conversation=conversation,
                agent=conversation.agent,
                skill=conversation.skill,
                started_at=conversation.started_at,
                ended_at=conversation.ended_at,
                end_reason=Segment.EndReason.CLOSE if conversation.ended_at else "",
            )
        )
        for step, (sent_by, text) in enumerate(SCRIPTS[conversation.skill.name]):
            sent_at = conversation.started_at + timedelta(seconds=40 * step + 5)
            if conversation.ended_at is None and sent_at > now:
                break
            messages.append(
                Message(conversation=conversation, sent_by=sent_by, text=text, sent_at=sent_at)
            )
    Segment.objects.bulk_create(segments)
    Message.objects.bulk_create(messages, batch_size=2000)
    return len(conversations)
