"""The OpenAPI 3.1 description of the ingest API, generated from the pydantic models that
validate requests (``workspace.services.ingest_sde``, ``ingest_conversations`` and
``workspace.api.bodies``), so the document says exactly what the validator accepts."""

from functools import cache
from typing import Any

from django.urls import reverse
from pydantic.json_schema import models_json_schema

from campaigns.catalogue import AttributeType
from workspace.api.bodies import MAX_SDES, EngagementAttributesRequest
from workspace.services.ingest_conversations import ConversationRequest
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
        "visitorId": {
            "type": ["string", "null"],
            "description": "null only when nothing was stored and no visitor was named",
        },
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
    "413": _problem("The body is over 1 MiB (judged from Content-Length, or while reading)."),
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


def _plain(schema: Any, defs: dict[str, Any]) -> Any:
    """Nested models written out in place (one self-contained schema per request type, as the
    field tables read them); optional fields also accept null, as the validator does."""
    if isinstance(schema, list):
        return [_plain(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema and schema["$ref"].removeprefix(REF) in defs:
        return _plain(defs[schema["$ref"].removeprefix(REF)], defs)
    schema = {
        k: _plain(v, defs) if k != "properties" else v
        for k, v in schema.items()
        if k not in ("title", "default")
    }
    if isinstance(schema.get("properties"), dict):
        schema["properties"] = {
            name: _plain(spec, defs) for name, spec in schema["properties"].items()
        }
    branches = schema.get("anyOf", [])
    others = [b for b in branches if b != {"type": "null"}]
    if len(others) == 1 and len(branches) == 2 and others[0].get("type") in ("object", "array"):
        schema.pop("anyOf")
        schema = {**others[0], **schema, "type": [others[0]["type"], "null"]}
    if "properties" in schema:
        required = set(schema.get("required", []))
        for name, spec in schema["properties"].items():
            if name not in required:
                schema["properties"][name] = _nullable(spec)
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in schema and {"type": "null"} not in schema["anyOf"]:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return schema


def _model_schemas() -> dict[str, Any]:
    """JSON Schemas of the request models."""
    models = [(shape.model, "validation") for shape in SHAPES.values()]
    models += [(EngagementAttributesRequest, "validation"), (ConversationRequest, "validation")]
    keys, top = models_json_schema(models, ref_template=REF + "{model}")
    defs = top.get("$defs", {})

    def plain(model) -> dict[str, Any]:
        return _plain(keys[(model, "validation")], defs)

    schemas = {
        f"Sde_{kind}": {
            **plain(shape.model),
            "title": str(AttributeType(kind).label),
            "additionalProperties": True,  # kept, and listed as warnings
        }
        for kind, shape in SHAPES.items()
    }
    schemas["EngagementAttributesRequest"] = plain(EngagementAttributesRequest)
    schemas["ConversationRequest"] = plain(ConversationRequest)
    return schemas


def _schemas() -> dict[str, Any]:
    schemas = _model_schemas()
    schemas["EngagementAttribute"] = {
        "oneOf": [{"$ref": f"{REF}Sde_{kind}"} for kind in SHAPES],
        "discriminator": {
            "propertyName": "type",
            "mapping": {kind: f"{REF}Sde_{kind}" for kind in SHAPES},
        },
    }
    schemas.update(
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
