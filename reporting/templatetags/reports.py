"""Formatting and link helpers for report templates: money per currency, shared counts, and
drill-down URLs that carry the screen's filters."""

from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from babel.numbers import format_currency, format_decimal
from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, to_locale

from reporting.filters import ReportFilters

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


@register.filter
def money(amount, currency: str) -> str:
    """``1234.5|money:"EUR"`` -> "€1,234.50" in the user's locale; empty for no amount."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(amount), currency, locale=_locale())


@register.filter
def count(value) -> str:
    """A count: whole numbers as they are, shared credit (split model) to two decimals."""
    if value is None:
        return ""
    number = Decimal(value).quantize(Decimal("0.01"))
    if number == number.to_integral_value():
        return _whole(int(number), _locale())
    return format_decimal(number, format="#,##0.00", locale=_locale())


# A goal tracker page shows a few thousand counts, most of them small whole numbers, and babel
# takes about 35 microseconds to format each.
@lru_cache(maxsize=4096)
def _whole(number: int, locale: str) -> str:
    return format_decimal(number, locale=locale)


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{value}%"


# A goal tracker of 500 agents has about 4,000 drill links: reversing each view and encoding
# the same filters for every link took a third of the page's rendering (bench/README.md).
@lru_cache(maxsize=64)
def _view_path(view_name: str, prefix: str) -> str:
    return reverse(view_name)


@lru_cache(maxsize=256)
def _encoded(filters: ReportFilters) -> tuple[dict, str]:
    params = filters.params()
    return params, urlencode(params)


@register.simple_tag
def drill_url(view_name: str, filters: ReportFilters, base: dict | None = None, **extra) -> str:
    """The URL of ``view_name`` with the filters, ``base`` (a row's own keys) and ``extra``
    (``None`` or "" drops a key)."""
    values = {**(base or {}), **extra}
    params, encoded = _encoded(filters)
    if any(key in params for key in values):  # a row's own key replaces one of the filters
        query = filters.query(**values)
    else:
        added = urlencode({k: v for k, v in values.items() if v is not None and v != ""})
        query = "&".join(part for part in (encoded, added) if part)
    path = _view_path(view_name, get_script_prefix())
    return f"{path}?{query}" if query else path


@register.simple_tag
def page_url(filters: ReportFilters, page: int, extra: dict | None = None) -> str:
    """``?filters&extra&page=n`` for pagination links on the same page."""
    return "?" + filters.query(**(extra or {}), page=page)
