"""The goal library and campaigns (SPEC section 2)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Goal, GoalType, ServiceStatusBox, User
from campaigns.services.audit import audit_record, snapshot

CAMPAIGN_FIELDS = ["name", "status", "skill", "goal", "is_default"]


def goal_snapshot(goal: Goal) -> dict[str, Any]:
    picture = snapshot(goal, ["name", "goal_type", "sell_more_than", "sell_currency"])
    picture["status_boxes"] = [str(box) for box in goal.status_boxes.all()]
    return picture


@transaction.atomic
def goal_save(
    *,
    actor: User | None,
    goal: Goal,
    status_boxes: list[tuple[str, int]] | None = None,
) -> Goal:
    """Create or update a goal. Conditions that do not belong to its type are cleared: a sell
    goal keeps "more than X" (empty: any value), a service goal its (topic, status) boxes."""
    creating = goal.pk is None
    before = None if creating else goal_snapshot(Goal.objects.get(pk=goal.pk))
    if goal.goal_type != GoalType.SELL:
        goal.sell_more_than, goal.sell_currency = None, ""
    elif goal.sell_more_than is None:
        goal.sell_currency = ""
    elif not goal.sell_currency:
        raise ValidationError(_("Choose the currency of the amount."), code="currency")
    boxes = sorted({(topic.strip(), status) for topic, status in status_boxes or []})
    if goal.goal_type == GoalType.SERVICE and not boxes:
        raise ValidationError(_("Add at least one status box."), code="no_box")
    goal.save()
    goal.status_boxes.all().delete()
    if goal.goal_type == GoalType.SERVICE:
        ServiceStatusBox.objects.bulk_create(
            [ServiceStatusBox(goal=goal, topic=topic, status=status) for topic, status in boxes]
        )
    audit_record(
        actor=actor,
        action="goal.create" if creating else "goal.update",
        obj=goal,
        before=before,
        after=goal_snapshot(goal),
    )
    return goal


@transaction.atomic
def goal_delete(*, actor: User | None, goal: Goal) -> None:
    """Delete a goal no campaign uses."""
    # Written first so that it names the goal; a refused delete rolls it back.
    audit_record(actor=actor, action="goal.delete", obj=goal, before=goal_snapshot(goal))
    try:
        goal.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("Campaigns use this goal; give them another goal first."), code="in_use"
        ) from exc


@transaction.atomic
def campaign_save(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Create or update a campaign; making it the default takes the flag from the previous one."""
    creating = campaign.pk is None
    before = None if creating else snapshot(Campaign.objects.get(pk=campaign.pk), CAMPAIGN_FIELDS)
    if campaign.is_default:
        _clear_default(actor=actor, keep=campaign)
    campaign.save()
    audit_record(
        actor=actor,
        action="campaign.create" if creating else "campaign.update",
        obj=campaign,
        before=before,
        after=snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


def _clear_default(*, actor: User | None, keep: Campaign) -> None:
    previous = Campaign.objects.select_for_update().filter(is_default=True).exclude(pk=keep.pk)
    for other in previous:
        other.is_default = False
        other.save(update_fields=["is_default"])
        audit_record(
            actor=actor,
            action="campaign.update",
            obj=other,
            before={"is_default": True},
            after={"is_default": False},
        )


@transaction.atomic
def campaign_make_default(*, actor: User | None, campaign: Campaign) -> Campaign:
    """The account's default campaign, used for conversations that name none."""
    if not campaign.is_default:
        campaign.is_default = True
        campaign_save(actor=actor, campaign=campaign)
    return campaign
