"""The value types of the ingest API's pydantic models, and how their problems are reported.

Each type is an ``Annotated`` pydantic type: a plain validator that checks input strictly (the
strict JSON parser hands it ints, ``Decimal`` for JSON fractions, text, and ``RejectedNumber``
for numbers it refused) and the JSON Schema it is described by, so the OpenAPI description is
generated from the very models that validate requests.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from campaigns.catalogue import MONEY_MAX
from campaigns.money import ASCII_SPACE, CURRENCIES, minor_units, parse_decimal
from workspace.services.ingest_problems import Problem

FUTURE_TOLERANCE = timedelta(minutes=5)  # clock skew allowed for reported times
EARLIEST = date(2000, 1, 1)
ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
WHOLE_NUMBER = re.compile(r"-?\d{1,18}", re.ASCII)
CURRENCY_CODE = re.compile(r"[A-Za-z]{3}", re.ASCII)
REJECTED_MESSAGE = (
    "Write numbers in plain decimal form, without an exponent and with at most 30 characters."
)
SIGNED_NUMBER_PATTERN = r"^[ \t\n\r]*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)[ \t\n\r]*$"
UNSIGNED_NUMBER_PATTERN = r"^[ \t\n\r]*([0-9]+(\.[0-9]*)?|\.[0-9]+)[ \t\n\r]*$"


class RejectedNumber:
    """A JSON number the strict parser refused to turn into a value (an exponent, too many
    digits); every type reports it with its path."""

    def __init__(self, literal: str):
        self.literal = literal

    def __repr__(self) -> str:
        return f"RejectedNumber({self.literal[:40]!r})"


def problem(code: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


def _context(info: ValidationInfo, key: str) -> Any:
    return (info.context or {}).get(key)


def _refuse_rejected(value: Any) -> None:
    if isinstance(value, RejectedNumber):
        raise problem("invalid_number", REJECTED_MESSAGE)


class Model(BaseModel):
    """Undocumented fields are kept (``model_extra``) and reported as warnings."""

    model_config = ConfigDict(extra="allow", hide_input_in_errors=True)


def _not_null(value: Any) -> Any:
    if value is None:
        raise problem("required", "This field is required.")
    return value


REQUIRED = AfterValidator(_not_null)


def text(max_length: int = 1000, description: str = "", *, min_length: int = 0) -> Any:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        _refuse_rejected(value)
        if not isinstance(value, str):
            raise problem("invalid_type", "Must be text.")
        if len(value) > max_length:
            raise problem("too_long", f"At most {max_length} characters.")
        if len(value.strip()) < min_length:
            raise problem("blank", "Must not be empty.")
        return value.strip()

    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if min_length:
        schema.update(minLength=min_length, pattern=r"\S")
    return Annotated[Any, PlainValidator(check), WithJsonSchema(_described(schema, description))]


def _described(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {**schema, "description": description} if description else schema


def money(description: str = "", *, allow_negative: bool = False) -> Any:
    """A JSON number or a numeric string in plain decimal form, with no more decimals than the
    SDE's currency (``context["currency"]``) allows and within what the event columns hold."""

    def check(value: Any, info: ValidationInfo) -> Decimal | None:
        if value is None:
            return None
        _refuse_rejected(value)
        try:
            amount = parse_decimal(value, allow_negative=allow_negative)
        except DjangoValidationError as exc:
            raise problem("invalid_number", str(exc.messages[0])) from exc
        if abs(amount) > MONEY_MAX:
            raise problem("out_of_range", f"At most {MONEY_MAX}.")
        currency = _context(info, "currency")
        places = minor_units(currency) if currency else None
        exponent = amount.as_tuple().exponent
        if places is not None and isinstance(exponent, int) and -exponent > places:
            raise problem("decimals", f"{currency} amounts have at most {places} decimals.")
        return amount

    low = -MONEY_MAX if allow_negative else Decimal(0)
    pattern = SIGNED_NUMBER_PATTERN if allow_negative else UNSIGNED_NUMBER_PATTERN
    number = {"type": "number", "minimum": float(low), "maximum": float(MONEY_MAX)}
    schema = {"anyOf": [number, {"type": "string", "pattern": pattern}]}
    return Annotated[Any, PlainValidator(check), WithJsonSchema(_described(schema, description))]


def whole(value: Any) -> int:
    """A whole number: a JSON integer, a JSON number whose value is whole (``30.0``, as
    LivePerson's own examples write ages and counts) or a string of ASCII digits ("1")."""
    _refuse_rejected(value)
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip(ASCII_SPACE)):
        return int(value.strip(ASCII_SPACE))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem("invalid_type", "Must be a whole number.")
    return value


def integer(minimum: int, maximum: int, description: str = "") -> Any:
    def check(value: Any) -> int | None:
        if value is None:
            return None
        number = whole(value)
        if not minimum <= number <= maximum:
            raise problem("out_of_range", f"Must be between {minimum} and {maximum}.")
        return number

    number = {"type": "integer", "minimum": minimum, "maximum": maximum}
    schema = {
        "anyOf": [number, {"type": "string", "pattern": r"^[ \t\n\r]*-?[0-9]{1,18}[ \t\n\r]*$"}]
    }
    return Annotated[Any, PlainValidator(check), WithJsonSchema(_described(schema, description))]


def code(labels: dict[int, str], description: str = "") -> Any:
    """An enumeration LivePerson sends as a number code (service status, marketing channel)."""
    listing = ", ".join(f"{number} {label}" for number, label in labels.items())
    return integer(min(labels), max(labels), f"{description} ({listing})".strip())


def code_or_name(names: tuple[str, ...], description: str = "") -> Any:
    """An enumeration LivePerson documents both as a code and as a name (gender: 0 or "MALE")."""

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str) and value.strip(ASCII_SPACE).upper() in names:
            return value.strip(ASCII_SPACE).upper()
        try:
            number = whole(value)
        except PydanticCustomError:
            number = -1
        if 0 <= number < len(names):
            return names[number]
        raise problem("invalid_choice", "Use one of " + ", ".join(names) + ".")

    codes = {"type": "integer", "minimum": 0, "maximum": len(names) - 1}
    spelled = {"type": "string", "pattern": "^(?i:" + "|".join(names) + ")$"}
    schema = _described({"anyOf": [codes, spelled]}, description)
    return Annotated[Any, PlainValidator(check), WithJsonSchema(schema)]


def choice(choices: tuple[str, ...], description: str = "") -> Any:
    def check(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and value in choices):
            return value
        raise problem("invalid_choice", "Use one of " + ", ".join(choices) + ".")

    schema = _described({"type": "string", "enum": list(choices)}, description)
    return Annotated[Any, PlainValidator(check), WithJsonSchema(schema)]


def _boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise problem("invalid_type", "Must be true or false.")


BOOLEAN = Annotated[Any, PlainValidator(_boolean), WithJsonSchema({"type": "boolean"})]


def _currency(value: Any) -> str | None:
    if value is None:
        return None
    code_ = value.upper() if isinstance(value, str) else ""
    if not CURRENCY_CODE.fullmatch(code_) or code_ not in CURRENCIES:
        raise problem(
            "invalid_currency",
            "Use the three-letter ISO 4217 code of a currency in use, such as USD.",
        )
    return code_


CURRENCY = Annotated[
    Any,
    PlainValidator(_currency),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Za-z]{3}$",
            "description": "ISO 4217 code of a currency in use, such as USD or EUR "
            "(default: the account currency).",
        }
    ),
]


def date_time(description: str = "") -> Any:
    """An ISO 8601 time with a time zone, not before 2000 and not in the future
    (``context["now"]``)."""

    def check(value: Any, info: ValidationInfo) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, str) or not ISO_DATETIME.fullmatch(value.strip(ASCII_SPACE)):
            raise problem("invalid_time", "Use ISO 8601, e.g. 2026-03-01T14:30:00Z.")
        try:
            moment = datetime.fromisoformat(value.strip(ASCII_SPACE).replace("z", "Z"))
        except ValueError as exc:
            raise problem("invalid_time", "That date or time does not exist.") from exc
        if moment.tzinfo is None:
            raise problem("invalid_time", "Add a time zone, e.g. Z or +01:00.")
        now = _context(info, "now")
        if (now and moment > now + FUTURE_TOLERANCE) or moment.date() < EARLIEST:
            raise problem("invalid_time", "Must be after 2000 and not in the future.")
        return moment

    schema = _described({"type": "string", "format": "date-time"}, description)
    return Annotated[Any, PlainValidator(check), WithJsonSchema(schema)]


class DateParts(Model):
    """LivePerson's ``{"day": 15, "month": 10, "year": 2014}``; a full date must exist."""

    day: integer(1, 31) = None
    month: integer(1, 12) = None
    year: integer(1900, 2100) = None

    @model_validator(mode="after")
    def _exists(self):
        if None not in (self.day, self.month, self.year):
            try:
                date(self.year, self.month, self.day)
            except ValueError as exc:
                raise problem("invalid_date", "That date does not exist.") from exc
        return self


BUILTIN_PROBLEMS = {
    "missing": ("required", "This field is required."),
    "model_type": ("invalid_type", "Must be an object."),
    "model_attributes_type": ("invalid_type", "Must be an object."),
    "dict_type": ("invalid_type", "Must be an object."),
    "list_type": ("invalid_type", "Must be an array."),
    "extra_forbidden": ("unknown_field", "Not a field of this request."),
}


def join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def path_of(prefix: str, loc: tuple[str | int, ...]) -> str:
    path = prefix
    for part in loc:
        path = join(path, part)
    return path


def problems_of(error: PydanticValidationError, prefix: str = "") -> list[Problem]:
    """Every problem of a pydantic error, with LivePerson-style paths and our codes."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        code_, message = item["type"], item["msg"]
        if code_ in BUILTIN_PROBLEMS:
            code_, message = BUILTIN_PROBLEMS[code_]
        elif code_ in ("too_long", "too_short") and item["loc"]:
            code_, message = "length", "Too many or too few items."
        problems.append(Problem(path_of(prefix, item["loc"]), code_, message))
    return problems
