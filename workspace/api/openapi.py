"""The OpenAPI 3.1 description of the ingest API, generated from the same field definitions
that validate requests (``workspace.services.ingest_sde``, ``ingest_conversations`` and
``workspace.api.bodies``), so the document says exactly what the validator accepts."""

from functools import cache
from typing import Any

from django.urls import reverse

from campaigns.catalogue import AttributeType
from workspace.api.bodies import ENVELOPE, MAX_SDES
from workspace.services.ingest_conversations import FEED
from workspace.services.ingest_sde import SHAPES

REF = "#/components/schemas/"
PROBLEM = {
    "type": "object",
    "required": ["path", "code", "message"],
    "properties": {
        "path": {"type": "string", "description": "Where: engagementAttributes[2].lead.value"},
        "code": {"type": "string"},
        "message": {"type": "string"},
    },
}
PROBLEMS = {
    "type": "object",
    "required": ["errors"],
    "properties": {"errors": {"type": "array", "minItems": 1, "items": {"$ref": REF + "Problem"}}},
}
WARNINGS = {"type": "array", "items": {"$ref": REF + "Problem"}}
INGEST_RESULT = {
    "type": "object",
    "required": ["visitorId", "conversationId", "events", "warnings"],
    "properties": {
        "visitorId": {"type": "string"},
        "conversationId": {
            "type": ["string", "null"],
            "description": "The conversation the events were attached to, if any",
        },
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index", "id", "type", "result"],
                "properties": {
                    "index": {"type": "integer", "description": "Position in the request"},
                    "id": {"type": "integer", "description": "Stored event ID"},
                    "type": {"type": "string", "enum": list(AttributeType.values)},
                    "result": {"type": "string", "enum": ["created", "updated", "replaced"]},
                },
            },
        },
        "warnings": WARNINGS,
    },
}
CONVERSATION_RESULT = {
    "type": "object",
    "required": ["id", "conversationId", "created", "status", "messagesAdded", "warnings"],
    "properties": {
        "id": {"type": "integer"},
        "conversationId": {"type": "string"},
        "created": {"type": "boolean"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "messagesAdded": {"type": "integer", "minimum": 0},
        "transferred": {"type": "boolean"},
        "closed": {"type": "boolean", "description": "Closed by this request"},
        "warnings": WARNINGS,
    },
}


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF + "Problems"}}},
    }
    if headers:
        response["headers"] = headers
    return response


ERRORS = {
    "400": _problem("Bad input; every problem names its path. Nothing was stored."),
    "401": _problem("Missing, unknown or revoked connector key."),
    "413": _problem("The body is over 1 MiB (judged from Content-Length)."),
    "415": _problem("The body is not sent as application/json (UTF-8)."),
    "422": _problem("The Idempotency-Key was used before with a different request."),
    "429": _problem(
        "Over the rate limit for this key.",
        {"Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 1}}},
    ),
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes retries safe: the same key and body replay the first answer.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF + schema}}},
    }


def _operation(summary: str, body: dict[str, Any], result: str, extra: dict[str, Any]):
    return {
        "summary": summary,
        "parameters": [IDEMPOTENCY_KEY, *extra.pop("parameters", [])],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": _ok(result, "Stored; nothing new was created (updates only)."),
            "201": _ok(result, "Stored."),
            **ERRORS,
            **extra,
        },
    }


def _query(name: str, description: str) -> dict[str, Any]:
    schema = {"type": "string", "minLength": 1, "maxLength": 120, "pattern": r"\S"}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        f"Sde_{kind}": {**shape.shape.schema(), "title": str(AttributeType(kind).label)}
        for kind, shape in SHAPES.items()
    }
    schemas["EngagementAttribute"] = {
        "oneOf": [{"$ref": f"{REF}Sde_{kind}"} for kind in SHAPES],
        "discriminator": {
            "propertyName": "type",
            "mapping": {kind: f"{REF}Sde_{kind}" for kind in SHAPES},
        },
    }
    schemas.update(
        EngagementAttributesRequest=ENVELOPE.schema(),
        ConversationRequest=FEED.schema(),
        IngestResult=INGEST_RESULT,
        ConversationResult=CONVERSATION_RESULT,
        Problem=PROBLEM,
        Problems=PROBLEMS,
    )
    return schemas


@cache
def openapi_document() -> dict[str, Any]:
    """The whole description, built once per process."""
    bare = {
        "type": "array",
        "minItems": 1,
        "maxItems": MAX_SDES,
        "items": {"$ref": REF + "EngagementAttribute"},
    }
    ingest_body = {"oneOf": [{"$ref": REF + "EngagementAttributesRequest"}, bare]}
    not_found = {"404": _problem("Unknown conversationId. Nothing was stored.")}
    ingest = _operation(
        "Report engagement attributes (SDEs) for a visitor",
        ingest_body,
        "IngestResult",
        {
            "parameters": [
                _query("visitorId", "The visitor, when the body is a bare array of SDEs"),
                _query("conversationId", "The conversation, when the body is a bare array"),
            ],
            **not_found,
        },
    )
    feed = _operation(
        "Create or update a conversation",
        {"$ref": REF + "ConversationRequest"},
        "ConversationResult",
        {},
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Conversation Outcomes ingest API",
            "version": "1.0.0",
            "description": "Customer-reported engagement attributes in LivePerson's SDE format, "
            "and a conversations feed for chat platforms. Numbers may be JSON numbers or "
            "numeric strings in plain decimal form; exponents, NaN and Infinity are refused; "
            "money has at most its currency's minor-unit digits.",
        },
        "paths": {
            reverse("api:engagement-attributes"): {"post": ingest},
            reverse("api:conversations"): {"post": feed},
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "connectorKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A connector key from Campaign Builder > Data Sources.",
                }
            },
        },
        "security": [{"connectorKey": []}],
    }
