"""Formatting for the goal tracker's derived figures: conversion rates, changes against the
previous period, and the links of sortable column headers."""

from decimal import Decimal

from babel.dates import format_interval, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent
from django import template
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from reporting.selectors.comparison import SAME, Change

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


@register.filter
def rate(value) -> str:
    """A fraction as a percentage with one decimal (``0.125`` -> "12.5%"); empty for None."""
    if value is None:
        return ""
    return format_percent(Decimal(value), format="#,##0.0%", locale=_locale())


@register.filter
def money_tick(amount, currency: str) -> str:
    """A value axis' label: "€1,000" (no minor units when there are none to show)."""
    amount = Decimal(amount)
    if amount != amount.to_integral_value():
        return format_currency(amount, currency, locale=_locale())
    return format_currency(
        amount, currency, format="¤#,##0", currency_digits=False, locale=_locale()
    )


@register.filter
def change_amount(change: Change) -> str:
    """ "+12%", a minus sign and "3.5%" (one decimal under 10 %), "+1.2 pts" for a rate, or
    "no change"."""
    if not change.comparable:
        return _("no comparison")
    if change.direction == SAME:
        return _("no change")
    amount = change.percent
    if amount is None:  # from nothing to something
        return _("from 0")
    sign = "+" if amount > 0 else "\N{MINUS SIGN}"
    if change.points:
        points = format_decimal(abs(amount) * 100, format="#,##0.0", locale=_locale())
        return _("%(sign)s%(points)s pts") % {"sign": sign, "points": points}
    pattern = "#,##0%" if abs(amount) >= Decimal("0.1") else "#,##0.0%"
    return sign + format_percent(abs(amount), format=pattern, locale=_locale())


def _day(day) -> str:
    return format_skeleton("MMMd", day, locale=_locale())


@register.filter
def day_range(period) -> str:
    """A period's first and last day (anything with ``start`` and ``end``), shortly:
    "6-12 Nov", "30 Oct - 5 Nov" (with the dashes of the locale), and the year when the two
    years differ."""
    if period.start == period.end:
        return format_skeleton("MMMEd", period.start, locale=_locale())
    skeleton = "MMMd" if period.start.year == period.end.year else "yMMMd"
    return format_interval(period.start, period.end, skeleton, locale=_locale())


@register.filter
def day_tick(period) -> str:
    """The first day of a trend bucket, shortly ("6 Nov"), for the chart's time axis."""
    return _day(period.start)
