"""Reads for the reports home: each agent's recent workload."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from campaigns.models import User


def agents_in_scope(user: User) -> QuerySet[User]:
    """Agents whose data ``user`` may read: all for admins and campaign managers, the current
    members of their groups for agent managers, nobody otherwise."""
    agents = User.objects.agents()
    if user.has_perm("campaigns.view_all_reports"):
        return agents
    if user.has_perm("campaigns.view_team_reports"):
        return agents.managed_by(user)
    return agents.none()


def agent_workload(user: User, *, since: datetime, until: datetime) -> QuerySet[User]:
    """Agents in scope with conversations handled (one of their segments, the conversation
    started in the period, as the goal tracker counts them) and open right now."""
    started = Q(
        segments__conversation__started_at__gte=since,
        segments__conversation__started_at__lt=until,
    )
    return (
        agents_in_scope(user)
        .select_related("agent_group")
        .annotate(
            handled=Count("segments__conversation", filter=started, distinct=True),
            open_now=Count(
                "conversations", filter=Q(conversations__ended_at__isnull=True), distinct=True
            ),
        )
        .order_by("agent_group__name", "username")
    )
