"""Writing targets: admins for anyone, agent managers for their groups and their groups'
current members. Every change is written to the audit log."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import User
from campaigns.services.audit import audit_record, snapshot
from reporting.filters import Scope
from reporting.models import Target

AUDITED = ["month", "agent", "group", "goal_type", "count_target", "value_target", "currency"]


def may_set_target(user: User, *, agent_id: int | None, group_id: int | None) -> bool:
    if not user.has_perm("campaigns.set_targets"):
        return False
    scope = Scope.for_reports(user)
    if scope.kind == Scope.ALL:
        return True
    if scope.kind != Scope.TEAM:
        return False
    if group_id is not None:
        return scope.groups().filter(pk=group_id).exists()
    return scope.agents().filter(pk=agent_id).exists()


@transaction.atomic
def target_save(*, actor: User, target: Target | None = None, **fields) -> Target:
    """Create or update the target for (month, agent or group, goal type)."""
    if not may_set_target(actor, agent_id=fields["agent_id"], group_id=fields["group_id"]):
        raise PermissionDenied
    before = snapshot(target, AUDITED) if target is not None else None
    if target is None:
        who = (
            {"agent_id": fields["agent_id"]}
            if fields["agent_id"]
            else {"group_id": fields["group_id"]}
        )
        target = (
            Target.objects.filter(
                month=fields["month"], goal_type=fields["goal_type"], **who
            ).first()
            or Target()
        )
        before = snapshot(target, AUDITED) if target.pk else None
    for name, value in fields.items():
        setattr(target, name, value)
    clash = Target.objects.filter(
        month=target.month,
        goal_type=target.goal_type,
        agent_id=target.agent_id,
        group_id=target.group_id,
    ).exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError(
            _("There is already a target for this month, agent or group and goal type.")
        )
    target.set_by = actor
    target.save()
    audit_record(
        actor=actor,
        action="target.save",
        obj=target,
        before=before,
        after=snapshot(target, AUDITED),
    )
    return target


@transaction.atomic
def target_delete(*, actor: User, target: Target) -> None:
    if not may_set_target(actor, agent_id=target.agent_id, group_id=target.group_id):
        raise PermissionDenied
    audit_record(actor=actor, action="target.delete", obj=target, before=snapshot(target, AUDITED))
    target.delete()
