"""The OpenAPI description and the docs page; schemathesis runs the API in-process against the
description: no server error, and every answer matches what the description promises."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from campaigns.models import Connector
from tests.workspace.api.helpers import new_key
from workspace.api.openapi import openapi_document

pytestmark = pytest.mark.django_db

# Built at import: schemathesis's lazy fixture loader does not work with pytest 9.2.
schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = get_wsgi_application()


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes "old" connections around each request, which would end the test
    transaction; Django's own test client disconnects the same handler."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_key(keep_test_connection, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    return new_key("Fuzz")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_honours_its_description(case, fuzz_key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_key}"},
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_headers_conformance,
            checks.response_schema_conformance,
        ],
    )


def test_openapi_document_describes_both_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/engagement-attributes", "/api/v1/conversations"}
    schemas = document["components"]["schemas"]
    assert len(schemas["EngagementAttribute"]["oneOf"]) == 10
    assert schemas["Sde_cart"]["required"] == ["type", "total", "numItems"]
    status = schemas["Sde_service"]["properties"]["service"]["properties"]["status"]
    assert status["anyOf"][0] == {"type": "integer", "minimum": 0, "maximum": 13}


def test_docs_page_is_public_and_shows_no_key(client):
    key = new_key("Website")
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "curl -sS -X POST" in html
    assert "$CO_API_KEY" in html
    assert key not in html
    assert Connector.objects.get().key_prefix not in html
    for kind in ("purchase", "lead", "service", "ctmrinfo", "searchInfo"):
        assert f"type-{kind}" in html
