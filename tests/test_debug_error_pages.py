"""Under ``make run`` (DEBUG on) the product's own 404, 403 and 500 pages, never Django's debug
pages that list every URL or the settings (issue 14, finding 10)."""

import logging

import pytest
from django.urls import reverse

from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db

DEBUG_404_MARKERS = ("Using the URLconf", "Django tried these URL patterns", "DEBUG = True")


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.parametrize("persona", ["client", "agent_client"])
def test_a_missing_page_is_the_products_404(request, persona):
    response = request.getfixturevalue(persona).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html
    for marker in DEBUG_404_MARKERS:
        assert marker not in html
    assert "back-office/" not in html  # no list of the app's URLs


def test_a_view_raising_not_found_shows_the_products_404(agent_client, other_agent):
    theirs = ConversationFactory(agent=other_agent)
    response = agent_client.get(reverse("workspace:conversation-detail", args=[theirs.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html
    assert "Page not found at" not in html


def test_a_refusal_shows_the_products_403(campaign_manager_client):
    response = campaign_manager_client.get(reverse("workspace:conversation-list"))
    assert response.status_code == 403
    assert "errorpage" in response.content.decode()


def test_a_failure_shows_the_products_500_and_logs_the_traceback(agent_client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the list")

    monkeypatch.setattr("workspace.views.conversations_for_agent", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = agent_client.get(reverse("workspace:conversation-list"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "a bug in the list" not in html
    assert "Traceback" not in html
    assert "errorpage" in html
    assert any("a bug in the list" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_htmx_requests_get_an_empty_404_for_the_message_area(agent_client, htmx_headers):
    response = agent_client.get("/no-such-page/", headers=htmx_headers)
    assert response.status_code == 404
    assert response.content == b""


def test_the_products_404_carries_the_content_security_policy(client):
    response = client.get("/no-such-page/")
    assert "script-src" in response.headers.get("Content-Security-Policy", "")
