"""Agent survey library forms: the survey, its questions, the brand's predefined lists."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.forms.account import WindowMinutesField
from campaigns.forms.goals import DefaultFlagMixin
from campaigns.models import (
    CHOICE_KINDS,
    PREDEFINED_KINDS,
    AgentSurvey,
    QuestionKind,
    Skill,
    SurveyQuestion,
)
from campaigns.services.surveys import predefined_options
from outcomes_site.names import NameField, strip_bidi_controls

OPTIONS_MAX = 50


def lines(text: str) -> list[str]:
    """Non-empty, stripped lines of a textarea (option labels, cleaned as names are)."""
    cleaned = (strip_bidi_controls(line).strip() for line in (text or "").splitlines())
    return [line for line in cleaned if line]


class SkillsField(forms.ModelMultipleChoiceField):
    """Skills, each labelled with the survey it already belongs to (a skill has one survey)."""

    def __init__(self, *, owners: dict[int, str], **kwargs) -> None:
        self.owners = owners
        super().__init__(queryset=Skill.objects.order_by("name"), **kwargs)

    def label_from_instance(self, obj: Skill) -> str:
        owner = self.owners.get(obj.pk)
        if owner:
            return _("%(skill)s (now in %(survey)s)") % {"skill": obj.name, "survey": owner}
        return obj.name


class SurveyForm(DefaultFlagMixin, forms.ModelForm):
    timeout_minutes = WindowMinutesField(
        label=_("Timeout after conversation close"),
        help_text=_("Minutes the agent has to answer after the conversation ends: 0 to 4320."),
    )
    is_default = forms.BooleanField(
        label=_("Default survey"),
        required=False,
        help_text=_("Used for conversations whose skill has no survey of its own."),
    )

    class Meta:
        model = AgentSurvey
        fields = ["name", "description", "timeout_minutes", "is_active"]
        field_classes = {"name": NameField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners: dict[int, tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mine = {pk for pk, (survey_pk, _name) in owners.items() if survey_pk == self.instance.pk}
        self.fields["skills"] = SkillsField(
            owners={pk: name for pk, (_survey, name) in owners.items() if pk not in mine},
            label=_("Skills"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("A skill belongs to at most one survey."),
        )
        self.fields["is_default"].initial = self.instance.is_default
        if self.instance.pk:
            self.fields["skills"].initial = sorted(mine)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = AgentSurvey.objects.exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("A survey with this name already exists."))
        return name

    def clean_skills(self) -> list[Skill]:
        skills = list(self.cleaned_data["skills"])
        taken = [skill for skill in skills if skill.pk in self.fields["skills"].owners]
        if taken:
            raise forms.ValidationError(
                _("%(skills)s already belong to another survey; remove them there first.")
                % {"skills": ", ".join(skill.name for skill in taken)}
            )
        return skills


class QuestionForm(forms.ModelForm):
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One option per line, in the order agents see them."),
    )

    class Meta:
        model = SurveyQuestion
        fields = ["predefined", "text", "kind", "required", "max_chars"]
        field_classes = {"text": NameField}
        labels = {"required": _("Required")}
        help_texts = {
            "predefined": _("Predefined questions use the brand's option lists."),
            "max_chars": _("Free text only: 1 to 1024."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["max_chars"].required = False
        self.fields["kind"].required = False  # a predefined question's type is not asked
        if self.instance.pk and not self.instance.predefined:
            labels = [option.label for option in self.instance.options.all()]
            self.fields["options"].initial = "\n".join(labels)

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, predefined = cleaned.get("kind"), cleaned.get("predefined")
        if predefined:
            kind = cleaned["kind"] = PREDEFINED_KINDS[predefined]
        elif not kind:
            self.add_error("kind", _("Choose the type of answer."))
        if kind and kind != QuestionKind.FREE_TEXT:
            cleaned["max_chars"] = SurveyQuestion._meta.get_field("max_chars").default
        if predefined:
            if not predefined_options(predefined):
                self.add_error(
                    "predefined",
                    _("The brand's list for this question is empty: fill it in first."),
                )
            if not cleaned.get("text"):
                cleaned["text"] = SurveyQuestion.Predefined(predefined).label
                self.instance.text = str(cleaned["text"])
            others = self.instance.survey.questions.filter(predefined=predefined)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("predefined", _("This survey already asks this question."))
        elif not cleaned.get("text"):
            self.add_error("text", _("Enter the question."))
        if kind == QuestionKind.FREE_TEXT and not cleaned.get("max_chars"):
            self.add_error("max_chars", _("Enter the maximum characters, 1 to 1024."))
        options = lines(cleaned.get("options", ""))
        if kind in CHOICE_KINDS and not predefined:
            if not options:
                self.add_error("options", _("A choice question needs at least one option."))
            elif len(set(options)) != len(options):
                self.add_error("options", _("Each option must be different."))
            elif len(options) > OPTIONS_MAX or any(len(option) > 200 for option in options):
                self.add_error("options", _("Up to 50 options of at most 200 characters each."))
        cleaned["option_labels"] = options
        return cleaned


class PredefinedListsForm(forms.Form):
    conversation_topics = forms.CharField(
        label=_("Conversation topic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One topic per line."),
    )
    conversation_outcomes = forms.CharField(
        label=_("Conversation outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One outcome per line."),
    )

    def _clean_list(self, name: str) -> list[str]:
        labels = lines(self.cleaned_data[name])
        if len(set(labels)) != len(labels):
            raise forms.ValidationError(_("Each option must be different."))
        if len(labels) > OPTIONS_MAX or any(len(label) > 200 for label in labels):
            raise forms.ValidationError(_("Up to 50 options of at most 200 characters each."))
        return labels

    def clean_conversation_topics(self) -> list[str]:
        return self._clean_list("conversation_topics")

    def clean_conversation_outcomes(self) -> list[str]:
        return self._clean_list("conversation_outcomes")
