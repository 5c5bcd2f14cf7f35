"""Sign-in throttling, session timeouts and database faults."""

import time

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _fail(client, username="agent"):
    return client.post(
        reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR="10.0.0.7"
    )


def test_five_failed_sign_ins_lock_the_account_from_that_address(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _fail(client).status_code == 200
    locked = _fail(client)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    right_password = client.post(
        reverse("login"), {"username": "agent", "password": "pw"}, REMOTE_ADDR="10.0.0.7"
    )
    assert right_password.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_lock_other_users(client, agent, other_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client)
    response = client.post(
        reverse("login"), {"username": "agent2", "password": "pw"}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 302


def test_idle_session_is_signed_out(agent_client, settings):
    session = agent_client.session
    session["seen_at"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = agent_client.get(reverse("workspace:conversation-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_absolute_session_age_signs_out_even_when_active(agent_client, settings):
    session = agent_client.session
    session["signed_in_at"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session["seen_at"] = int(time.time())
    session.save()
    assert agent_client.get(reverse("workspace:conversation-list")).status_code == 302


def test_active_session_stays_signed_in(agent_client):
    assert agent_client.get(reverse("workspace:conversation-list")).status_code == 200
    assert agent_client.get(reverse("workspace:conversation-list")).status_code == 200


def test_lost_database_is_a_503_page_with_retry_after(agent_client, monkeypatch):
    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("workspace.views.conversations_for_agent", lost)
    response = agent_client.get(reverse("workspace:conversation-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "We are back in a moment" in response.content.decode()


def test_lost_database_during_htmx_is_an_empty_503(agent_client, monkeypatch, htmx_headers):
    monkeypatch.setattr(
        "workspace.views.conversations_for_agent",
        lambda *a, **k: (_ for _ in ()).throw(OperationalError("gone")),
    )
    response = agent_client.get(reverse("workspace:conversation-list"), headers=htmx_headers)
    assert response.status_code == 503
    assert response.content == b""
