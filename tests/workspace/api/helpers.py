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
