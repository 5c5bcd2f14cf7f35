"""The goal library and campaigns."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import ServiceStatus
from campaigns.models.people import Skill


class GoalType(models.TextChoices):
    SELL = "sell", _("Sell product/service")
    LEADS = "leads", _("Generate leads")
    SERVICE = "service", _("Service activity complete")
    INTERACT = "interact", _("Interact with visitors")


class Goal(models.Model):
    """An entry of the goal library. ``sell_more_than`` empty means "any value"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    goal_type = models.CharField(_("goal type"), max_length=10, choices=GoalType.choices)
    sell_more_than = models.DecimalField(
        _("more than"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    sell_currency = models.CharField(_("currency"), max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.name


class ServiceStatusBox(models.Model):
    """One (topic, status) pair a service activity must match to complete a service goal."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="status_boxes", db_index=False
    )
    topic = models.CharField(_("topic"), max_length=200)
    status = models.PositiveSmallIntegerField(_("status"), choices=ServiceStatus.choices)

    class Meta:
        ordering = ["topic", "status"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "topic", "status"], name="unique_status_box")
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.get_status_display()}"


class Campaign(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    name = models.CharField(_("name"), max_length=120, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("skill"),
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("goal")
    )
    is_default = models.BooleanField(_("default campaign"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_campaign"
            )
        ]

    def __str__(self) -> str:
        return self.name
