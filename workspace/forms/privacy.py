"""The visitor erasure request an admin fills in."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workspace.models import Visitor


class VisitorEraseForm(forms.Form):
    visitor_id = forms.CharField(
        label=_("Visitor ID"),
        max_length=120,
        help_text=_("The ID the customer's website or messaging channel sends for them."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that this permanently deletes the visitor's conversations, "
            "transcripts, outcomes and survey answers."
        ),
        required=True,
    )

    def clean_visitor_id(self) -> str:
        visitor_id = self.cleaned_data["visitor_id"]
        self.visitor = Visitor.objects.filter(external_id=visitor_id).first()
        if self.visitor is None:
            raise ValidationError(_("No visitor with that ID."), code="unknown")
        return visitor_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "visitor_id" in cleaned:
            cleaned["visitor"] = self.visitor
        return cleaned
