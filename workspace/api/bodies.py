"""The engagement attributes request around the SDEs: ``{"visitorId", "conversationId", "time",
"engagementAttributes": [...]}``, or a bare array of SDEs with ``visitorId`` (and optionally
``conversationId``) in the query string."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import QueryDict

from workspace.services.ingest import sdes_check
from workspace.services.ingest_fields import Check, DateTime, Field, Obj, Text, json_safe
from workspace.services.ingest_problems import InputRejected, Problem

MAX_SDES = 100
SDES_KEY = "engagementAttributes"


class SdeList(Field):
    """The array of SDEs; each SDE is checked by the ingest service against its type."""

    description = "Engagement attributes (SDEs) in LivePerson's format"

    def _clean(self, value, path, check):
        if not isinstance(value, list):
            return check.error(path, "invalid_type", "Must be an array of SDEs.")
        if not 1 <= len(value) <= MAX_SDES:
            return check.error(path, "length", f"Send between 1 and {MAX_SDES} SDEs.")
        return value

    def schema(self):
        return self.described(
            {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_SDES,
                "items": {"$ref": "#/components/schemas/EngagementAttribute"},
            }
        )


VISITOR_ID = Text(120, "The visitor's ID from your site or channel", min_length=1)
CONVERSATION_ID = Text(120, "Attach to this conversation (optional)", min_length=1)
ENVELOPE = Obj(
    {
        "visitorId": VISITOR_ID,
        "conversationId": CONVERSATION_ID,
        "time": DateTime("When the events happened (default: now)"),
        SDES_KEY: SdeList(),
    },
    required=(SDES_KEY,),
    description="Engagement attributes for one visitor",
)
QUERY = Obj({"visitorId": VISITOR_ID, "conversationId": CONVERSATION_ID})


def _sde_problems(raw_sdes: Any, path: str, now: datetime) -> list[Problem]:
    """The SDEs' own problems too, so one answer lists everything wrong with the request."""
    if not isinstance(raw_sdes, list):
        return []
    try:
        sdes_check(raw_sdes, path=path, now=now)
    except InputRejected as exc:
        return exc.problems
    return []


@dataclass
class IngestEnvelope:
    visitor_id: str | None
    conversation_id: str | None
    occurred_at: datetime | None
    raw_sdes: list[Any]
    path: str
    warnings: list[Problem] = field(default_factory=list)


def ingest_envelope(document: Any, query: QueryDict, *, now: datetime) -> IngestEnvelope:
    """Check the request around the SDEs; raises ``InputRejected`` with every problem."""
    check = Check(now=now)
    if isinstance(document, list):
        values = {name: query[name] for name in QUERY.fields if name in query}
        data = QUERY.clean(values, "", check)
        json_safe(values, "", check)
        raw_sdes, path = SdeList().clean(document, "", check), ""
    elif isinstance(document, dict):
        data = ENVELOPE.clean(document, "", check)
        json_safe({k: v for k, v in document.items() if k != SDES_KEY}, "", check)
        raw_sdes, path = data.get(SDES_KEY) if isinstance(data, dict) else None, SDES_KEY
    else:
        raise InputRejected([Problem("", "invalid_type", "Send an object, or an array of SDEs.")])
    if not check.errors and not (data.get("visitorId") or data.get("conversationId")):
        check.error("visitorId", "required", "Give visitorId (in the query for a bare array).")
    if check.errors:
        raise InputRejected(check.errors + _sde_problems(raw_sdes, path, now))
    return IngestEnvelope(
        visitor_id=data.get("visitorId"),
        conversation_id=data.get("conversationId"),
        occurred_at=data.get("time"),
        raw_sdes=raw_sdes,
        path=path,
        warnings=check.warnings,
    )
