"""People, skills, groups, campaign configuration, surveys, connectors and the audit log."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import AGENT_REPORTABLE_TYPES, AttributeType, ServiceStatus

MAX_WINDOW_MINUTES = 72 * 60


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
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


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

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="status_boxes")
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

    config = models.ForeignKey(AttributeConfig, on_delete=models.CASCADE, related_name="fields")
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


class AgentSurvey(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default survey"),
        default=False,
        help_text=_("Used for conversations whose skill has no survey of its own."),
    )
    timeout_minutes = models.PositiveIntegerField(
        _("timeout after conversation close (minutes)"),
        default=30,
        validators=[MaxValueValidator(MAX_WINDOW_MINUTES)],
    )
    skills = models.ManyToManyField(
        Skill, through="SurveySkill", related_name="surveys", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agent survey")
        verbose_name_plural = _("agent surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_survey"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SurveySkill(models.Model):
    """A skill belongs to at most one survey, so which survey applies is never ambiguous."""

    survey = models.ForeignKey(AgentSurvey, on_delete=models.CASCADE)
    skill = models.OneToOneField(Skill, on_delete=models.CASCADE, related_name="survey_link")

    def __str__(self) -> str:
        return f"{self.survey} / {self.skill}"


class QuestionKind(models.TextChoices):
    FREE_TEXT = "free_text", _("Free text")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    DROPDOWN = "dropdown", _("Dropdown")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.DROPDOWN)


class SurveyQuestion(models.Model):
    class Predefined(models.TextChoices):
        NONE = "", _("None")
        TOPIC = "topic", _("Conversation topic")
        OUTCOME = "outcome", _("Conversation outcome")

    survey = models.ForeignKey(AgentSurvey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    predefined = models.CharField(
        _("predefined question"), max_length=8, choices=Predefined.choices, blank=True, default=""
    )
    required = models.BooleanField(_("required"), default=False)
    max_chars = models.PositiveSmallIntegerField(
        _("maximum characters"),
        default=500,
        validators=[MinValueValidator(1), MaxValueValidator(1024)],
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS


class SurveyOption(models.Model):
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class Connector(models.Model):
    """An ingest API key. Only its SHA-256 digest is kept; the key is shown once."""

    name = models.CharField(_("name"), max_length=80)
    key_digest = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(models.Model):
    """Who changed what and when. Written by services, never edited or deleted by the product."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
