"""The Agent survey form: one field per question, in order, typed as the question says."""

from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import QuestionKind, SurveyQuestion
from campaigns.money import parse_decimal
from workspace.forms.outcomes import ReasonForm, reason_field


class PlainNumberField(forms.CharField):
    """A number typed as plain decimal text (no exponent, no grouping, no NaN)."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "autocomplete": "off"}

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text in (None, ""):
            return None
        number = parse_decimal(text, allow_negative=True)
        if -number.as_tuple().exponent > 4:
            raise ValidationError(_("Use at most four decimals."), code="decimals")
        return number


class SurveyForm(forms.Form):
    """``token`` makes a double submit one response; ``seen`` is how many responses the person
    saw, so a resubmit over someone else's answers is a conflict, not a silent stack."""

    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        *args: Any,
        questions: Sequence[SurveyQuestion],
        choices: dict[int, list[tuple[str, str]]],
        needs_reason: bool,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("token", uuid4())
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field_for(question, choices.get(question.pk, []))
        if needs_reason:
            self.fields["reason"] = reason_field(
                required=True, help_text=_("Required when acting on behalf of an agent.")
            )

    @staticmethod
    def _field_for(question: SurveyQuestion, choices: list[tuple[str, str]]) -> forms.Field:
        # The form is posted with ``novalidate``: every unanswered required question gets this
        # message beside it at once, not the browser's bubble one question at a time.
        common = {
            "label": question.text,
            "required": question.required,
            "error_messages": {"required": _("Answer this question: it is required.")},
        }
        kind = question.kind
        if kind == QuestionKind.SINGLE:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if kind == QuestionKind.DROPDOWN:
            return forms.ChoiceField(choices=[("", _("Choose…")), *choices], **common)
        if kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == QuestionKind.NUMBER:
            return PlainNumberField(max_length=32, **common)
        if kind == QuestionKind.DATE:
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        return forms.CharField(
            max_length=question.max_chars, widget=forms.Textarea(attrs={"rows": 2}), **common
        )

    def answers(self) -> dict[int, Any]:
        """Question id -> cleaned value (option ids as text, a list for multiple choice)."""
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class DismissForm(ReasonForm):
    """A dismiss is final: the first post asks for ``confirm``, the second one dismisses."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
