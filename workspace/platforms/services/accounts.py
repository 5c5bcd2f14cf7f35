"""Admin writes on the Platforms tab: accounts, their secrets and the mapping tables. Every
change leaves an audit entry; no secret is ever written into one."""

import secrets
from datetime import datetime

from django.db import transaction

from campaigns.models import Skill, User
from campaigns.services.audit import audit_record
from workspace.platforms.models import ExternalRef, PlatformAccount, ReceiverAuth, RefKind


@transaction.atomic
def platform_account_create(
    *,
    actor: User,
    platform: str,
    name: str,
    account_ref: str,
    auth: str,
    client_id: str = "",
    secret: str = "",
    now: datetime,
) -> tuple[PlatformAccount, str]:
    """A new account with its receiver. Returns the account and, for a secret receiver URL,
    the generated path token (shown once; only the encrypted copy is kept)."""
    token = secrets.token_urlsafe(32) if auth == ReceiverAuth.SECRET_PATH else ""
    account = PlatformAccount.objects.create(
        platform=platform,
        name=name,
        account_ref=account_ref,
        auth=auth,
        client_id=client_id,
        signing_secret=secret,
        path_token=token,
        slug=secrets.token_hex(8),
        created_at=now,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="platforms.account_create",
        obj=account,
        at=now,
        after={
            "platform": platform,
            "account": account_ref,
            "auth": auth,
            "client_id": client_id,
            "secret_set": bool(secret),
        },
    )
    return account, token


@transaction.atomic
def platform_secret_set(*, actor: User, account: PlatformAccount, secret: str, now: datetime):
    """Replace the webhook secret the platform shows (Chatwoot) or gave (LivePerson)."""
    had = bool(account.signing_secret)
    account.signing_secret = secret
    account.save(update_fields=["signing_secret"])
    audit_record(
        actor=actor,
        action="platforms.secret_set",
        obj=account,
        at=now,
        before={"secret_set": had},
        after={"secret_set": True},
    )
    return account


@transaction.atomic
def platform_account_remove(*, actor: User, account: PlatformAccount, now: datetime):
    """Stop receiving: the receiver answers 404 from now on; what was received stays."""
    account.is_active = False
    account.signing_secret = ""
    account.path_token = ""
    account.save(update_fields=["is_active", "signing_secret", "path_token"])
    audit_record(
        actor=actor,
        action="platforms.account_remove",
        obj=account,
        at=now,
        before={"active": True},
        after={"active": False},
    )
    return account


@transaction.atomic
def external_ref_map(
    *,
    actor: User,
    ref: ExternalRef,
    agent: User | None = None,
    skill: Skill | None = None,
    now: datetime,
) -> ExternalRef:
    """Map a platform agent to one of our agents, or an inbox, team or platform skill to one of
    our skills; None unmaps. Later deliveries use the mapping."""
    ref = ExternalRef.objects.select_for_update().get(pk=ref.pk)
    before = {"agent": str(ref.agent or ""), "skill": str(ref.skill or "")}
    if ref.kind == RefKind.AGENT:
        ref.agent = agent
    else:
        ref.skill = skill
    ref.ignored = False
    ref.save(update_fields=["agent", "skill", "ignored"])
    audit_record(
        actor=actor,
        action="platforms.mapping_save",
        obj=ref.account,
        at=now,
        before={"kind": ref.kind, "external_id": ref.external_id, **before},
        after={
            "kind": ref.kind,
            "external_id": ref.external_id,
            "agent": str(ref.agent or ""),
            "skill": str(ref.skill or ""),
        },
    )
    return ref
