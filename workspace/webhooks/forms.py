"""The endpoint form: URL (checked: https, public address), description, event types."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workspace.webhooks.addresses import AddressRefused, target_for
from workspace.webhooks.models import EventType


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
        help_text=_(
            "An https address on the public internet, such as https://crm.example.com/hooks."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("Which system receives the events, for the people who read this list."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    enabled = forms.BooleanField(label=_("Send events to this endpoint"), required=False)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            target_for(url)
        except AddressRefused as refused:
            raise forms.ValidationError(str(refused), code="address") from None
        return url
