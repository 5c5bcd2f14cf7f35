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


# The goal tracker's rollup (``reporting.selectors.rollup``): the aggregates of the ``credits``
# relation and of the conversations handled, per day in the account's report time zone. Days are
# built from the event tables when first read and rebuilt when a write marks them stale
# (PostgreSQL triggers add ``RollupStale`` rows; see migration 0002).


class RollupDay(models.Model):
    """A day whose rollup rows are built: ``[starts, ends)`` in ``tz_key``."""

    day = models.DateField(unique=True)
    tz_key = models.CharField(max_length=64)
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} ({self.tz_key})"


class RollupStale(models.Model):
    """Credited instants ``[starts, ends)`` that a write changed; the days they touch are rebuilt
    before the next read. ``-infinity .. infinity`` (configuration changes) rebuilds all."""

    starts = models.DateTimeField()
    ends = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.starts} .. {self.ends}"


def _rollup_number() -> models.DecimalField:
    return models.DecimalField(max_digits=38, decimal_places=16, null=True)


class CreditDay(models.Model):
    """One group of credit rows of a day (the columns the goal tracker groups and filters by)."""

    day = models.DateField()
    agent_id = models.BigIntegerField(null=True)
    skill_id = models.BigIntegerField(null=True)
    campaign_id = models.BigIntegerField(null=True)
    goal_id = models.BigIntegerField(null=True)
    goal_type = models.CharField(max_length=10, null=True)  # noqa: DJ001 (NULL: no goal, as in SQL)
    attribute_type = models.CharField(max_length=16)
    currency = models.CharField(max_length=3)
    status = models.PositiveSmallIntegerField(null=True)
    session = models.CharField(max_length=5)
    reached = models.PositiveSmallIntegerField()
    agent_reported = models.BooleanField()
    weight = _rollup_number()
    amount_share = _rollup_number()
    n = models.PositiveIntegerField()
    # Credit rows of events credited more than once (``split``/``all`` over several agents):
    # while the selection has none, each event's total is its one credit row.
    n_shared = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "agent_id"], name="creditday_day_agent")]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id} {self.attribute_type}"


class HandledDay(models.Model):
    """Conversations started on ``day`` that an agent handled, per skill, campaign and goal.
    ``conversations_once`` counts each (agent, conversation) once, on one skill's row."""

    day = models.DateField()
    agent_id = models.BigIntegerField()
    skill_id = models.BigIntegerField(null=True)
    campaign_id = models.BigIntegerField(null=True)
    goal_id = models.BigIntegerField(null=True)
    goal_type = models.CharField(max_length=10, null=True)  # noqa: DJ001 (NULL: no goal, as in SQL)
    conversations = models.PositiveIntegerField()
    conversations_once = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "agent_id"], name="handledday_day_agent")]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id}: {self.conversations}"
