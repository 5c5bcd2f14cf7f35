"""Plain helpers for the ingest API tests (fixtures live in ``conftest.py`` beside this)."""

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from campaigns.services.connectors import connector_create

INGEST = "api:engagement-attributes"
FEED = "api:conversations"


def new_key(name: str = "Website") -> str:
    _connector, key = connector_create(name=name, actor=None)
    return key


def post_json(
    client: Client,
    route: str,
    body: Any = None,
    *,
    key: str | None,
    raw: bytes | str | None = None,
    query: str = "",
    content_type: str = "application/json",
    **extra: str,
):
    """POST ``body`` (or ``raw`` bytes) as JSON with ``Authorization: Bearer key``."""
    data = raw if raw is not None else json.dumps(body)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    url = reverse(route) + (f"?{query}" if query else "")
    return client.generic("POST", url, data, content_type=content_type, **headers, **extra)


def error_paths(response) -> list[str]:
    return [problem["path"] for problem in response.json()["errors"]]


# LivePerson's published examples ("Types of engagement attributes"), comments removed.
PUBLISHED = {
    "cart": {
        "type": "cart",
        "total": 11.7,
        "currency": "USD",
        "numItems": 6,
        "products": [
            {
                "product": {"name": "prod1", "category": "category", "sku": "sku", "price": 7.8},
                "quantity": 1,
            }
        ],
    },
    "purchase": {
        "type": "purchase",
        "total": 11.7,
        "currency": "USD",
        "orderId": "DRV1534XC",
        "cart": {
            "products": [
                {
                    "product": {
                        "name": "antivirus pro plan",
                        "category": "software",
                        "sku": "xyz001",
                        "price": 7.8,
                    },
                    "quantity": 3,
                }
            ]
        },
    },
    "prodView": {
        "type": "prodView",
        "currency": "USD",
        "products": [
            {
                "product": {
                    "name": "red high heel shoe",
                    "category": "women shoes",
                    "sku": "xyz567",
                    "price": 77.8,
                }
            }
        ],
    },
    "ctmrinfo": {
        "type": "ctmrinfo",
        "info": {
            "cstatus": "cancelled",
            "ctype": "vip",
            "customerId": "138766AC",
            "balance": -400.99,
            "currency": "USD",
            "socialId": "11256324780",
            "imei": "3543546543545688",
            "userName": "user000",
            "companySize": 500,
            "accountName": "bank corp",
            "role": "broker",
            "lastPaymentDate": {"day": 15, "month": 10, "year": 2014},
            "registrationDate": {"day": 23, "month": 5, "year": 2013},
            "storeNumber": "123865",
            "storeZipCode": "20505",
        },
    },
    "mrktInfo": {
        "type": "mrktInfo",
        "info": {"channel": "1", "affiliate": "Yahoo", "campaignId": "US coupon campaign"},
    },
    "personal": {
        "type": "personal",
        "personal": {
            "firstname": "John",
            "lastname": "Doe",
            "age": {"age": 34, "year": 1980, "month": 4, "day": 15},
            "contacts": [{"email": "myname@example.com", "phone": "+1 212-788-8877"}],
            "gender": "MALE",
            "language": "en-US",
            "company": "company",
        },
    },
    "lead": {
        "type": "lead",
        "lead": {
            "topic": "luxury car test drive 2015",
            "value": 22.22,
            "currency": "USD",
            "leadId": "xyz123",
        },
    },
    "service": {
        "type": "service",
        "service": {
            "topic": "order checkbook",
            "status": 0,
            "category": "finance",
            "serviceId": "service12",
        },
    },
    "error": {
        "type": "error",
        "error": {
            "contextId": "Credit card application",
            "message": "Expiration date missing",
            "code": "er100004",
            "level": 10,
            "resolved": False,
        },
    },
    "searchInfo": {"type": "searchInfo", "keywords": ["Reset password"]},
}
