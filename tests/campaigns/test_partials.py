"""htmx fragments: each is only its fragment, and its queries do not grow with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import SurveySkill
from tests.campaigns.factories import AuditEntryFactory, QuestionFactory, SurveyFactory
from tests.factories import CampaignFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _count(client, django_assert_num_queries, method, url, data, headers, expected):
    with django_assert_num_queries(expected):
        response = getattr(client, method)(url, data, headers=headers)
    assert "<html" not in response.content.decode()
    return response


@pytest.mark.parametrize(
    ("url", "fragment", "expected", "grow"),
    [
        ("campaigns:builder", '<section id="campaign-list"', 7, "campaigns"),
        ("campaigns:survey-list", '<div id="survey-list"', 5, "surveys"),
    ],
)
def test_list_fragments_by_get(
    campaign_manager_client, htmx_headers, django_assert_num_queries, url, fragment, expected, grow
):
    def add(count):
        for _ in range(count):
            if grow == "campaigns":
                CampaignFactory(skill=SkillFactory())
            else:
                survey = SurveyFactory()
                SurveySkill.objects.create(survey=survey, skill=SkillFactory())

    add(1)
    url = reverse(url)
    campaign_manager_client.get(url)
    for count in (0, 4):
        add(count)
        response = _count(
            campaign_manager_client,
            django_assert_num_queries,
            "get",
            url,
            {},
            htmx_headers,
            expected,
        )
        assert response.content.decode().lstrip().startswith(fragment)


def test_audit_fragment(admin_client, htmx_headers, django_assert_num_queries):
    url = reverse("campaigns:audit-log")
    AuditEntryFactory()
    admin_client.get(url)
    for count in (0, 10):
        AuditEntryFactory.create_batch(count)
        _count(admin_client, django_assert_num_queries, "get", url, {}, htmx_headers, 7)


def test_question_move_fragment_reads_do_not_grow(campaign_manager_client, htmx_headers):
    survey = SurveyFactory()
    question = QuestionFactory(survey=survey)
    QuestionFactory(survey=survey)
    url = reverse("campaigns:question-move", args=[survey.pk, question.pk])
    campaign_manager_client.get(reverse("campaigns:survey-list"))
    reads = []
    for count in (0, 5):
        QuestionFactory.create_batch(count, survey=survey)
        # Moving writes the rows whose position changes; what it reads stays flat.
        with CaptureQueriesContext(connection) as context:
            response = campaign_manager_client.post(
                url, {"direction": "down"}, headers=htmx_headers
            )
        assert "<html" not in response.content.decode()
        reads.append(sum(q["sql"].startswith("SELECT") for q in context.captured_queries))
    assert reads[0] == reads[1]


def test_configure_draft_fragment(campaign_manager_client, htmx_headers, django_assert_num_queries):
    url = reverse("campaigns:category-configure", args=["visitor_journey"])
    data = {"attribute": "lead", "lead-version": 0, "action": "add:topic"}
    SkillFactory()
    campaign_manager_client.get(url)
    for count in (0, 6):
        for _ in range(count):
            SkillFactory()
        response = _count(
            campaign_manager_client, django_assert_num_queries, "post", url, data, htmx_headers, 7
        )
        assert response.content.decode().lstrip().startswith('<form id="attribute-config-lead"')
