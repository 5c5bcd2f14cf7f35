"""Which engagement attributes agents may report, and when each type was last reported."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import AGENT_REPORTABLE_TYPES, AttributeType
from campaigns.models.people import Skill


class AttributeConfig(models.Model):
    """How agents may report one agent-reportable attribute (Transaction, Lead, Service activity).

    Turning ``submit_by_agent`` off keeps skills and fields, so turning it on restores them.
    """

    attribute_type = models.CharField(
        max_length=16,
        unique=True,
        choices=[(t, AttributeType(t).label) for t in AGENT_REPORTABLE_TYPES],
    )
    submit_by_agent = models.BooleanField(_("Submit by agent"), default=False)
    required_before_close = models.BooleanField(_("Required before close"), default=False)
    skills = models.ManyToManyField(Skill, related_name="attribute_configs", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attribute_type"]
        verbose_name = _("attribute configuration")
        verbose_name_plural = _("attribute configurations")

    def __str__(self) -> str:
        return str(AttributeType(self.attribute_type).label)


class AttributeField(models.Model):
    """A property added to the widget, with its display name and position."""

    config = models.ForeignKey(
        AttributeConfig, on_delete=models.CASCADE, related_name="fields", db_index=False
    )
    property_key = models.CharField(max_length=32)
    display_name = models.CharField(_("Display name"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["config", "property_key"], name="unique_widget_field")
        ]

    def __str__(self) -> str:
        return self.display_name


class AttributeActivity(models.Model):
    """When each attribute type was last reported; ``workspace`` updates it when it stores an
    event, so the data indicator never needs ``campaigns`` to read ``workspace``."""

    attribute_type = models.CharField(max_length=16, unique=True, choices=AttributeType.choices)
    last_reported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attribute activity")
        verbose_name_plural = _("attribute activity")

    def __str__(self) -> str:
        return f"{self.attribute_type} @ {self.last_reported_at:%Y-%m-%d %H:%M}"
