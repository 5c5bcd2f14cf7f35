"""Money and numbers as the product accepts them: plain decimals only, never floats.

Python and Django are lenient (``float("1e400")``, ``Decimal("1_000")``, full-width digits,
``NaN``); reported money must not be, so every form, the API and the services parse through here.
The API takes the plain form ("1234.50"); a form passes its user's number format, so that a
centre that writes "1.234,50" types amounts as it writes them (``parse_money(..., number_format)``).
"""

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.core import get_global
from babel.numbers import get_currency_precision, get_territory_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits, an optional leading minus and at most one dot: "11.7", "-400.99", "0.5".
PLAIN_DECIMAL = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
# The only spaces allowed around a number: Python's str.strip() would also drop non-breaking and
# ideographic spaces (U+00A0, U+2003, U+3000), which a pasted amount must not hide.
ASCII_SPACE = " \t\n\r\x0b\x0c"
MAX_DIGITS_BEFORE_POINT = 12

# A person's number format (``User.number_format``): (grouping mark, decimal mark, an example).
# Groups, when used, are exactly three digits ("1,234.50"; never "12,34.50").
NUMBER_MARKS = {
    "point": (",", ".", ("12.50", "1,234.50")),
    "comma": (".", ",", ("12,50", "1.234,50")),
}


def _formatted_pattern(group: str, point: str) -> re.Pattern[str]:
    g, p = re.escape(group), re.escape(point)
    whole = rf"(?:\d{{1,3}}(?:{g}\d{{3}})+|\d+)"
    return re.compile(rf"-?(?:{whole}(?:{p}\d*)?|{p}\d+)", re.ASCII)


FORMATTED_DECIMAL = {name: _formatted_pattern(g, p) for name, (g, p, _e) in NUMBER_MARKS.items()}


def _unformatted(raw: object, number_format: str) -> object:
    """``raw`` typed in ``number_format`` turned into the plain form, or a ValidationError
    naming the format's own example. Anything but text is left to ``parse_decimal``."""
    if not isinstance(raw, str):
        return raw
    group, point, (short, grouped) = NUMBER_MARKS[number_format]
    text = raw.strip(ASCII_SPACE)
    if not FORMATTED_DECIMAL[number_format].fullmatch(text):
        raise ValidationError(
            _("Enter a plain number such as %(short)s or %(grouped)s.")
            % {"short": short, "grouped": grouped},
            code="invalid",
        )
    return text.replace(group, "").replace(point, ".")


def format_amount(value: Decimal | str | None, number_format: str = "point") -> str:
    """``value`` as a form shows it to a person who writes ``number_format`` (no grouping, so
    that it reads back unchanged): "1234.5" or "1234,5"."""
    if value in (None, ""):
        return ""
    text = str(value)
    return (
        text.replace(".", NUMBER_MARKS[number_format][1]) if number_format in NUMBER_MARKS else text
    )


def _currencies_in_use(today: date) -> frozenset[str]:
    """ISO 4217 currencies that are legal tender somewhere today (CLDR's territory data): no
    withdrawn codes (ADP, AFA, ATS, ...), funds, metals or test codes (XXX, XAU, XTS)."""
    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in get_territory_currencies(territory, start_date=today, tender=True)
    )


CURRENCIES = _currencies_in_use(date.today())


def _no_usage() -> list[str]:
    return []


# The account's currencies, most used first. The app that records money supplies it (workspace
# sets it when it starts), so that this module depends on nothing above it.
currency_usage: Callable[[], list[str]] = _no_usage


def currencies_most_used() -> list[str]:
    """The account's currencies by use, most used first (may be empty)."""
    return currency_usage()


def currency_choices(most_used: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Currencies in use for a picker: ``most_used`` first (the account's, most used first),
    then the rest alphabetically."""
    first = [code for code in dict.fromkeys(most_used) if code in CURRENCIES]
    rest = sorted(CURRENCIES.difference(first))
    return [(code, code) for code in (*first, *rest)]


def minor_units(currency: str) -> int:
    """Digits after the point the currency allows (2 for USD and EUR, 0 for JPY)."""
    return get_currency_precision(currency)


def validate_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in CURRENCIES:
        raise ValidationError(
            _("Use a three-letter ISO 4217 currency code, such as USD or EUR."), code="currency"
        )
    return code


def parse_decimal(raw: object, *, allow_negative: bool = False) -> Decimal:
    """A Decimal from a plain decimal string, an int or a JSON number already parsed as Decimal.

    Rejects floats (binary rounding), booleans, NaN, Infinity, exponents, underscores and
    non-ASCII digits, with a message a person can act on.
    """
    if isinstance(raw, (bool, float)):
        raise ValidationError(_("Enter a plain number such as 12.50."), code="invalid")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValidationError(_("Enter a plain number such as 12.50."), code="invalid")
        value = raw
    elif isinstance(raw, str):
        text = raw.strip(ASCII_SPACE)
        if not PLAIN_DECIMAL.fullmatch(text):
            raise ValidationError(_("Enter a plain number such as 12.50."), code="invalid")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid text
            raise ValidationError(_("Enter a plain number such as 12.50."), code="invalid") from exc
    else:
        raise ValidationError(_("Enter a plain number such as 12.50."), code="invalid")
    if value.adjusted() >= MAX_DIGITS_BEFORE_POINT:
        raise ValidationError(_("That number is too large."), code="too_large")
    if value < 0 and not allow_negative:
        raise ValidationError(_("Enter an amount of zero or more."), code="negative")
    return value


def parse_money(raw: object, currency: str, *, number_format: str | None = None) -> Decimal:
    """A non-negative amount with no more decimals than ``currency`` allows. ``number_format``
    (a form's user's, see ``NUMBER_MARKS``) admits its grouping and decimal marks; without it,
    only the plain form (the API's)."""
    if number_format is not None:
        raw = _unformatted(raw, number_format)
    value = parse_decimal(raw)
    places = minor_units(currency)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if places == 0:
            raise ValidationError(
                _("%(currency)s amounts have no decimals.") % {"currency": currency},
                code="decimals",
            )
        raise ValidationError(
            _("%(currency)s amounts have at most %(places)d decimals.")
            % {"currency": currency, "places": places},
            code="decimals",
        )
    return value
