"""Targets and background exports. Everything else the reports show is computed from the
events, conversations and configuration that ``workspace`` and ``campaigns`` keep."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import AgentGroup, GoalType


class Target(models.Model):
    """A monthly target for one agent or one agent group and one goal type: a count of goals
    reached and, for selling and leads, a value in one currency."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("agent"),
    )
    group = models.ForeignKey(
        AgentGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("agent group"),
    )
    goal_type = models.CharField(_("goal type"), max_length=10, choices=GoalType.choices)
    count_target = models.DecimalField(
        _("count"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    value_target = models.DecimalField(
        _("value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month", "group__name", "agent__username", "goal_type"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(agent__isnull=False, group__isnull=True)
                | Q(agent__isnull=True, group__isnull=False),
                name="target_agent_xor_group",
            ),
            models.UniqueConstraint(
                fields=["month", "agent", "goal_type"],
                condition=Q(agent__isnull=False),
                name="unique_agent_target",
            ),
            models.UniqueConstraint(
                fields=["month", "group", "goal_type"],
                condition=Q(group__isnull=False),
                name="unique_group_target",
            ),
        ]

    def __str__(self) -> str:
        who = self.agent or self.group
        return f"{who} {self.month:%Y-%m} {self.get_goal_type_display()}"


class ReportExport(models.Model):
    """A CSV export too large to stream in a request, built by a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_exports"
    )
    dataset = models.CharField(max_length=20)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")

    def __str__(self) -> str:
        return f"{self.dataset} export #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ReportSubscription(models.Model):
    """A report a person receives by e-mail with the filters they chose: daily (yesterday) or
    weekly (Monday to Sunday), at 07:00 in the account's report time zone. The figures are read
    with the person's scope when the mail is sent (``reporting.services.subscriptions``)."""

    class Report(models.TextChoices):
        GOAL_TRACKER = "goal_tracker", _("Agent goal tracker")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily, for the day before")
        WEEKLY = "weekly", _("Weekly, for the week before (Monday to Sunday)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("user"),
    )
    report = models.CharField(
        _("report"), max_length=30, choices=Report.choices, default=Report.GOAL_TRACKER
    )
    # The report's filters as URL parameters, without dates (each mail covers its own period).
    params = models.JSONField(_("filters"), default=dict, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField(_("created"))
    # The first day of the last period claimed for sending: a period is sent once, however many
    # schedulers run (see ``subscription_claim``).
    last_sent_for = models.DateField(_("last period sent"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        indexes = [
            models.Index(
                fields=["frequency", "last_sent_for"],
                condition=Q(active=True),
                name="subscription_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_report_display()} ({self.frequency}) for {self.user_id}"
