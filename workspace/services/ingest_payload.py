"""What the ingest API stores of a payload: a JSON-safe copy of the input, and caps on what the
undocumented fields may take (SPEC section 3: they are kept and reported as warnings).

An undocumented field stores at most ``FIELD_CAP`` characters (text is cut; an object or array
longer than that as JSON is kept as the first ``FIELD_CAP`` characters of its JSON text), and an
SDE's undocumented fields together at most ``SDE_CAP`` characters of JSON; fields past that are
left out. Each cut or omission is a ``truncated`` warning at the field's path.
"""

import json
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from workspace.services.ingest_problems import Problem
from workspace.services.ingest_types import REJECTED_MESSAGE, RejectedNumber, join

FIELD_CAP = 1000
SDE_CAP = 8 * 1024
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def json_safe(value: Any, path: str, errors: list[Problem]) -> Any:
    """A copy of parsed input that a JSON column stores: Decimals become JSON numbers; refused
    numbers and text a database cannot hold (NUL, lone surrogates) are reported at their path."""
    if isinstance(value, dict):
        safe = {}
        for key, item in value.items():
            if BAD_TEXT.search(key):
                errors.append(
                    Problem(join(path, "(key)"), "invalid_text", "Keys must be valid text.")
                )
            safe[key] = json_safe(item, join(path, key), errors)
        return safe
    if isinstance(value, list):
        return [json_safe(item, join(path, i), errors) for i, item in enumerate(value)]
    if isinstance(value, Decimal):
        return float(value)  # the parser only makes Decimals of short, plain literals
    if isinstance(value, RejectedNumber):
        errors.append(Problem(path, "invalid_number", REJECTED_MESSAGE))
        return None
    if isinstance(value, str) and BAD_TEXT.search(value):
        errors.append(
            Problem(path, "invalid_text", "Text must not contain NUL or unpaired surrogates.")
        )
    return value


def _json_length(value: Any) -> int:
    """Characters a value takes: a text's own length, else its JSON text's."""
    return len(value) if isinstance(value, str) else len(json.dumps(value, ensure_ascii=False))


class _Budget:
    def __init__(self, left: int):
        self.left = left


def undocumented_fields(model: BaseModel, payload: dict[str, Any], path: str) -> list[Problem]:
    """Warnings for the undocumented fields of ``payload`` (the stored copy of what ``model``
    validated), in input order; their values are capped in place (``truncated`` warnings)."""
    warnings: list[Problem] = []
    _walk(model, payload, path, _Budget(SDE_CAP), warnings)
    return warnings


def _walk(model: BaseModel, payload: Any, path: str, budget: _Budget, warnings: list[Problem]):
    if not isinstance(payload, dict):
        return
    extra, fields = model.model_extra or {}, type(model).model_fields
    for name in list(payload):
        here = join(path, name)
        if name in extra:
            warnings.append(Problem(here, "unknown_field", "Not a documented field; kept as sent."))
            _cap(payload, name, here, budget, warnings)
        elif name in fields:
            value, raw = getattr(model, name), payload[name]
            if isinstance(value, BaseModel):
                _walk(value, raw, here, budget, warnings)
            elif isinstance(value, list) and isinstance(raw, list):
                for index, (item, raw_item) in enumerate(zip(value, raw, strict=False)):
                    if isinstance(item, BaseModel):
                        _walk(item, raw_item, join(here, index), budget, warnings)


def _cap(payload: dict[str, Any], name: str, path: str, budget: _Budget, warnings: list[Problem]):
    value = payload[name]
    size = _json_length(value)
    if size > FIELD_CAP:
        value = (value if isinstance(value, str) else json.dumps(value))[:FIELD_CAP]
        payload[name], size = value, _json_length(value)
        warnings.append(
            Problem(path, "truncated", f"Kept the first {FIELD_CAP} characters of this field.")
        )
    if size > budget.left:
        del payload[name]
        warnings.append(
            Problem(path, "truncated", f"Left out: undocumented fields over {SDE_CAP} characters.")
        )
        return
    budget.left -= size
