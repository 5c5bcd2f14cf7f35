"""Agent surveys: questions and options."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.people import MAX_WINDOW_MINUTES, Skill


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
# A predefined question's type is the product's, not asked: a brand's topic list is long (a
# dropdown); its outcomes are a few, all shown (single choice).
PREDEFINED_KINDS = {"topic": QuestionKind.DROPDOWN, "outcome": QuestionKind.SINGLE}


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
