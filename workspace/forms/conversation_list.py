"""The search and filter of the Agent Workspace list (query string, so a view can be shared)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConversationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search by conversation or visitor ID"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Open")),
            ("closed", _("Closed")),
            ("pending", _("Outcome or survey pending")),
            ("transferred", _("Transferred to someone else")),
        ],
    )

    def filters(self) -> dict[str, str]:
        """``query`` and ``status`` for ``conversations_for_agent`` (none when invalid)."""
        if not self.is_valid():
            return {}
        return {"query": self.cleaned_data["q"].strip(), "status": self.cleaned_data["status"]}
