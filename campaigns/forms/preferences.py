"""A person's own time zone and number format (their preferences page, and the People form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import AccountSettings, User
from campaigns.models.people import time_zone_names


def time_zone_field() -> forms.ChoiceField:
    """The zones by IANA name, after "the account's zone" (an empty value: follow the account)."""
    account_zone = AccountSettings.load().report_time_zone or _("the server's zone")
    default = _("Same as the account (%(zone)s)") % {"zone": account_zone}
    return forms.ChoiceField(
        label=_("Time zone"),
        choices=[("", default), *((name, name.replace("_", " ")) for name in time_zone_names())],
        required=False,
        help_text=_("The Agent Workspace shows times and deadlines in this zone."),
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["time_zone", "number_format"]
        widgets = {"number_format": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = time_zone_field()
