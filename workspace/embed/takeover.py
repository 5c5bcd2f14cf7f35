"""A feed takes over what a panel made: a desktop account first used without a feed gets
provisional conversations ("created from the agent desktop"); when its platform's feed is
connected later, the feed's first delivery about one of them adopts it instead of making a
second conversation. The outcomes and survey answers stay where they are; the feed's assignment
replaces the provisional one (not a transfer), and the visitor becomes the feed's."""

from datetime import datetime

from campaigns.services.audit import audit_record
from workspace.embed.models import PanelConversation
from workspace.embed.services import FEED_PLATFORM
from workspace.models import Conversation, EngagementAttributeEvent, Segment, Visitor
from workspace.platforms.services.conversations import Arrival
from workspace.services.credit import credit_conversations

DESKTOP_OF = {platform: desktop for desktop, platform in FEED_PLATFORM.items()}


def provisional_takeover(arrival: Arrival, now: datetime) -> bool:
    """Adopt the panel's conversation for ``arrival``'s ids, if there is one (inside the feed's
    transaction). The feed's agent and skill replace the panel's when it names them."""
    desktop = DESKTOP_OF.get(arrival.account.platform)
    row = (
        PanelConversation.objects.select_for_update()
        .filter(
            desktop=desktop,
            account_ref=arrival.account.account_ref,
            conversation_ref=arrival.external_id,
        )
        .first()
    )
    if row is None or Conversation.objects.filter(external_id=arrival.conversation_id).exists():
        return False
    conversation = Conversation.objects.select_for_update().get(pk=row.conversation_id)
    before = {"conversation": conversation.external_id, "agent": conversation.agent_id}
    visitor, _created = Visitor.objects.get_or_create(external_id=arrival.visitor_id)
    if visitor.pk != conversation.visitor_id:
        EngagementAttributeEvent.objects.filter(conversation=conversation).update(visitor=visitor)
    conversation.external_id = arrival.conversation_id
    conversation.visitor = visitor
    conversation.started_at = min(arrival.started_at, conversation.started_at)
    conversation.agent = arrival.agent or conversation.agent
    conversation.skill = arrival.skill or conversation.skill
    conversation.save(update_fields=["external_id", "visitor", "started_at", "agent", "skill"])
    conversation.segments.all().delete()
    Segment.objects.create(
        conversation=conversation,
        agent=conversation.agent,
        skill=conversation.skill,
        started_at=conversation.started_at,
    )
    credit_conversations([conversation.pk])
    row.delete()
    audit_record(
        actor=None,
        action="embed.conversation_adopt",
        obj=conversation,
        at=now,
        before=before,
        after={"conversation": conversation.external_id, "agent": conversation.agent_id},
        reason=f"{arrival.account.get_platform_display()} feed",
    )
    return True
