"""Account settings and attribution policy forms (the Campaign Builder footnote bar)."""

import zoneinfo
from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from campaigns.models import MAX_WINDOW_MINUTES, AttributionModel, AttributionPolicy
from campaigns.money import currencies_most_used, currency_choices


class WindowMinutesField(forms.IntegerField):
    """A time window in minutes, from 0 minutes to 72 hours."""

    def __init__(self, **kwargs) -> None:
        message = _("Enter a time from 0 minutes to 72 hours (4320 minutes).")
        kwargs.setdefault("help_text", _("In minutes: 0 to 4320 (72 hours)."))
        super().__init__(
            min_value=0,
            max_value=MAX_WINDOW_MINUTES,
            error_messages={"min_value": message, "max_value": message},
            **kwargs,
        )


def time_zone_choices() -> list[tuple[str, str]]:
    server = _("Server time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", server), *[(zone, zone) for zone in sorted(zoneinfo.available_timezones())]]


class AccountSettingsForm(forms.Form):
    default_currency = forms.ChoiceField(
        label=_("Default currency"),
        help_text=_("Used when an outcome or API event names no currency."),
    )
    report_time_zone = forms.ChoiceField(label=_("Account time zone for reports"), required=False)
    agent_outcome_window_minutes = WindowMinutesField(
        label=_("Agent outcome window"),
        help_text=_(
            "Minutes after a conversation ends during which agents may still report outcomes "
            "(0 to 4320, that is 72 hours)."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_currency"].choices = currency_choices(currencies_most_used())
        self.fields["report_time_zone"].choices = time_zone_choices()


class AttributionPolicyForm(forms.ModelForm):
    """A new policy, in force from a date; earlier numbers keep the policy of their time."""

    class Meta:
        model = AttributionPolicy
        fields = ["effective_from", "cross_session_window_days", "model"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "effective_from": _("Numbers before this date keep the policy that was in force."),
            "cross_session_window_days": _(
                "How long after a conversation a customer-reported event left on the visitor "
                "is still credited to it."
            ),
        }

    def __init__(self, *args, today: date, has_policies: bool, **kwargs) -> None:
        super().__init__(*args, prefix="policy", **kwargs)
        self.today, self.has_policies = today, has_policies
        self.fields["model"].choices = AttributionModel.choices
        self.fields["effective_from"].initial = today

    def clean_effective_from(self) -> date:
        effective_from = self.cleaned_data["effective_from"]
        if self.has_policies and effective_from < self.today:
            raise forms.ValidationError(
                _("A new policy takes effect today or later, so past reports do not change.")
            )
        if AttributionPolicy.objects.filter(effective_from=effective_from).exists():
            raise forms.ValidationError(_("A policy already takes effect on that date."))
        return effective_from
