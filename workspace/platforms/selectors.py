"""Reads for the Platforms tab; each page's queries are fixed whatever the number of rows."""

from django.db.models import Count, Q, QuerySet

from campaigns.models import Skill, User
from workspace.platforms.models import (
    MAPPED_KINDS,
    Delivery,
    ExternalRef,
    PlatformAccount,
)

RECENT_DELIVERIES = 20


def platform_accounts_list() -> QuerySet[PlatformAccount]:
    """Active accounts with how many of their agents, inboxes, teams or skills await a mapping."""
    waiting = Q(
        refs__kind__in=MAPPED_KINDS,
        refs__agent__isnull=True,
        refs__skill__isnull=True,
        refs__ignored=False,
    )
    return PlatformAccount.objects.filter(is_active=True).annotate(
        needs_mapping=Count("refs", filter=waiting)
    )


def platform_account_get(pk: int) -> PlatformAccount | None:
    return PlatformAccount.objects.filter(pk=pk, is_active=True).first()


def mapping_rows(account: PlatformAccount) -> list[ExternalRef]:
    """The account's agents, inboxes, teams and skills, unmapped first."""
    rows = ExternalRef.objects.filter(account=account, kind__in=MAPPED_KINDS).select_related(
        "agent", "skill"
    )
    return sorted(rows, key=lambda r: (r.agent_id is not None or r.skill_id is not None, r.kind))


def mapping_choices() -> tuple[list[User], list[Skill]]:
    """Who and what a ref can be mapped to: active agents and all skills."""
    agents = list(User.objects.agents().order_by("first_name", "last_name", "username"))
    return agents, list(Skill.objects.order_by("name"))


def recent_deliveries(account: PlatformAccount) -> list[Delivery]:
    return list(Delivery.objects.filter(account=account)[:RECENT_DELIVERIES])
