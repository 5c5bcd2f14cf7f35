"""The engagement attributes request around the SDEs, as pydantic models: ``{"visitorId",
"conversationId", "time", "engagementAttributes": [...]}`` (other top-level fields, such as those
of LivePerson's Monitoring API report body or App Engagement API session body, are warnings), or
a bare array of SDEs. The visitor and conversation may come in the query string (``visitorId``
or LivePerson's ``vid``, ``conversationId``) for either form."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from django.http import QueryDict
from pydantic import PlainValidator, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from workspace.services.ingest import sdes_check
from workspace.services.ingest_payload import json_safe
from workspace.services.ingest_problems import InputRejected, Problem
from workspace.services.ingest_types import REQUIRED, Model, date_time, problem, problems_of, text

MAX_SDES = 100
SDES_KEY = "engagementAttributes"
QUERY_NAMES = {"visitorId": "visitorId", "vid": "visitorId", "conversationId": "conversationId"}


def _sde_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise problem("invalid_type", "Must be an array of SDEs.")
    if not 1 <= len(value) <= MAX_SDES:
        raise problem("length", f"Send between 1 and {MAX_SDES} SDEs.")
    return value


SDE_LIST_SCHEMA = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_SDES,
    "items": {"$ref": "#/components/schemas/EngagementAttribute"},
    "description": "Engagement attributes (SDEs) in LivePerson's format",
}
SdeList = Annotated[Any, PlainValidator(_sde_list), WithJsonSchema(SDE_LIST_SCHEMA)]
VisitorId = text(120, "The visitor's ID from your site or channel", min_length=1)
ConversationId = text(120, "Attach to this conversation (optional)", min_length=1)


class EngagementAttributesRequest(Model):
    """Engagement attributes for one visitor"""

    visitorId: VisitorId = None
    conversationId: ConversationId = None
    time: date_time("When the events happened (default: now)") = None
    engagementAttributes: Annotated[SdeList, REQUIRED]


class QueryIds(Model):
    visitorId: VisitorId = None
    conversationId: ConversationId = None


@dataclass
class IngestEnvelope:
    visitor_id: str | None
    conversation_id: str | None
    occurred_at: datetime | None
    raw_sdes: list[Any]
    path: str
    warnings: list[Problem] = field(default_factory=list)


def _validated(model: type[Model], values: Any, now: datetime, errors: list[Problem]):
    try:
        return model.model_validate(values, context={"now": now})
    except ValidationError as exc:
        errors.extend(problems_of(exc))
        return None


def _query_ids(query: QueryDict, now: datetime, errors: list[Problem]) -> QueryIds | None:
    values = {}
    for name, field_name in QUERY_NAMES.items():
        if name in query:
            values.setdefault(field_name, query[name])
    json_safe(values, "", errors)
    return _validated(QueryIds, values, now, errors)


def _sde_problems(raw_sdes: Any, path: str, now: datetime) -> list[Problem]:
    """The SDEs' own problems too, so one answer lists everything wrong with the request."""
    if not isinstance(raw_sdes, list):
        return []
    try:
        sdes_check(raw_sdes, path=path, now=now)
    except InputRejected as exc:
        return exc.problems
    return []


def ingest_envelope(document: Any, query: QueryDict, *, now: datetime) -> IngestEnvelope:
    """Check the request around the SDEs; raises ``InputRejected`` with every problem."""
    errors: list[Problem] = []
    ids = _query_ids(query, now, errors)
    if isinstance(document, list):
        body, raw_sdes, path = None, document, ""
        try:
            _sde_list(document)
        except PydanticCustomError as exc:
            errors.append(Problem("", exc.type, exc.message()))
    elif isinstance(document, dict):
        raw_sdes, path = document.get(SDES_KEY), SDES_KEY
        body = _validated(EngagementAttributesRequest, document, now, errors)
        json_safe({k: v for k, v in document.items() if k != SDES_KEY}, "", errors)
    else:
        raise InputRejected([Problem("", "invalid_type", "Send an object, or an array of SDEs.")])
    visitor_id = (body and body.visitorId) or (ids and ids.visitorId)
    conversation_id = (body and body.conversationId) or (ids and ids.conversationId)
    if body and ids and body.visitorId and ids.visitorId and body.visitorId != ids.visitorId:
        errors.append(Problem("visitorId", "mismatch", "The body and the query name two visitors."))
    if not errors and not (visitor_id or conversation_id):
        errors.append(Problem("visitorId", "required", "Give visitorId (or vid in the query)."))
    if errors:
        raise InputRejected(errors + _sde_problems(raw_sdes, path, now))
    extra = body.model_extra if body else {}
    return IngestEnvelope(
        visitor_id=visitor_id,
        conversation_id=conversation_id,
        occurred_at=body.time if body else None,
        raw_sdes=raw_sdes,
        path=path,
        warnings=[
            Problem(name, "unknown_field", "Not a field of this API; ignored.") for name in extra
        ],
    )
