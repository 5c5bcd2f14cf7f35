"""Reads for the People pages."""

from django.db.models import Prefetch, QuerySet

from campaigns.models import AgentGroup, Skill, User


def users_list() -> QuerySet[User]:
    """Everyone, with roles, skills and group loaded for the list (constant queries)."""
    return (
        User.objects.select_related("agent_group")
        .prefetch_related("groups", "skills")
        .order_by("-is_active", "username")
    )


def skills_list() -> QuerySet[Skill]:
    return Skill.objects.prefetch_related(
        Prefetch("agents", queryset=User.objects.filter(is_active=True))
    )


def groups_list() -> QuerySet[AgentGroup]:
    return AgentGroup.objects.prefetch_related(
        "managers",
        Prefetch("members", queryset=User.objects.filter(is_active=True).order_by("username")),
    )
