"""Writes of the desktop panels: their settings (audited), the one-time sign-in codes, and the
conversation a panel shows for a desktop's context."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from campaigns.models import Skill, User
from campaigns.services.audit import audit_record
from workspace.embed.models import (
    CODE_LIFETIME,
    Desktop,
    DesktopPanel,
    PanelConversation,
    SignInCode,
)
from workspace.models import Conversation
from workspace.platforms.models import ExternalRef, Platform, PlatformAccount, RefKind
from workspace.selectors.access import WORK
from workspace.services.ingest_conversations import conversation_feed

# Which platform's feed can stand behind each desktop's ids (Zendesk has no feed: its tickets
# always get a provisional conversation).
FEED_PLATFORM = {Desktop.CHATWOOT: Platform.CHATWOOT, Desktop.LIVEPERSON: Platform.LIVEPERSON}
PROVENANCE = "created from the agent desktop"


@transaction.atomic
def desktop_panel_save(
    *, actor: User, desktop: str, enabled: bool, origins: list[str], now: datetime
) -> DesktopPanel:
    """Turn a desktop's panel on or off and set the origins allowed to frame it."""
    panel, _created = DesktopPanel.objects.select_for_update().get_or_create(desktop=desktop)
    before = {"enabled": panel.enabled, "origins": panel.origins}
    panel.enabled, panel.allowed_origins = enabled, "\n".join(origins)
    panel.updated_at, panel.updated_by = now, actor
    panel.save()
    audit_record(
        actor=actor,
        action="embed.desktop_save",
        obj=panel,
        at=now,
        before=before,
        after={"enabled": enabled, "origins": origins},
    )
    return panel


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def sign_in_code_issue(*, user: User, origin: str, now: datetime) -> str:
    """A fresh code for ``user``, good once, for ``origin``, for 60 seconds. Only its digest
    is stored; the code itself exists in the sign-in window's page and nowhere else."""
    code = secrets.token_urlsafe(32)
    SignInCode.objects.create(digest=_digest(code), user=user, origin=origin, created_at=now)
    SignInCode.objects.filter(created_at__lt=now - 10 * CODE_LIFETIME).delete()
    return code


@transaction.atomic
def sign_in_code_redeem(*, code: str, origin: str, now: datetime) -> User | None:
    """The active user the code was issued to, or None (unknown, used, expired, another
    origin, or an inactive user). A code is spent by any attempt to redeem it."""
    row = (
        SignInCode.objects.select_for_update()
        .select_related("user")
        .filter(digest=_digest(code), used_at__isnull=True)
        .first()
    )
    if row is None:
        return None
    row.used_at = now
    row.save(update_fields=["used_at"])
    fresh = row.created_at <= now < row.created_at + CODE_LIFETIME
    if not fresh or row.origin != origin or not row.user.is_active:
        return None
    return row.user


@dataclass(frozen=True)
class DesktopContext:
    """Which conversation a desktop says is on screen. Unsigned: it never says who is looking."""

    desktop: str
    account_ref: str
    conversation_ref: str
    contact_ref: str = ""
    # The host's skill by name (LivePerson's ``chatInfo.chatSkill``): a provisional conversation
    # gets our skill of that name, when there is one.
    skill_name: str = ""


@dataclass(frozen=True)
class Resolution:
    conversation: Conversation | None
    provisional: bool = False
    awaiting_feed: bool = False


def panel_conversation_resolve(*, user: User, context: DesktopContext, now: datetime) -> Resolution:
    """Our conversation for the desktop's ids: through the platform feed's external ids when the
    desktop account has a feed, else the panel's own mapping, created on first sight with
    ``user`` as the assigned agent. Who may see it is decided afterwards, as on our pages."""
    found = panel_conversation_find(context)
    if found.conversation is not None or found.awaiting_feed:
        return found
    if not user.has_perm(WORK):
        return Resolution(None)
    return _provisional_create(user=user, context=context, now=now)


def panel_conversation_find(context: DesktopContext) -> Resolution:
    """The conversation the desktop's ids already map to, creating nothing (Zendesk's save
    gate asks this: a ticket the panel never showed has nothing of ours to require)."""
    platform = FEED_PLATFORM.get(context.desktop)
    feed = (
        PlatformAccount.objects.filter(
            platform=platform, account_ref=context.account_ref, is_active=True
        ).first()
        if platform
        else None
    )
    if feed is not None:
        ref = (
            ExternalRef.objects.select_related("conversation")
            .filter(account=feed, kind=RefKind.CONVERSATION, external_id=context.conversation_ref)
            .order_by("-sequence")
            .first()
        )
        if ref is None or ref.conversation is None:
            return Resolution(None, awaiting_feed=True)
        return Resolution(ref.conversation)
    row = _panel_row(context)
    return Resolution(row.conversation if row else None, provisional=row is not None)


def _panel_row(context: DesktopContext) -> PanelConversation | None:
    return (
        PanelConversation.objects.select_related("conversation")
        .filter(
            desktop=context.desktop,
            account_ref=context.account_ref,
            conversation_ref=context.conversation_ref,
        )
        .first()
    )


@transaction.atomic
def _provisional_create(*, user: User, context: DesktopContext, now: datetime) -> Resolution:
    base = f"{context.desktop}-desktop-{context.account_ref}"
    external_id = f"{base}:{context.conversation_ref}"
    if Conversation.objects.filter(external_id=external_id).exists():
        # Made by someone else under this id (the API): never take it over from a context.
        row = _panel_row(context)
        return Resolution(row.conversation if row else None, provisional=row is not None)
    contact = context.contact_ref or f"conversation-{context.conversation_ref}"
    raw = {
        "conversationId": external_id,
        "visitorId": f"{base}:contact:{contact}",
        "agent": user.username,
        "startTime": now.isoformat(),
    }
    if context.skill_name and Skill.objects.filter(name=context.skill_name).exists():
        raw["skill"] = context.skill_name
    conversation = conversation_feed(raw=raw, now=now).conversation
    PanelConversation.objects.create(
        desktop=context.desktop,
        account_ref=context.account_ref,
        conversation_ref=context.conversation_ref,
        conversation=conversation,
        created_at=now,
        created_by=user,
    )
    audit_record(
        actor=user,
        action="embed.conversation_create",
        obj=conversation,
        at=now,
        after={"desktop": context.desktop, "account": context.account_ref},
        reason=PROVENANCE,
    )
    return Resolution(conversation, provisional=True)
