"""What the API docs page shows: curl examples and, per SDE type, a field table generated from
the definitions that validate requests. No key ever appears: examples read ``$CO_API_KEY``."""

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from campaigns.catalogue import CATALOGUE, AttributeType, DataCategory, RepeatRule
from workspace.services.ingest_fields import (
    Arr,
    Boolean,
    Choice,
    Code,
    CodeOrName,
    Currency,
    DateTime,
    Field,
    Integer,
    Money,
    Obj,
    Text,
    join,
)
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


def kind_of(spec: Field) -> str:
    """A short, plain description of what a field accepts."""
    if isinstance(spec, Money):
        sign = "" if spec.allow_negative else ", >= 0"
        return f"amount: number or plain numeric string{sign}, currency's decimals"
    if isinstance(spec, Code):
        return "code: " + ", ".join(f"{code} {label}" for code, label in spec.labels.items())
    if isinstance(spec, Integer):
        return f"whole number {spec.minimum} to {spec.maximum} (or a string of digits)"
    if isinstance(spec, CodeOrName):
        return " or ".join(f"{i}/{name}" for i, name in enumerate(spec.names))
    if isinstance(spec, Choice):
        return "one of: " + ", ".join(spec.choices)
    if isinstance(spec, Currency):
        return "currency (ISO 4217)"
    if isinstance(spec, DateTime):
        return "ISO 8601 time with zone"
    if isinstance(spec, Text):
        return f"text, up to {spec.max_length}"
    if isinstance(spec, Boolean):
        return "true or false"
    if isinstance(spec, Arr):
        return f"array (up to {spec.max_items})"
    return "object"


def field_rows(shape: Obj, path: str = "") -> list[FieldRow]:
    rows = []
    for name, spec in shape.fields.items():
        if name == TYPE_FIELD and not path:
            continue
        here = join(path, name)
        rows.append(FieldRow(here, kind_of(spec), name in shape.required, spec.description))
        inner = spec.item if isinstance(spec, Arr) else spec
        if isinstance(inner, Obj):
            rows.extend(field_rows(inner, here + "[]" if isinstance(spec, Arr) else here))
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
    types = [
        {
            "type": kind,
            "type_json": json.dumps({TYPE_FIELD: kind})[1:-1],
            "label": AttributeType(kind).label,
            "category": DataCategory(CATALOGUE[kind].category).label,
            "repeat_rule": RepeatRule(CATALOGUE[kind].repeat_rule).label,
            "rows": field_rows(shape.shape),
            "example": json.dumps(EXAMPLES[kind], indent=2),
        }
        for kind, shape in SHAPES.items()
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
