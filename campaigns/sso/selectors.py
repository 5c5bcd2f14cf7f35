from allauth.socialaccount.models import SocialAccount
from django.db.models import Prefetch, QuerySet

from campaigns.sso.models import GroupMapping, IdentityProvider


def providers_with_mappings() -> QuerySet[IdentityProvider]:
    """Every provider with its mapping rows and what each row gives, in a constant number of
    queries."""
    rows = GroupMapping.objects.select_related("role", "agent_group").prefetch_related(
        "managed_groups", "skills"
    )
    return IdentityProvider.objects.prefetch_related(Prefetch("mappings", queryset=rows))


def enabled_providers() -> list[IdentityProvider]:
    return list(IdentityProvider.objects.filter(enabled=True).only("slug", "name", "protocol"))


def sso_managed_user_ids(user_ids=None) -> set[int]:
    """Which of ``user_ids`` (None: everyone) sign in through a provider: their roles, agent
    group, managed groups and skills come from it and are read-only here. One query."""
    links = SocialAccount.objects.all()
    if user_ids is not None:
        links = links.filter(user_id__in=user_ids)
    return set(links.values_list("user_id", flat=True))
