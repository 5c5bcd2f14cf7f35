"""The Agent Workspace list: an agent's conversations, searched, filtered and paged in SQL.

Three groups, in this order: open (assigned to the agent, the longest waiting first), closed
(assigned to the agent, the latest closed first; no time limit), and transferred to someone else
(the agent had a stretch of it, another person has it now; read-only, so no badges). "Pending"
keeps only the agent's conversations with a required outcome or survey still due: that is decided
by the windows (``pending_flags_set``), so it looks at conversations whose windows can still be
open, which the longest window allowed bounds.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from campaigns.models import User
from campaigns.models.people import MAX_WINDOW_MINUTES
from workspace.models import Conversation, Segment
from workspace.selectors.pending import pending_flags_set

PAGE_SIZE = 25
OPEN, CLOSED, TRANSFERRED = 0, 1, 2


@dataclass
class ConversationListPage:
    page: Page
    counts: dict[str, int]  # open, closed, transferred: the agent's, whatever the search


def _scoped(user: User) -> QuerySet[Conversation]:
    """The agent's conversations, each with its ``group`` (open, closed, transferred)."""
    formerly = Segment.objects.filter(agent=user).values("conversation_id")
    group = Case(
        When(Q(agent=user) & Q(ended_at__isnull=True), then=Value(OPEN)),
        When(agent=user, then=Value(CLOSED)),
        default=Value(TRANSFERRED),
        output_field=IntegerField(),
    )
    return Conversation.objects.filter(Q(agent=user) | Q(pk__in=formerly)).annotate(group=group)


def _searched(conversations: QuerySet[Conversation], query: str) -> QuerySet[Conversation]:
    if not query:
        return conversations
    return conversations.filter(
        Q(external_id__icontains=query) | Q(visitor__external_id__icontains=query)
    )


def _pending(conversations: QuerySet[Conversation], now: datetime) -> list[Conversation]:
    """The agent's own conversations with something still due, in list order."""
    recent = now - timedelta(minutes=MAX_WINDOW_MINUTES)
    candidates = list(
        conversations.filter(group__in=(OPEN, CLOSED))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=recent))
        .select_related("visitor", "skill", "agent")
    )
    pending_flags_set(candidates, now=now)
    return [c for c in candidates if c.pending_outcomes or c.pending_survey]


def conversations_for_agent(
    user: User, *, now: datetime, query: str = "", status: str = "", page: object = 1
) -> ConversationListPage:
    """One page of ``user``'s conversations matching ``query`` (a conversation or visitor id,
    or part of one) and ``status`` ("open", "closed", "pending", "transferred"; "" for all),
    with the badges of the agent's own rows set. Constant queries whatever the rows."""
    scoped = _scoped(user)
    counts = scoped.aggregate(
        open=Count("pk", filter=Q(group=OPEN)),
        closed=Count("pk", filter=Q(group=CLOSED)),
        transferred=Count("pk", filter=Q(group=TRANSFERRED)),
    )
    conversations = _searched(scoped, query).order_by(
        "group", F("ended_at").desc(nulls_first=True), "started_at", "pk"
    )
    if status == "open":
        conversations = conversations.filter(group=OPEN)
    elif status == "closed":
        conversations = conversations.filter(group=CLOSED)
    elif status == "transferred":
        conversations = conversations.filter(group=TRANSFERRED)
    if status == "pending":
        rows: list[Conversation] | QuerySet[Conversation] = _pending(conversations, now)
    else:
        rows = conversations.select_related("visitor", "skill", "agent")
    result = Paginator(rows, PAGE_SIZE).get_page(page)
    result.object_list = list(result.object_list)
    own = [c for c in result.object_list if c.group != TRANSFERRED]
    if status != "pending":
        pending_flags_set(own, now=now)
    for conversation in result.object_list:
        conversation.transferred_away = conversation.group == TRANSFERRED
        if conversation.transferred_away:  # read-only for this agent: nothing to act on
            conversation.pending_outcomes, conversation.pending_survey = [], False
    return ConversationListPage(page=result, counts=counts)
