"""Numbers as the database returns them (Decimal on PostgreSQL, float or int on SQLite) made
into exact Decimals: counts to two decimals, money to the currency's minor unit."""

from decimal import ROUND_HALF_EVEN, Decimal

from campaigns.money import minor_units

COUNT_PLACES = Decimal("0.01")
_CACHE: dict[str, Decimal] = {}


def _decimal(value) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # SQLite sums in binary floating point; rounding to 9 places undoes its noise.
        return Decimal(repr(round(value, 9)))
    return Decimal(value)


def as_count(value) -> Decimal:
    """A (possibly shared) count, kept to nine decimals (pages show two)."""
    return _decimal(value).quantize(Decimal("1e-9"), rounding=ROUND_HALF_EVEN)


def as_money(value, currency: str) -> Decimal:
    """An amount rounded to the currency's minor unit."""
    unit = _CACHE.get(currency)
    if unit is None:
        unit = _CACHE[currency] = Decimal(1).scaleb(-minor_units(currency or "USD"))
    return _decimal(value).quantize(unit, rounding=ROUND_HALF_EVEN)
