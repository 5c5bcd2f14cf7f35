"""The form that creates an ingest API connector."""

from django import forms
from django.utils.translation import gettext_lazy as _

from outcomes_site.names import NameField


class ConnectorForm(forms.Form):
    name = NameField(
        label=_("Connector name"),
        max_length=80,
        help_text=_("Say which system uses the key, such as “Web shop back end”."),
    )
