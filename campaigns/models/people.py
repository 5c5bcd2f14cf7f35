"""People: skills, agent groups and the user model."""

from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_WINDOW_MINUTES = 72 * 60


@cache
def time_zone_names() -> tuple[str, ...]:
    """IANA zone names this machine knows ("Europe/Lisbon"), sorted; no legacy aliases."""
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def validate_time_zone(name: str) -> None:
    if name and name not in time_zone_names():
        raise ValidationError(_("Choose a time zone from the list."), code="time_zone")


class NumberFormat(models.TextChoices):
    """How a person writes and reads numbers: the grouping and decimal marks."""

    POINT = "point", _("1,234.50 (decimal point)")
    COMMA = "comma", _("1.234,50 (decimal comma)")


class Skill(models.Model):
    """A routing label on agents and on conversations ("Sales", "Billing")."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    survey_timeout_minutes = models.PositiveIntegerField(
        _("survey timeout override (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WINDOW_MINUTES)],
        help_text=_("Leave empty to use the survey's own timeout."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class AgentGroup(models.Model):
    """A flat team of agents, led by one or more agent managers."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_groups",
        blank=True,
        verbose_name=_("managers"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agent group")
        verbose_name_plural = _("agent groups")

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def agents(self) -> "UserQuerySet":
        return self.filter(groups__name="Agent", is_active=True)

    def managed_by(self, manager) -> "UserQuerySet":
        """Current members of the groups ``manager`` manages."""
        return self.filter(agent_group__managers=manager)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. Roles are Django groups (see ``campaigns.roles``)."""

    skills = models.ManyToManyField(
        Skill, related_name="agents", blank=True, verbose_name=_("skills")
    )
    agent_group = models.ForeignKey(
        AgentGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("agent group"),
    )
    # Empty: the account's report time zone (AccountSettings), so a new user needs no setup.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("The Agent Workspace shows times in this zone. Empty: the account's."),
    )
    number_format = models.CharField(
        _("number format"),
        max_length=8,
        choices=NumberFormat.choices,
        default=NumberFormat.POINT,
        help_text=_("How amounts are typed and shown."),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("manage_people", "Manage users, skills and agent groups"),
            ("configure_campaigns", "Use Campaign Builder"),
            ("view_audit_log", "Read the audit log"),
            ("view_all_reports", "Read reports for every agent"),
            ("view_team_reports", "Read reports for managed agent groups"),
            ("act_for_team", "Submit, amend or retract on behalf of managed agents"),
            ("set_targets", "Set targets"),
            ("work_conversations", "Handle conversations in the Agent Workspace"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)
