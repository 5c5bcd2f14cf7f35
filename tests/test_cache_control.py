"""Nothing said to a signed-in person or by the API stays in a cache; static files do.

``outcomes_site.middleware.PrivateResponseMiddleware`` sends ``Cache-Control: no-store`` on every
answer to a signed-in user (pages, htmx partials, exports) and on every API answer.
"""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.workspace.api.helpers import INGEST, new_key, post_json

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_not_stored(response) -> None:
    assert "no-store" in _directives(response), response.get("Cache-Control")
    assert "private" in _directives(response)
    assert response["Pragma"] == "no-cache"


def test_a_signed_in_page_is_not_stored(agent_client):
    response = agent_client.get(reverse("workspace:conversation-list"))
    assert response.status_code == 200
    assert_not_stored(response)


def test_an_htmx_partial_is_not_stored(admin_client, htmx_headers):
    response = admin_client.get(reverse("campaigns:audit-log"), headers=htmx_headers)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert_not_stored(response)


def test_a_refusal_to_a_signed_in_user_is_not_stored(agent_client):
    response = agent_client.get(reverse("campaigns:user-list"))
    assert response.status_code == 403
    assert_not_stored(response)


def test_a_csv_export_is_not_stored(admin_client):
    response = admin_client.get(reverse("reporting:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert_not_stored(response)


def test_api_answers_are_not_stored(client):
    body = {"visitorId": "v-1", "engagementAttributes": [{"type": "lead", "lead": {"value": 3}}]}
    accepted = post_json(client, INGEST, body, key=new_key())
    refused = post_json(client, INGEST, [], key="wrong-key")
    described = client.get(reverse("api:openapi"))
    for response in (accepted, refused, described):
        assert_not_stored(response)
    assert (accepted.status_code, refused.status_code, described.status_code) == (201, 401, 200)


def test_a_static_file_keeps_its_caching(agent_client):
    assert finders.find("js/app.js")
    response = agent_client.get("/static/js/app.js")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert any(d.startswith("max-age=") and d != "max-age=0" for d in _directives(response))


def test_the_anonymous_login_page_keeps_default_caching(client):
    # The middleware only marks signed-in and API answers; the login page has its own rules.
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Pragma" not in response
