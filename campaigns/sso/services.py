"""SSO writes: what a provider's groups give a person here, the identity link rules, refusals."""

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from campaigns.models import AgentGroup, Skill, User
from campaigns.roles import ROLE_PERMISSIONS, Role
from campaigns.services.audit import audit_record
from campaigns.sso.models import GroupMapping, IdentityProvider, SignInPolicy
from outcomes_site.security_log import _client_address, _printable

security_logger = logging.getLogger("security")


class SignInRefused(Exception):
    """A sign-in that must end with no session. ``code`` names the reason for the log."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class MappedAccess:
    """What a person's provider groups give them here."""

    roles: list[Group] = field(default_factory=list)
    agent_group: AgentGroup | None = None
    managed_groups: list[AgentGroup] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)


def access_for_groups(*, provider: IdentityProvider, groups: list[str]) -> MappedAccess:
    """Union of the mapping rows that match ``groups``; the agent group of the first matching
    row (by provider group name) that names one, since a person is in one agent group."""
    rows = (
        GroupMapping.objects.filter(provider=provider, external_group__in=groups)
        .select_related("role", "agent_group")
        .prefetch_related("managed_groups", "skills")
    )
    access = MappedAccess()
    for row in rows:
        if row.role and row.role not in access.roles:
            access.roles.append(row.role)
        if row.agent_group and access.agent_group is None:
            access.agent_group = row.agent_group
        access.managed_groups += [
            g for g in row.managed_groups.all() if g not in access.managed_groups
        ]
        access.skills += [s for s in row.skills.all() if s not in access.skills]
    return access


def _picture(user: User) -> dict:
    return {
        "roles": sorted(
            user.groups.filter(name__in=ROLE_PERMISSIONS).values_list("name", flat=True)
        ),
        "agent_group": user.agent_group.name if user.agent_group_id else None,
        "managed_groups": sorted(user.managed_groups.values_list("name", flat=True)),
        "skills": sorted(user.skills.values_list("name", flat=True)),
    }


@transaction.atomic
def access_apply(*, user: User, access: MappedAccess, provider: IdentityProvider) -> bool:
    """Make ``user``'s roles, agent group, managed groups and skills exactly ``access`` (other
    Django groups are left alone); audit the change. Returns whether anything changed."""
    before = _picture(user)
    roles = list(access.roles)
    if break_glass_refusals(user=user, is_active=True, roles=roles):
        # The named break-glass admin stays an admin while password sign-in is off, or nobody
        # could sign in when the provider is down.
        roles.append(Group.objects.get(name=Role.ADMIN))
    other_groups = list(user.groups.exclude(name__in=ROLE_PERMISSIONS))
    user.groups.set(other_groups + roles)
    if user.agent_group_id != (access.agent_group.pk if access.agent_group else None):
        user.agent_group = access.agent_group
        user.save(update_fields=["agent_group"])
    user.managed_groups.set(access.managed_groups)
    user.skills.set(access.skills)
    after = _picture(user)
    if before == after:
        return False
    audit_record(
        actor=None,
        action="sso.access_mapped",
        obj=user,
        before=before,
        after=after,
        reason=f"groups from {provider.slug}",
    )
    return True


def link_target(*, provider: IdentityProvider, email: str, email_verified: bool) -> User | None:
    """The existing user a first sign-in links to, or None for a new (just-in-time) user.

    Links by e-mail only when the provider says the address is verified or the admin trusts the
    provider's addresses; an unverified address that matches someone is refused, so a directory
    entry with another person's address cannot take over their account."""
    if not email:
        return None
    match = User.objects.filter(email__iexact=email).order_by("pk").first()
    if match is None:
        return None
    if not (email_verified or provider.trust_email):
        raise SignInRefused(
            "unverified_email",
            _(
                "The provider did not confirm this e-mail address, and it belongs to an "
                "existing user."
            ),
        )
    return match


def password_sign_in_allowed(username: str) -> bool:
    """Password sign-in is on, or ``username`` is the named break-glass admin."""
    policy = SignInPolicy.current()
    if policy.password_sign_in:
        return True
    keeper = policy.break_glass_user
    return keeper is not None and keeper.get_username().casefold() == username.casefold()


def break_glass_keeper_id() -> int | None:
    """The named break-glass admin while password sign-in is off (then they must keep their
    access), else None."""
    policy = SignInPolicy.current()
    return None if policy.password_sign_in else policy.break_glass_user_id


def break_glass_refusals(*, user: User, is_active: bool, roles: list[Group]) -> dict[str, str]:
    """Why a People-page change to ``user`` may not be saved, by field: while password sign-in
    is off, the named break-glass admin stays active and an admin, or nobody could sign in when
    the provider is down. Empty when the change is allowed."""
    if user.pk is None or user.pk != break_glass_keeper_id():
        return {}
    refusals = {}
    if not is_active:
        refusals["is_active"] = _(
            "This person is the break-glass admin while password sign-in is off. Name another "
            "break-glass admin or turn password sign-in on (Single sign-on) before deactivating "
            "them."
        )
    if Role.ADMIN not in {role.name for role in roles}:
        refusals["roles"] = _(
            "This person is the break-glass admin while password sign-in is off, so they keep "
            "the Admin role. Name another break-glass admin or turn password sign-in on "
            "(Single sign-on) first."
        )
    return refusals


def sign_in_refused_log(
    *, request: HttpRequest, provider_slug: str, code: str, detail: str = ""
) -> None:
    """One security-log line and one audit entry for an SSO sign-in that was refused."""
    security_logger.warning(
        "sso refused provider=%s reason=%s detail=%r address=%s",
        _printable(provider_slug, 40),
        _printable(code, 40),
        _printable(detail, 300),
        _client_address(request),
    )
    audit_record(
        actor=None,
        action="auth.sso_refused",
        object_type="sso.IdentityProvider",
        after={"provider": provider_slug, "reason": code, "address": _client_address(request)},
    )


def provider_save(*, actor: User | None, provider: IdentityProvider) -> IdentityProvider:
    """Save a provider; the audit entry names the fields, never a secret's value."""
    created = provider.pk is None
    provider.save()
    audit_record(
        actor=actor,
        action="sso.provider_created" if created else "sso.provider_changed",
        obj=provider,
        after={"slug": provider.slug, "protocol": provider.protocol, "enabled": provider.enabled},
    )
    return provider


def mapping_save(*, actor: User, mapping: GroupMapping, form) -> GroupMapping:
    form.save()
    audit_record(
        actor=actor,
        action="sso.mapping_saved",
        obj=mapping,
        after={"provider": mapping.provider.slug, "group": mapping.external_group},
    )
    return mapping


def mapping_delete(*, actor: User, mapping: GroupMapping) -> None:
    audit_record(
        actor=actor,
        action="sso.mapping_deleted",
        obj=mapping,
        before={"provider": mapping.provider.slug, "group": mapping.external_group},
    )
    mapping.delete()


def policy_save(*, actor: User, policy: SignInPolicy) -> SignInPolicy:
    policy.save()
    audit_record(
        actor=actor,
        action="sso.policy_changed",
        obj=policy,
        after={
            "password_sign_in": policy.password_sign_in,
            "break_glass_user": policy.break_glass_user.username
            if policy.break_glass_user
            else None,
        },
    )
    return policy
