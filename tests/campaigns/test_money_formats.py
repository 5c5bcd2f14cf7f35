"""Amounts typed in a person's number format (issue 14, finding 8): "12,50" for a 1.234,50
writer, while the API and every parse without a format keep the plain form, and the parser stays
as strict as before (no floats, exponents, NaN or non-ASCII digits)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns.money import format_amount, parse_money


@pytest.mark.parametrize(
    ("text", "number_format", "expected"),
    [
        ("12,50", "comma", "12.50"),
        ("1.234,50", "comma", "1234.50"),
        ("1234,5", "comma", "1234.5"),
        ("1.234.567", "comma", "1234567"),
        (" 12,5 ", "comma", "12.5"),
        (",5", "comma", "0.5"),
        ("12.50", "point", "12.50"),
        ("1,234.50", "point", "1234.50"),
        ("1234", "point", "1234"),
    ],
)
def test_each_format_reads_its_own_marks(text, number_format, expected):
    assert parse_money(text, "EUR", number_format=number_format) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "number_format"),
    [
        ("12.50", "comma"),  # a point is a thousands mark there: "12.50" is no grouping
        ("12,50", "point"),
        ("1,23.5", "point"),  # groups are three digits
        ("1.23,5", "comma"),
        ("1e3", "comma"),
        ("1E+2", "point"),
        ("NaN", "comma"),
        ("Infinity", "point"),
        ("\uff11\uff12,\uff15", "comma"),  # full-width digits
        ("\u0661\u0662,\u0665", "comma"),  # Arabic-Indic digits
        ("1_000,00", "comma"),
        ("12,50\u00a0", "comma"),  # a non-breaking space is not trimmed
        ("12,,5", "comma"),
        ("", "comma"),
    ],
)
def test_strictness_is_kept_in_every_format(text, number_format):
    with pytest.raises(ValidationError):
        parse_money(text, "EUR", number_format=number_format)


def test_the_message_shows_the_persons_own_format():
    with pytest.raises(ValidationError) as refused:
        parse_money("12.50", "EUR", number_format="comma")
    assert "1.234,50" in refused.value.messages[0]


def test_floats_and_booleans_are_refused_whatever_the_format():
    for raw in (12.5, True):
        with pytest.raises(ValidationError):
            parse_money(raw, "EUR", number_format="comma")


def test_currency_decimals_still_apply_after_the_format():
    with pytest.raises(ValidationError):
        parse_money("1.234,567", "EUR", number_format="comma")
    with pytest.raises(ValidationError):
        parse_money("12,5", "JPY", number_format="comma")


def test_without_a_format_only_the_plain_form_is_accepted():
    """The API's form (SPEC): no grouping and a decimal point, whoever calls."""
    assert parse_money("1234.50", "EUR") == Decimal("1234.50")
    for text in ("12,50", "1,234.50", "1.234,50"):
        with pytest.raises(ValidationError):
            parse_money(text, "EUR")


def test_an_amount_is_shown_back_so_that_it_reads_back_unchanged():
    assert format_amount("1234.50", "comma") == "1234,50"
    assert parse_money(format_amount("1234.50", "comma"), "EUR", number_format="comma") == Decimal(
        "1234.50"
    )
    assert format_amount(Decimal("12.5"), "point") == "12.5"
    assert format_amount(None, "comma") == ""
