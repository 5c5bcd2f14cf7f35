"""Formatting and link helpers for report templates: money per currency, shared counts, and
drill-down URLs that carry the screen's filters."""

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django import template
from django.urls import reverse
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
        return format_decimal(int(number), locale=_locale())
    return format_decimal(number, format="#,##0.00", locale=_locale())


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{value}%"


@register.simple_tag
def drill_url(view_name: str, filters: ReportFilters, base: dict | None = None, **extra) -> str:
    """The URL of ``view_name`` with the filters, ``base`` (a row's own keys) and ``extra``."""
    values = {**(base or {}), **extra}
    query = filters.query(**values)
    return f"{reverse(view_name)}?{query}" if query else reverse(view_name)


@register.simple_tag
def page_url(filters: ReportFilters, page: int, extra: dict | None = None) -> str:
    """``?filters&extra&page=n`` for pagination links on the same page."""
    return "?" + filters.query(**(extra or {}), page=page)
