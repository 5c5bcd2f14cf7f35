"""A small vocabulary for the ingest API's JSON shapes.

Each field both checks input strictly (collecting every problem with its path, never stopping
at the first) and describes itself as JSON Schema, so the OpenAPI description is generated from
the very definitions that validate requests and cannot drift from them.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from campaigns.catalogue import MONEY_MAX
from campaigns.money import CURRENCIES, minor_units, parse_decimal
from workspace.services.ingest_problems import Problem

INVALID = object()  # a field's ``clean`` result when it reported a problem
FUTURE_TOLERANCE = timedelta(minutes=5)  # clock skew allowed for reported times
EARLIEST = datetime(2000, 1, 1).date()
ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
WHOLE_NUMBER = re.compile(r"-?\d{1,18}", re.ASCII)
CURRENCY_CODE = re.compile(r"[A-Za-z]{3}", re.ASCII)
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class RejectedNumber:
    """A JSON number the strict parser refused to turn into a value (an exponent, too many
    digits). It is reported with its path by ``json_safe`` and skipped by every field."""

    def __init__(self, literal: str):
        self.literal = literal

    def __repr__(self) -> str:
        return f"RejectedNumber({self.literal[:40]!r})"


@dataclass
class Check:
    """What one validation pass knows and collects: the time, the currency that money fields
    of the current SDE are in, and every error and warning with its path."""

    now: datetime
    currency: str | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, path: str, code: str, message: str) -> object:
        self.errors.append(Problem(path, code, message))
        return INVALID

    def warn(self, path: str, code: str, message: str) -> None:
        self.warnings.append(Problem(path, code, message))


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


class Field:
    description = ""

    def clean(self, value: Any, path: str, check: Check) -> Any:
        if isinstance(value, RejectedNumber):
            return INVALID  # json_safe reports it once, with its path
        return self._clean(value, path, check)

    def _clean(self, value: Any, path: str, check: Check) -> Any:  # pragma: no cover
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    def described(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {**schema, "description": self.description} if self.description else schema


class Text(Field):
    def __init__(self, max_length: int = 1000, description: str = "", min_length: int = 0):
        self.max_length, self.min_length, self.description = max_length, min_length, description

    def _clean(self, value, path, check):
        if not isinstance(value, str):
            return check.error(path, "invalid_type", "Must be text.")
        if len(value) > self.max_length:
            return check.error(path, "too_long", f"At most {self.max_length} characters.")
        if len(value.strip()) < self.min_length:
            return check.error(path, "blank", "Must not be empty.")
        return value.strip()

    def schema(self):
        schema = {"type": "string", "maxLength": self.max_length}
        if self.min_length:
            schema.update(minLength=self.min_length, pattern=r"\S")
        return self.described(schema)


SIGNED_NUMBER_PATTERN = r"^\s*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$"
UNSIGNED_NUMBER_PATTERN = r"^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$"


class Money(Field):
    """A JSON number or a numeric string in plain decimal form, with no more decimals than the
    SDE's currency allows and within what the event columns hold."""

    def __init__(self, description: str = "", allow_negative: bool = False):
        self.description, self.allow_negative = description, allow_negative

    def _clean(self, value, path, check):
        try:
            amount = parse_decimal(value, allow_negative=self.allow_negative)
        except ValidationError as exc:
            return check.error(path, "invalid_number", exc.messages[0])
        if abs(amount) > MONEY_MAX:
            return check.error(path, "out_of_range", f"At most {MONEY_MAX}.")
        places = minor_units(check.currency) if check.currency else None
        exponent = amount.as_tuple().exponent
        if places is not None and isinstance(exponent, int) and -exponent > places:
            return check.error(
                path, "decimals", f"{check.currency} amounts have at most {places} decimals."
            )
        return amount

    def schema(self):
        low = -MONEY_MAX if self.allow_negative else Decimal(0)
        pattern = SIGNED_NUMBER_PATTERN if self.allow_negative else UNSIGNED_NUMBER_PATTERN
        number = {"type": "number", "minimum": float(low), "maximum": float(MONEY_MAX)}
        return self.described({"anyOf": [number, {"type": "string", "pattern": pattern}]})


class Integer(Field):
    """A whole number, as a JSON integer or a string of ASCII digits ("1")."""

    def __init__(self, minimum: int, maximum: int, description: str = ""):
        self.minimum, self.maximum, self.description = minimum, maximum, description

    def _clean(self, value, path, check):
        if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            return check.error(path, "invalid_type", "Must be a whole number.")
        if not self.minimum <= value <= self.maximum:
            return check.error(
                path, "out_of_range", f"Must be between {self.minimum} and {self.maximum}."
            )
        return value

    def schema(self):
        number = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        text = {"type": "string", "pattern": r"^\s*-?[0-9]{1,18}\s*$"}
        return self.described({"anyOf": [number, text]})


class Code(Integer):
    """An enumeration LivePerson sends as a number code (service status, marketing channel)."""

    def __init__(self, labels: dict[int, str], description: str = ""):
        listing = ", ".join(f"{code} {label}" for code, label in labels.items())
        super().__init__(min(labels), max(labels), f"{description} ({listing})".strip())
        self.labels = labels


class CodeOrName(Field):
    """An enumeration LivePerson documents both as a code and as a name (gender: 0 or "MALE")."""

    def __init__(self, names: tuple[str, ...], description: str = ""):
        self.names, self.description = names, description

    def _clean(self, value, path, check):
        if isinstance(value, str) and value.strip().upper() in self.names:
            return value.strip().upper()
        if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
            value = int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(self.names):
            return self.names[value]
        return check.error(path, "invalid_choice", "Use one of " + ", ".join(self.names) + ".")

    def schema(self):
        codes = {"type": "integer", "minimum": 0, "maximum": len(self.names) - 1}
        names = {"type": "string", "pattern": "^(?i:" + "|".join(self.names) + ")$"}
        return self.described({"anyOf": [codes, names]})


class Choice(Field):
    def __init__(self, choices: tuple[str, ...], description: str = ""):
        self.choices, self.description = choices, description

    def _clean(self, value, path, check):
        if isinstance(value, str) and value in self.choices:
            return value
        return check.error(path, "invalid_choice", "Use one of " + ", ".join(self.choices) + ".")

    def schema(self):
        return self.described({"type": "string", "enum": list(self.choices)})


class Boolean(Field):
    def _clean(self, value, path, check):
        if not isinstance(value, bool):
            return check.error(path, "invalid_type", "Must be true or false.")
        return value

    def schema(self):
        return {"type": "boolean"}


class Currency(Field):
    description = "ISO 4217 code, such as USD or EUR (default: the account currency)."

    def _clean(self, value, path, check):
        code = value.upper() if isinstance(value, str) else ""
        if not CURRENCY_CODE.fullmatch(code) or code not in CURRENCIES:
            return check.error(
                path, "invalid_currency", "Use a three-letter ISO 4217 code, such as USD."
            )
        return code

    def schema(self):
        return self.described({"type": "string", "pattern": "^[A-Za-z]{3}$"})


class DateTime(Field):
    """An ISO 8601 time with a time zone, not before 2000 and not in the future."""

    def __init__(self, description: str = ""):
        self.description = description

    def _clean(self, value, path, check):
        if not isinstance(value, str) or not ISO_DATETIME.fullmatch(value.strip()):
            return check.error(path, "invalid_time", "Use ISO 8601, e.g. 2026-03-01T14:30:00Z.")
        try:
            moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            return check.error(path, "invalid_time", "That date or time does not exist.")
        if moment.tzinfo is None:
            return check.error(path, "invalid_time", "Add a time zone, e.g. Z or +01:00.")
        if moment > check.now + FUTURE_TOLERANCE or moment.date() < EARLIEST:
            return check.error(path, "invalid_time", "Must be after 2000 and not in the future.")
        return moment

    def schema(self):
        return self.described({"type": "string", "format": "date-time"})


class Obj(Field):
    """A JSON object with known fields. Unknown fields are kept by the caller and reported as
    warnings (``open``) or rejected."""

    def __init__(
        self,
        fields: dict[str, Field],
        *,
        required: tuple[str, ...] = (),
        description: str = "",
        open: bool = True,
        also_known: tuple[str, ...] = (),
    ):
        self.fields, self.required, self.description = fields, required, description
        self.open, self.also_known = open, also_known

    def _clean(self, value, path, check):
        if not isinstance(value, dict):
            return check.error(path, "invalid_type", "Must be an object.")
        cleaned: dict[str, Any] = {}
        for name, item in value.items():
            spec = self.fields.get(name)
            if spec is None:
                if name not in self.also_known:
                    self.unknown(join(path, name), check)
            elif item is None:
                if name in self.required:
                    check.error(join(path, name), "required", "This field is required.")
            else:
                cleaned[name] = spec.clean(item, join(path, name), check)
        for name in self.required:
            if name not in value:
                check.error(join(path, name), "required", "This field is required.")
        return cleaned

    def unknown(self, path: str, check: Check) -> None:
        if self.open:
            check.warn(path, "unknown_field", "Not a documented field; kept as sent.")
        else:
            check.error(path, "unknown_field", "Not a field of this request.")

    def schema(self):
        properties = {
            name: spec.schema() if name in self.required else nullable(spec.schema())
            for name, spec in self.fields.items()
        }
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if self.required:
            schema["required"] = list(self.required)
        schema["additionalProperties"] = self.open
        return self.described(schema)


class Arr(Field):
    def __init__(self, item: Field, *, max_items: int = 100, min_items: int = 0, description=""):
        self.item, self.max_items, self.min_items = item, max_items, min_items
        self.description = description

    def _clean(self, value, path, check):
        if not isinstance(value, list):
            return check.error(path, "invalid_type", "Must be an array.")
        if not self.min_items <= len(value) <= self.max_items:
            return check.error(
                path, "length", f"Give between {self.min_items} and {self.max_items} items."
            )
        return [self.item.clean(item, f"{path}[{i}]", check) for i, item in enumerate(value)]

    def schema(self):
        schema = {"type": "array", "items": self.item.schema(), "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        return self.described(schema)


class DateParts(Obj):
    """LivePerson's ``{"day": 15, "month": 10, "year": 2014}``; a full date must exist."""

    def __init__(self, description: str = "", extra: dict[str, Field] | None = None):
        parts = {
            "day": Integer(1, 31),
            "month": Integer(1, 12),
            "year": Integer(1900, 2100),
        }
        super().__init__({**(extra or {}), **parts}, description=description)

    def _clean(self, value, path, check):
        cleaned = super()._clean(value, path, check)
        if isinstance(cleaned, dict) and all(
            isinstance(cleaned.get(k), int) for k in ("day", "month", "year")
        ):
            try:
                date(cleaned["year"], cleaned["month"], cleaned["day"])
            except ValueError:
                return check.error(path, "invalid_date", "That date does not exist.")
        return cleaned


def json_safe(value: Any, path: str, check: Check) -> Any:
    """A copy of parsed input that a JSON column stores: Decimals become JSON numbers; refused
    numbers and text a database cannot hold (NUL, lone surrogates) are reported at their path."""
    if isinstance(value, dict):
        safe = {}
        for key, item in value.items():
            if BAD_TEXT.search(key):
                check.error(join(path, "(key)"), "invalid_text", "Keys must be valid text.")
            safe[key] = json_safe(item, join(path, key), check)
        return safe
    if isinstance(value, list):
        return [json_safe(item, f"{path}[{i}]", check) for i, item in enumerate(value)]
    if isinstance(value, Decimal):
        return float(value)  # the parser only makes Decimals of short, plain literals
    if isinstance(value, RejectedNumber):
        check.error(
            path,
            "invalid_number",
            "Write numbers in plain decimal form, without an exponent and with at most "
            "30 characters.",
        )
        return None
    if isinstance(value, str) and BAD_TEXT.search(value):
        check.error(path, "invalid_text", "Text must not contain NUL or unpaired surrogates.")
    return value
