"""The form that creates an ingest API connector."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConnectorForm(forms.Form):
    name = forms.CharField(
        label=_("Connector name"),
        max_length=80,
        help_text=_("Say which system uses the key, such as “Web shop back end”."),
    )
