"""Account settings and effective-dated attribution policies (SPEC sections 4 and 7)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.models import AccountSettings, AttributionPolicy, User
from campaigns.services.audit import audit_record, snapshot

SETTINGS_FIELDS = ["default_currency", "report_time_zone", "agent_outcome_window_minutes"]
POLICY_FIELDS = ["effective_from", "cross_session_window_days", "model"]


@transaction.atomic
def account_settings_save(
    *,
    actor: User | None,
    default_currency: str,
    report_time_zone: str,
    agent_outcome_window_minutes: int,
) -> AccountSettings:
    """Update the account's default currency, report time zone and agent outcome window."""
    account = AccountSettings.load()
    before = snapshot(account, SETTINGS_FIELDS)
    account.default_currency = default_currency
    account.report_time_zone = report_time_zone
    account.agent_outcome_window_minutes = agent_outcome_window_minutes
    account.full_clean(exclude=["conversation_topics", "conversation_outcomes"])
    account.save()
    after = snapshot(account, SETTINGS_FIELDS)
    if after != before:
        audit_record(
            actor=actor, action="account_settings.update", obj=account, before=before, after=after
        )
    return account


@transaction.atomic
def attribution_policy_create(
    *,
    actor: User | None,
    effective_from: date,
    cross_session_window_days: int,
    model: str,
) -> AttributionPolicy:
    """A policy in force from ``effective_from`` until the next one; earlier numbers keep theirs."""
    if AttributionPolicy.objects.filter(effective_from=effective_from).exists():
        raise ValidationError(
            _("A policy already takes effect on that date."), code="duplicate_date"
        )
    policy = AttributionPolicy.objects.create(
        effective_from=effective_from,
        starts_at=AccountSettings.load().midnight(effective_from),
        cross_session_window_days=cross_session_window_days,
        model=model,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="attribution_policy.create",
        obj=policy,
        after=snapshot(policy, POLICY_FIELDS),
    )
    return policy


@transaction.atomic
def attribution_policy_delete(
    *, actor: User | None, policy: AttributionPolicy, today: date
) -> None:
    """Withdraw a policy that has not taken effect yet; policies in force are history."""
    if policy.effective_from <= today:
        raise ValidationError(
            _("Only a policy that has not taken effect yet can be withdrawn."), code="in_force"
        )
    before = snapshot(policy, POLICY_FIELDS)
    audit_record(actor=actor, action="attribution_policy.delete", obj=policy, before=before)
    policy.delete()
