"""A database lost anywhere in a request, not only inside a view, answers 503 with
``Retry-After``, never 500 (the load-time fault script is .ci/scorecard/faults.py)."""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_store_lost(monkeypatch):
    """Loading the session (in a middleware, before any view) finds the database gone."""

    def lost(self):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", lost)


@pytest.mark.parametrize(
    ("headers", "body"),
    [({}, "We are back in a moment"), ({"HX-Request": "true"}, "")],
)
def test_lost_database_in_a_middleware_is_a_503(agent_client, session_store_lost, headers, body):
    agent_client.raise_request_exception = False  # the client would re-raise what was handled
    response = agent_client.get(reverse("workspace:conversation-list"), headers=headers)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert body in response.content.decode()
    if not body:
        assert response.content == b""


def test_lost_database_while_checking_an_api_key_is_a_json_503(monkeypatch):
    def gone(key):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("workspace.api.guard.connector_authenticate", gone)
    response = Client(raise_request_exception=False).post(
        reverse("api:conversations"),
        json.dumps({"conversationId": "c"}),
        content_type="application/json",
        headers={"Authorization": "Bearer some-key"},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["errors"][0]["message"].startswith("The database is unavailable")


def test_other_errors_still_answer_500(agent_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("workspace.views.conversations_for_agent", broken)
    agent_client.raise_request_exception = False
    response = agent_client.get(reverse("workspace:conversation-list"))
    assert response.status_code == 500
    assert "Retry-After" not in response
