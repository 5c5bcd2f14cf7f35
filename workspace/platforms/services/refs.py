"""External ids: record what a delivery names, and find what it maps to here."""

from datetime import datetime

from campaigns.models import User
from campaigns.services.audit import audit_record
from workspace.platforms.models import ExternalRef, PlatformAccount, RefKind


def ref_seen(
    *,
    account: PlatformAccount,
    kind: str,
    external_id: str,
    now: datetime,
    label: str = "",
    email: str = "",
) -> ExternalRef:
    """The ref for an agent, inbox, team or platform skill named in a delivery, created on first
    sight (then it is on the "needs mapping" list). An agent whose e-mail matches exactly one of
    our active agents is mapped to them at once."""
    ref, created = ExternalRef.objects.get_or_create(
        account=account,
        kind=kind,
        external_id=external_id[:200],
        sequence=1,
        defaults={"label": label[:200], "email": email, "first_seen_at": now, "last_seen_at": now},
    )
    changed = {}
    if label and ref.label != label[:200]:
        changed["label"] = label[:200]
    if email and ref.email != email:
        changed["email"] = email
    if not created and (now - ref.last_seen_at).total_seconds() > 60:
        changed["last_seen_at"] = now  # at most once a minute: busy agents are seen constantly
    for name, value in changed.items():
        setattr(ref, name, value)
    if kind == RefKind.AGENT and ref.agent_id is None and ref.email:
        _map_by_email(ref, now)
        changed["agent"] = ref.agent
    if changed:
        ref.save(update_fields=list(changed))
    return ref


def _map_by_email(ref: ExternalRef, now: datetime) -> None:
    matches = list(User.objects.agents().filter(email__iexact=ref.email)[:2])
    if len(matches) != 1:
        return
    ref.agent = matches[0]
    audit_record(
        actor=None,
        action="platforms.agent_map",
        obj=ref.account,
        at=now,
        after={"kind": ref.kind, "external_id": ref.external_id, "agent": str(ref.agent)},
        reason="Matched by e-mail",
    )


def current_conversation_ref(account: PlatformAccount, external_id: str) -> ExternalRef | None:
    """The newest of our conversations for the platform's conversation id, locked."""
    return (
        ExternalRef.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .filter(account=account, kind=RefKind.CONVERSATION, external_id=external_id)
        .order_by("-sequence")
        .first()
    )


def our_conversation_id(account: PlatformAccount, external_id: str, sequence: int) -> str:
    """``chatwoot-3:42``, and ``chatwoot-3:42#2`` once it was reopened after being resolved."""
    base = f"{account.namespace}:{external_id}"
    return base if sequence == 1 else f"{base}#{sequence}"


def namespaced_visitor_id(account: PlatformAccount, kind: str, external_id: str) -> str:
    return f"{account.namespace}:{kind}:{external_id}"
