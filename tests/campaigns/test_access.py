"""Every Campaign Builder URL, for every role (SPEC 1: campaign managers and admins only; the
audit log for admins)."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns.models import AttributionPolicy
from tests.campaigns.factories import ConnectorFactory, QuestionFactory
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(db):
    campaign = CampaignFactory()
    question = QuestionFactory()
    policy = AttributionPolicy.objects.create(effective_from=date(2999, 1, 1))
    return {
        "campaign": campaign.pk,
        "goal": campaign.goal_id,
        "survey": question.survey_id,
        "question": question.pk,
        "connector": ConnectorFactory().pk,
        "policy": policy.pk,
    }


PAGES = [
    ("campaigns:builder", []),
    ("campaigns:campaign-create", []),
    ("campaigns:campaign-update", ["campaign"]),
    ("campaigns:goal-list", []),
    ("campaigns:goal-create", []),
    ("campaigns:goal-update", ["goal"]),
    ("campaigns:account-settings", []),
    ("campaigns:data-sources", []),
    ("campaigns:data-sources-catalogue", []),
    ("campaigns:survey-list", []),
    ("campaigns:survey-create", []),
    ("campaigns:survey-update", ["survey"]),
    ("campaigns:survey-preview", ["survey"]),
    ("campaigns:question-create", ["survey"]),
    ("campaigns:question-update", ["survey", "question"]),
    ("campaigns:predefined-lists", []),
]
POSTS = [
    ("campaigns:campaign-default", ["campaign"]),
    ("campaigns:goal-delete", ["goal"]),
    ("campaigns:policy-create", []),
    ("campaigns:policy-delete", ["policy"]),
    ("campaigns:connector-create", []),
    ("campaigns:connector-revoke", ["connector"]),
    ("campaigns:survey-active", ["survey"]),
    ("campaigns:survey-default", ["survey"]),
    ("campaigns:survey-delete", ["survey"]),
    ("campaigns:question-move", ["survey", "question"]),
    ("campaigns:question-delete", ["survey", "question"]),
]
CATEGORIES = ["ecommerce", "visitor_info", "visitor_journey"]


def _url(name, keys, objects):
    return reverse(name, args=[objects[key] for key in keys])


def _all_pages(objects):
    urls = [_url(name, keys, objects) for name, keys in PAGES]
    return urls + [reverse("campaigns:category-configure", args=[c]) for c in CATEGORIES]


@pytest.mark.parametrize("persona", ["admin_client", "campaign_manager_client"])
def test_pages_open_for_campaign_managers_and_admins(request, persona, objects):
    client = request.getfixturevalue(persona)
    for url in _all_pages(objects):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<html" in response.content


@pytest.mark.parametrize("persona", ["agent_manager_client", "agent_client"])
def test_pages_refuse_agents_and_agent_managers(request, persona, objects):
    client = request.getfixturevalue(persona)
    for url in _all_pages(objects):
        assert client.get(url).status_code == 403, url
    for name, keys in POSTS:
        assert client.post(_url(name, keys, objects)).status_code == 403, name
    configure = reverse("campaigns:category-configure", args=["visitor_journey"])
    assert client.post(configure, {"attribute": "lead"}).status_code == 403


def test_anonymous_goes_to_login_everywhere(anonymous_client, objects):
    urls = [*_all_pages(objects), reverse("campaigns:audit-log")]
    for url in urls:
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    for name, keys in POSTS:
        response = anonymous_client.post(_url(name, keys, objects))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_htmx_request_is_sent_to_login_as_a_whole_page(anonymous_client, htmx_headers):
    response = anonymous_client.get(reverse("campaigns:survey-list"), headers=htmx_headers)
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_audit_log_is_for_admins_only(
    admin_client, campaign_manager_client, agent_manager_client, agent_client
):
    url = reverse("campaigns:audit-log")
    assert admin_client.get(url).status_code == 200
    for client in (campaign_manager_client, agent_manager_client, agent_client):
        assert client.get(url).status_code == 403


def test_posts_refuse_get(campaign_manager_client, objects):
    for name, keys in POSTS:
        assert campaign_manager_client.get(_url(name, keys, objects)).status_code == 405, name


def test_unknown_category_is_a_404(campaign_manager_client):
    url = reverse("campaigns:category-configure", args=["no-such-category"])
    assert campaign_manager_client.get(url).status_code == 404


def test_campaign_manager_lands_on_campaign_builder(campaign_manager_client):
    response = campaign_manager_client.get(reverse("home"), follow=True)
    assert "<h1>Campaign Builder</h1>" in response.content.decode()


def test_builder_links_to_audit_log_only_for_admins(admin_client, campaign_manager_client):
    audit = reverse("campaigns:audit-log")
    assert audit in admin_client.get(reverse("campaigns:builder")).content.decode()
    assert audit not in campaign_manager_client.get(reverse("campaigns:builder")).content.decode()
