"""Reads for the Agent Workspace."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from campaigns.models import User
from outcomes_site.rows import row_by_key
from workspace.models import Conversation, Message, Segment


def conversation_visible_to(user: User) -> QuerySet[Conversation]:
    """Conversations ``user`` may open: their own (current or former) as an agent, their
    groups' as an agent manager, all for admins. Anything else is a 404, so ids leak nothing."""
    if user.has_perm("campaigns.view_all_reports") and user.has_perm("campaigns.act_for_team"):
        return Conversation.objects.all()
    scope = Q(pk__in=Segment.objects.filter(agent=user).values("conversation_id")) | Q(agent=user)
    if user.has_perm("campaigns.view_team_reports"):
        scope |= Q(agent__agent_group__managers=user)
    return Conversation.objects.filter(scope)


def conversation_get(
    user: User, pk: int, *, page: bool = True, annotate: dict | None = None
) -> Conversation:
    """One conversation, or 404 when ``user`` may not see it. ``page``: with everything the
    conversation page shows (skill, agent, visitor, campaign, assignment history); a widget
    fragment or an action for the assigned agent needs none of them, and each join costs
    (bench/README.md): it reads the row alone, by a statement built once (``row_by_key``). The
    assigned agent (nearly every request) is recognised from the row itself; anyone else costs
    one more query, asked of ``conversation_visible_to`` so that there is one rule.
    ``annotate``: expressions read with the row (the poll's "anything newer")."""
    if page or annotate:
        queryset = Conversation.objects.annotate(**(annotate or {}))
        if page:
            segments = Segment.objects.select_related("agent", "skill")
            queryset = queryset.select_related("skill", "agent", "visitor", "campaign")
            queryset = queryset.prefetch_related(Prefetch("segments", queryset=segments))
        conversation = queryset.filter(pk=pk).first()
    else:
        conversation = row_by_key(Conversation, pk)
    if conversation is None or not _may_open(user, conversation):
        raise Http404
    return conversation


def _may_open(user: User, conversation: Conversation) -> bool:
    if conversation.agent_id is not None and conversation.agent_id == user.pk:
        return True
    return conversation_visible_to(user).filter(pk=conversation.pk).exists()


def transcript(conversation: Conversation, *, after_id: int = 0) -> list[Message]:
    return list(conversation.messages.filter(id__gt=after_id).order_by("sent_at", "id"))
