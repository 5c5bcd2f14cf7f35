"""Strict JSON for the ingest API.

Python's ``json.loads`` accepts ``NaN`` and ``Infinity``, turns ``1e400`` into infinity, keeps
the last of duplicate keys and raises ``RecursionError`` on deep nesting. Here those are refused:
constants and duplicate keys stop parsing, nesting is measured before parsing, floats become
``Decimal`` (never binary floats), and numbers with an exponent or too many digits become
``RejectedNumber`` so the validator can report them with their path.
"""

import json
import re
from decimal import Decimal
from typing import Any

from workspace.services.ingest_types import RejectedNumber

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 30
# Only the characters that matter for nesting; the loop below visits these, not every char.
_STRUCTURAL = re.compile(r'[\[\]{}"\\]')


class JsonRejected(ValueError):
    """The body is not JSON this API accepts; the message says why."""


def _number(literal: str) -> Decimal | RejectedNumber:
    if "e" in literal or "E" in literal or len(literal) > MAX_NUMBER_CHARS:
        return RejectedNumber(literal)
    return Decimal(literal)


def _integer(literal: str) -> int | RejectedNumber:
    if len(literal) > MAX_NUMBER_CHARS:
        return RejectedNumber(literal)  # also keeps int() away from huge digit strings
    return int(literal)


def _constant(name: str) -> Any:
    raise JsonRejected(f"{name} is not a number JSON allows.")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise JsonRejected(f"Duplicate key {key[:80]!r}.")
            seen.add(key)
    return document


def nesting_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than ``limit``, brackets inside strings aside.

    Linear in the text (no backtracking), and it stops as soon as the limit is passed.
    """
    depth, in_string, skip_until = 0, False, -1
    for match in _STRUCTURAL.finditer(text):
        position, char = match.start(), match.group()
        if position < skip_until:
            continue  # the character after a backslash inside a string
        if in_string:
            if char == "\\":
                skip_until = position + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads_strict(body: bytes) -> Any:
    """Parse a UTF-8 JSON body strictly; raises ``JsonRejected`` with a reason."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonRejected("The body must be UTF-8 encoded JSON.") from exc
    if nesting_exceeds(text):
        raise JsonRejected(f"JSON nested deeper than {MAX_DEPTH} levels.")
    try:
        return json.loads(
            text,
            parse_float=_number,
            parse_int=_integer,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except JsonRejected:
        raise
    except json.JSONDecodeError as exc:
        raise JsonRejected(
            f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from exc
    except (ValueError, RecursionError) as exc:  # defence in depth; the checks above come first
        raise JsonRejected("Not valid JSON.") from exc
