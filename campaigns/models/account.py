"""The account's settings and its effective-dated attribution policies."""

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.people import MAX_WINDOW_MINUTES
from outcomes_site.request_memo import forget_on_change, request_memo


class AccountSettings(models.Model):
    """The account's settings: one row (pk=1), read with ``AccountSettings.load()``."""

    default_currency = models.CharField(_("default currency"), max_length=3, default="USD")
    report_time_zone = models.CharField(
        _("account time zone for reports"),
        max_length=64,
        blank=True,
        help_text=_("Empty: the server's time zone."),
    )
    agent_outcome_window_minutes = models.PositiveIntegerField(
        _("agent outcome window (minutes after close)"),
        default=30,
        validators=[MaxValueValidator(MAX_WINDOW_MINUTES)],
    )
    # The brand's option lists for the predefined survey questions (one label per item).
    conversation_topics = models.JSONField(_("conversation topics"), default=list, blank=True)
    conversation_outcomes = models.JSONField(_("conversation outcomes"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="account_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Account settings"))

    @classmethod
    def load(cls) -> "AccountSettings":
        return _account_settings()

    def midnight(self, day: date) -> datetime:
        """The instant ``day`` begins in the account's report time zone."""
        zone = ZoneInfo(self.report_time_zone or settings.TIME_ZONE)
        return datetime.combine(day, time.min, tzinfo=zone)


class ConfigStamp(models.Model):
    """One row: a random value replaced, in the same transaction, whenever the configuration the
    widget reads changes (``campaigns/config_stamp.py``). Its own table, so that changing it does
    not touch the account settings, whose changes invalidate the reports' rollup."""

    stamp = models.UUIDField(default=uuid.uuid4)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="config_stamp_singleton")]

    def __str__(self) -> str:
        return str(self.stamp)


def _settings_sql() -> str:
    """The settings row with the stamp as ``config_stamp``. Written out because the ORM's
    subquery annotation took three times as long to build as the query took to run, on a read
    made by every widget request (bench/README.md). Constant text: no value is formatted in."""
    settings_table = connection.ops.quote_name(AccountSettings._meta.db_table)
    stamp_table = connection.ops.quote_name(ConfigStamp._meta.db_table)
    # bandit: table names from the models' own metadata; no value is formatted into the text.
    stamp = f"(SELECT c.stamp FROM {stamp_table} c WHERE c.id = 1)"  # noqa: S608  # nosec B608
    return f"SELECT s.*, {stamp} AS config_stamp FROM {settings_table} s WHERE s.id = 1"  # noqa: S608  # nosec B608


@request_memo
def _account_settings() -> AccountSettings:
    """The row with the configuration stamp (``config_stamp``), in one query, once per request
    (and again after either is saved)."""
    settings_row = next(iter(AccountSettings.objects.raw(_settings_sql())), None)
    if settings_row is None:
        AccountSettings.objects.get_or_create(pk=1)
        settings_row = next(iter(AccountSettings.objects.raw(_settings_sql())))
    return settings_row


forget_on_change(AccountSettings, ConfigStamp)


class AttributionModel(models.TextChoices):
    FIRST = "first", _("First agent")
    LAST = "last", _("Last agent")
    SPLIT = "split", _("Split evenly")
    ALL = "all", _("Full credit to all agents")


class AttributionPolicy(models.Model):
    """Cross-session window and model, in force from ``effective_from`` until the next policy."""

    class Window(models.IntegerChoices):
        NONE = 0, _("No cross-session attribution")
        ONE_DAY = 1, _("1 day")
        ONE_WEEK = 7, _("7 days")
        TWO_WEEKS = 14, _("14 days")
        ONE_MONTH = 31, _("31 days")

    effective_from = models.DateField(_("effective from"), unique=True)
    # The instant the policy takes effect: midnight of ``effective_from`` in the account's report
    # time zone when the policy was saved. Stored, so that changing the zone later does not move
    # past credit from one policy to another (the page names the policy each number used).
    starts_at = models.DateTimeField(_("takes effect at"))
    cross_session_window_days = models.PositiveSmallIntegerField(
        _("cross-session window"), choices=Window.choices, default=Window.ONE_WEEK
    )
    model = models.CharField(
        _("attribution model"),
        max_length=8,
        choices=AttributionModel.choices,
        default=AttributionModel.LAST,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("attribution policy")
        verbose_name_plural = _("attribution policies")

    def __str__(self) -> str:
        return f"{self.get_model_display()}, {self.get_cross_session_window_days_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.starts_at is None:
            self.starts_at = AccountSettings.load().midnight(self.effective_from)
        super().save(*args, **kwargs)
