"""Forms of the Conversation outcomes section: one per attribute, built from its configured
fields (display names, order); money parsed strictly with the chosen currency. ``OutcomeForm`` is
the one validator of an outcome's values: the services take ``values()`` and ``currency`` as
they are, and keep only the rules of configuration and access."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import CATALOGUE, PropertyKind, ServiceStatus
from campaigns.models import AttributeField
from campaigns.models.people import NumberFormat
from campaigns.money import CURRENCIES, currencies_most_used, format_amount, parse_money

REASON_MAX = 500
# The currencies offered first; the account's default and an outcome's own are always added.
COMMON_CURRENCIES = (
    "USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "CNY", "SEK", "NOK", "DKK", "PLN",
    "CZK", "INR", "BRL", "MXN", "ZAR", "NZD", "SGD", "HKD", "ILS", "KRW", "TRY", "AED",
)  # fmt: skip


def currency_options(*extra: str) -> list[tuple[str, str]]:
    """Common currencies plus ``extra`` codes (default, current), each once, all valid ISO 4217."""
    codes = [c for c in (*extra, *COMMON_CURRENCIES) if c in CURRENCIES]
    return [(code, code) for code in dict.fromkeys(codes)]


def reason_field(*, required: bool, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.Form):
    """Report or correct one outcome. ``token`` makes a double submit create one event;
    ``version`` is the version the person saw (corrections only)."""

    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self,
        *args: Any,
        fields: Sequence[AttributeField],
        attribute_type: str,
        default_currency: str,
        needs_reason: bool,
        number_format: str = NumberFormat.POINT,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("token", uuid4())
        self.default_currency = default_currency
        self.number_format = number_format  # the person's: "12,50" for a 1.234,50 writer
        definition = CATALOGUE[attribute_type]
        self.property_keys: list[str] = []
        self.money_keys: list[str] = []
        for config_field in fields:
            key = config_field.property_key
            prop = definition.property(key)
            self.property_keys.append(key)
            self.fields[key] = self._field_for(prop.kind, prop.max_length, config_field)
            if prop.kind == PropertyKind.MONEY:
                self.money_keys.append(key)
                self.initial[key] = format_amount(self.initial.get(key), number_format)
                current = str(self.initial.get("currency") or default_currency)
                self.fields["currency"] = forms.ChoiceField(
                    label=_("Currency"),
                    choices=currency_options(*currencies_most_used(), default_currency, current),
                    initial=default_currency,
                )
        if needs_reason:
            self.fields["reason"] = reason_field(
                required=True, help_text=_("Required when acting on behalf of an agent.")
            )

    @staticmethod
    def _field_for(kind: str, max_length: int, config_field: AttributeField) -> forms.Field:
        label = config_field.display_name
        if kind == PropertyKind.MONEY:
            widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
            return forms.CharField(
                label=label, required=False, max_length=32, widget=widget, strip=False
            )
        if kind == PropertyKind.STATUS:
            return forms.TypedChoiceField(
                label=label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Choose a status")), *list(ServiceStatus.choices)],
            )
        widget = forms.TextInput(attrs={"autocomplete": "off"})
        return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        currency = cleaned.get("currency") or self.default_currency
        for key in self.money_keys:
            raw = cleaned.get(key)
            if raw:
                try:
                    cleaned[key] = parse_money(raw, currency, number_format=self.number_format)
                except ValidationError as error:
                    self.add_error(key, error)
        if not self.errors and not self.values():
            raise ValidationError(_("Fill in at least one field."), code="empty")
        return cleaned

    def values(self) -> dict[str, Any]:
        """The filled-in property values (amounts as Decimal)."""
        return {
            key: self.cleaned_data[key]
            for key in self.property_keys
            if self.cleaned_data.get(key) not in (None, "")
        }

    @property
    def currency(self) -> str:
        return self.cleaned_data.get("currency") or self.default_currency


class RetractForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = reason_field(required=True, help_text=_("Why was this reported in error?"))


class ReasonForm(forms.Form):
    """A confirmation that may need a reason (on behalf), with an idempotency token."""

    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, needs_reason: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("token", uuid4())
        if needs_reason:
            self.fields["reason"] = reason_field(
                required=True, help_text=_("Required when acting on behalf of an agent.")
            )


def money_text(amount: Decimal) -> str:
    """An amount as a person types it (no exponent, no grouping)."""
    return format(amount, "f")
