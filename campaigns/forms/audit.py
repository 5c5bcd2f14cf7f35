"""Filters of the audit log page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.audit_wording import action_label, object_type_label
from campaigns.models import AuditEntry, User


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("changes", _("Changes")),
            ("sign_ins", _("Sign-ins and sign-outs")),
            ("all", _("Everything")),
        ],
    )
    actor = forms.ModelChoiceField(
        label=_("Who"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    object_type = forms.ChoiceField(label=_("What"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    query = forms.CharField(label=_("Object name contains"), required=False, max_length=100)

    def __init__(self, *args, object_types: list[str], actions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.filter(
            pk__in=AuditEntry.objects.values("actor")
        ).order_by("username")
        self.fields["object_type"].choices = [
            ("", _("Everything")),
            *[(t, object_type_label(t)) for t in object_types],
        ]
        self.fields["action"].choices = [
            ("", _("Any action")),
            *sorted(((a, action_label(a)) for a in actions), key=lambda choice: choice[1]),
        ]

    def filters(self) -> dict:
        """Keyword arguments for ``audit_entries`` (empty when the form is invalid)."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
