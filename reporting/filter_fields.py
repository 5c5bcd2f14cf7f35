"""Form fields that read report filters as people type them, and whose messages repeat what
was sent."""

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from reporting.filters import time_zone_choices, time_zone_key

# Each message repeats what was sent: a date or a choice the browser cannot show (a date input
# empties an impossible date, a list cannot select an unknown id) is still named beside its field.
NOT_A_CHOICE = _("“%(value)s” is not one of the choices here.")


class ReportDateField(forms.DateField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a date: use YYYY-MM-DD, such as 2026-03-31."),
                code="invalid",
                params={"value": value},
            ) from None


class TimeZoneInput(forms.TextInput):
    """A text box suggesting the zones (a ``datalist``) while taking any spelling
    ``filters.time_zone_key`` understands."""

    LIST_ID = "time-zone-choices"

    def __init__(self):
        super().__init__({"list": self.LIST_ID, "autocomplete": "off", "spellcheck": "false"})

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + _zone_datalist()


@cache
def _zone_datalist():
    options = format_html_join(
        "", '<option value="{}">', ((key,) for key, _label in time_zone_choices())
    )
    return format_html('<datalist id="{}">{}</datalist>', TimeZoneInput.LIST_ID, options)


class TimeZoneField(forms.CharField):
    """``UTC``, ``Z``, offsets (``+05:30``, ``UTC-03:00``, ``+0530``) and IANA names in any
    letter case, cleaned to the key the filters use; empty means the account's zone."""

    widget = TimeZoneInput

    def __init__(self, **kwargs):
        super().__init__(strip=False, max_length=64, **kwargs)

    def to_python(self, value) -> str:
        text = super().to_python(value)
        if not text.strip():
            return ""
        try:
            return time_zone_key(text)
        except ValueError:
            raise ValidationError(
                _(
                    "“%(value)s” is not a time zone. Use UTC, an offset such as +05:30, or a "
                    "zone name such as Europe/Paris."
                ),
                code="invalid",
                params={"value": text.strip()},
            ) from None
