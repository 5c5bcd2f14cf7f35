"""How reported values read on a page: money in the user's locale with its currency, status
labels, display names as they were when reported."""

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from django.utils.translation import get_language, to_locale

from campaigns.catalogue import AGENT_REPORTABLE_TYPES, CATALOGUE, PropertyKind, ServiceStatus


def format_money(amount: Any, currency: str) -> str:
    """``$1,234.50``, ``€20.00``, ``¥1,200``: the currency's own minor unit, the user's locale."""
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    locale = to_locale(get_language() or "en")
    try:
        return format_currency(value, currency or "XXX", locale=locale)
    except (ValueError, LookupError):
        return f"{value} {currency}"


def format_property(attribute_type: str, key: str, values: dict[str, Any]) -> str:
    """One property of flat ``values`` as text; money with ``values["currency"]``."""
    value = values.get(key)
    if value is None or value == "":
        return ""
    try:
        kind = CATALOGUE[attribute_type].property(key).kind
    except KeyError:
        return str(value)
    if kind == PropertyKind.MONEY:
        return format_money(value, values.get("currency", ""))
    if kind == PropertyKind.STATUS:
        try:
            return str(ServiceStatus(int(value)).label)
        except ValueError:
            return str(value)
    return str(value)


def property_label(attribute_type: str, key: str, display_names: dict[str, str]) -> str:
    """The display name it was reported under, else the catalogue's name for the property."""
    if display_names.get(key):
        return display_names[key]
    try:
        return str(CATALOGUE[attribute_type].property(key).label)
    except KeyError:
        return key


def ordered_keys(attribute_type: str, keys: set[str], positions: dict[str, int]) -> list[str]:
    """Keys in the configured order where known, then in catalogue order."""
    definition = CATALOGUE.get(attribute_type)
    catalogue = [p.key for p in definition.properties] if definition else []

    def rank(key: str) -> tuple[int, int, str]:
        index = catalogue.index(key) if key in catalogue else len(catalogue)
        return (positions.get(key, 999), index, key)

    return sorted((k for k in keys if k != "currency"), key=rank)


def type_rank(attribute_type: str) -> int:
    if attribute_type in AGENT_REPORTABLE_TYPES:
        return AGENT_REPORTABLE_TYPES.index(attribute_type)
    return len(AGENT_REPORTABLE_TYPES)


def flatten_payload(payload: Any, prefix: str = "") -> list[tuple[str, str]]:
    """``[("lead.topic", "Car"), ("products[0].product.name", "Shoe")]``: a received SDE as
    path/value pairs, for the read-only Customer-reported data panel."""
    pairs: list[tuple[str, str]] = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if not prefix and key == "type":
                continue
            pairs.extend(flatten_payload(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            pairs.extend(flatten_payload(value, f"{prefix}[{index}]"))
    elif payload is not None and payload != "":
        pairs.append((prefix, str(payload)))
    return pairs
