"""What the API docs page shows: curl examples and, per SDE type, a field table generated from
the definitions that validate requests. No key ever appears: examples read ``$CO_API_KEY``."""

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from campaigns.catalogue import CATALOGUE, AttributeType, DataCategory, RepeatRule
from workspace.api.openapi import REF, openapi_document
from workspace.services.ingest_sde import SHAPES, TYPE_FIELD

EXAMPLES: dict[str, dict[str, Any]] = {
    "purchase": {
        "type": "purchase",
        "total": 249.5,
        "currency": "USD",
        "orderId": "ORD-20931",
        "cart": {
            "numItems": 2,
            "products": [
                {
                    "product": {
                        "name": "Team plan",
                        "category": "plans",
                        "sku": "TP-1",
                        "price": 124.75,
                    },
                    "quantity": 2,
                }
            ],
        },
    },
    "lead": {
        "type": "lead",
        "lead": {
            "topic": "Fleet insurance quote",
            "value": "1200.00",
            "currency": "EUR",
            "leadId": "LEAD-311",
        },
    },
    "service": {
        "type": "service",
        "service": {
            "topic": "Card replacement",
            "status": 1,
            "category": "cards",
            "serviceId": "SRV-77",
        },
    },
    "cart": {
        "type": "cart",
        "total": 59.9,
        "currency": "USD",
        "numItems": 3,
        "products": [
            {"product": {"name": "Trail shoes", "sku": "TS-42", "price": 49.9}, "quantity": 1},
            {"product": {"name": "Socks", "sku": "SK-01", "price": 5}, "quantity": 2},
        ],
    },
    "prodView": {
        "type": "prodView",
        "currency": "EUR",
        "products": [{"product": {"name": "City bike", "category": "bikes", "price": 499}}],
    },
    "ctmrinfo": {
        "type": "ctmrinfo",
        "info": {
            "ctype": "gold",
            "cstatus": "active",
            "customerId": "C-1001",
            "balance": "-20.50",
            "currency": "USD",
            "registrationDate": {"day": 3, "month": 2, "year": 2021},
        },
    },
    "mrktInfo": {
        "type": "mrktInfo",
        "info": {"channel": "1", "affiliate": "Search partner", "campaignId": "spring"},
    },
    "personal": {
        "type": "personal",
        "personal": {
            "firstname": "Ada",
            "lastname": "Lovelace",
            "gender": "FEMALE",
            "language": "en-GB",
            "contacts": [{"email": "ada@example.com", "phoneType": "MOBILE"}],
        },
    },
    "error": {
        "type": "error",
        "error": {
            "contextId": "checkout",
            "message": "Card declined",
            "code": "E42",
            "level": 10,
            "resolved": False,
        },
    },
    "searchInfo": {"type": "searchInfo", "keywords": ["reset password"]},
}


@dataclass(frozen=True)
class FieldRow:
    path: str
    kind: str
    required: bool
    notes: str


def kind_of(schema: dict[str, Any]) -> str:
    """A short, plain description of what a field accepts, read from its JSON Schema."""
    branches = schema.get("anyOf", [schema])
    first = branches[0]
    if first.get("type") == "number":
        sign = "" if first.get("minimum", 0) < 0 else ", >= 0"
        return f"amount: number or plain numeric string{sign}, currency's decimals"
    if first.get("type") == "integer" and len(branches) > 1 and "pattern" in branches[1]:
        if "(?i:" in branches[1]["pattern"]:
            return "code or name (see notes)"
        return f"whole number {first['minimum']} to {first['maximum']} (or a string of digits)"
    if "enum" in schema:
        return "one of: " + ", ".join(schema["enum"])
    if schema.get("format") == "date-time":
        return "ISO 8601 time with zone"
    if schema.get("pattern") == "^[A-Za-z]{3}$":
        return "currency (ISO 4217, in use)"
    if schema.get("type") == "string":
        return f"text, up to {schema.get('maxLength')}"
    if schema.get("type") == "boolean":
        return "true or false"
    if schema.get("type") == "array":
        return f"array (up to {schema.get('maxItems')})"
    return "object"


def _resolved(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """The schema itself, or what its ``$ref`` (or a nullable ``anyOf`` of one) points at."""
    for branch in schema.get("anyOf", [schema]):
        if "$ref" in branch:
            return schemas[branch["$ref"].removeprefix(REF)]
    return schema


def field_rows(shape: dict[str, Any], schemas: dict[str, Any], path: str = "") -> list[FieldRow]:
    rows = []
    required = set(shape.get("required", []))
    for name, spec in shape.get("properties", {}).items():
        if name == TYPE_FIELD and not path:
            continue
        here = f"{path}.{name}" if path else name
        target = _resolved(spec, schemas)
        if target.get("type") == "array" or any(
            b.get("type") == "array" for b in spec.get("anyOf", [])
        ):
            array = next(b for b in spec.get("anyOf", [spec]) if b.get("type") == "array")
            rows.append(
                FieldRow(here, kind_of(array), name in required, spec.get("description", ""))
            )
            item = _resolved(array.get("items", {}), schemas)
            if "properties" in item:
                rows.extend(field_rows(item, schemas, here + "[]"))
            continue
        notes = spec.get("description") or target.get("description", "")
        rows.append(FieldRow(here, kind_of(target), name in required, notes))
        if "properties" in target:
            rows.extend(field_rows(target, schemas, here))
    return rows


def _curl(url: str, body: Any, key: str = "") -> str:
    extra = f' \\\n  -H "Idempotency-Key: {key}"' if key else ""
    text = json.dumps(body, indent=2)
    return (
        f'curl -sS -X POST "{url}" \\\n  -H "Authorization: Bearer $CO_API_KEY" \\\n'
        f"  -H \"Content-Type: application/json\"{extra} \\\n  --data-binary @- <<'JSON'\n"
        f"{text}\nJSON"
    )


def docs_context(request: HttpRequest) -> dict[str, Any]:
    ingest_url = request.build_absolute_uri(reverse("api:engagement-attributes"))
    feed_url = request.build_absolute_uri(reverse("api:conversations"))
    ingest_body = {
        "visitorId": "visitor-123",
        "conversationId": "c-1",
        "engagementAttributes": [EXAMPLES["purchase"], EXAMPLES["lead"]],
    }
    feed_body = {
        "conversationId": "c-1",
        "visitorId": "visitor-123",
        "channel": "chat",
        "skill": "Sales",
        "agent": "agent",
        "startTime": "2026-03-01T14:00:00Z",
        "endTime": None,
        "messages": [{"sentBy": "consumer", "text": "Hello!", "time": "2026-03-01T14:00:05Z"}],
    }
    schemas = openapi_document()["components"]["schemas"]
    types = [
        {
            "type": kind,
            "type_json": json.dumps({TYPE_FIELD: kind})[1:-1],
            "label": AttributeType(kind).label,
            "category": DataCategory(CATALOGUE[kind].category).label,
            "repeat_rule": RepeatRule(CATALOGUE[kind].repeat_rule).label,
            "rows": field_rows(schemas[f"Sde_{kind}"], schemas),
            "example": json.dumps(EXAMPLES[kind], indent=2),
        }
        for kind in SHAPES
    ]
    return {
        "ingest_endpoint": "POST " + reverse("api:engagement-attributes"),
        "feed_endpoint": "POST " + reverse("api:conversations"),
        "openapi_url": reverse("api:openapi"),
        "curl_ingest": _curl(ingest_url, ingest_body, "retry-safe-7f3a"),
        "curl_bare": _curl(ingest_url + "?visitorId=visitor-123", [EXAMPLES["service"]]),
        "curl_feed": _curl(feed_url, feed_body),
        "types": types,
    }
