"""Nothing typed is lost, server side (issue findings 1, 2, 3, 6 and the widget's part of 8): a
submit answers with the one outcome type it changed; a refused Close answers in place (htmx) or
by post, redirect, get; a refused CSRF token on an htmx request is a 403 the page answers in
place; pages are not kept by the browser's cache; survey errors are all beside their questions;
"Required before close" turns to done. The browser side is tests/e2e/test_widget_typing.py."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.catalogue import AttributeType
from tests.factories import ConversationFactory
from tests.workspace.conftest import NOW
from tests.workspace.factories import agent_survey, attribute_config
from workspace.models import EngagementAttributeEvent, SurveyResponse
from workspace.selectors.summary import conversation_summary
from workspace.services.outcomes import outcome_submit

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def two_types(sales_skill):
    """Transactions and leads, the lead required before close."""
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill])
    attribute_config(AttributeType.LEAD, skills=[sales_skill], required=True)


def create_url(conversation, attribute_type="purchase"):
    return reverse("workspace:outcome-create", args=[conversation.pk, attribute_type])


def close_url(conversation):
    return reverse("workspace:conversation-close", args=[conversation.pk])


def detail_url(conversation):
    return reverse("workspace:conversation-detail", args=[conversation.pk])


@pytest.mark.usefixtures("two_types")
class TestASubmitRedrawsOnlyItsType:
    def test_the_answer_is_the_saved_type_alone(self, agent_client, conversation):
        data = {"add-purchase-total": "12.50", "add-purchase-currency": "USD"}
        headers = {**HX, "HX-Target": "outcome-type-purchase"}
        response = agent_client.post(create_url(conversation), data, headers=headers)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.strip().startswith('<div class="outcome-type" id="outcome-type-purchase"')
        assert "Saved." in html
        assert "outcome-type-lead" not in html  # the lead's form (and what is typed there) stays
        assert "summary-survey" not in html
        assert EngagementAttributeEvent.objects.count() == 1

    def test_a_later_outcome_answers_with_itself_and_a_fresh_form(self, agent_client, conversation):
        """Once a type shows a live outcome, the next one redraws none of those shown: the
        form that was sent is replaced by a fresh one with the alert, and the new outcome goes
        to the end of the list, out of band."""
        headers = {**HX, "HX-Target": "outcome-type-purchase"}

        def post(order):
            data = {
                "add-purchase-total": "12.50",
                "add-purchase-currency": "USD",
                "add-purchase-orderId": order,
            }
            return agent_client.post(create_url(conversation), data, headers=headers)

        first = post("FIRST-1")
        assert first.content.decode().strip().startswith('<div class="outcome-type"')
        assert "HX-Retarget" not in first.headers
        response = post("SECOND-2")
        html = response.content.decode()
        second = EngagementAttributeEvent.objects.latest("id")
        assert response.status_code == 200
        assert response.headers["HX-Retarget"] == "#outcome-add-purchase"
        assert response.headers["HX-Reswap"] == "outerHTML"
        assert html.strip().startswith('<div class="outcome-add-more" id="outcome-add-purchase">')
        assert "Saved." in html
        assert 'name="add-purchase-total"' in html  # the fresh form
        assert 'value="SECOND-2"' not in html
        oob = r'<ol hx-swap-oob="beforeend:#outcome-list-purchase">(.*)</ol>'
        added = re.search(oob, html, re.S)
        assert added is not None
        assert f'id="outcome-{second.pk}"' in added.group(1)
        assert "FIRST-1" not in html  # the outcome shown already is not drawn again
        page = agent_client.get(detail_url(conversation)).content.decode()
        assert 'id="outcome-list-purchase"' in page
        assert 'id="outcome-add-purchase"' in page

    def test_a_type_whose_outcomes_were_all_retracted_is_redrawn(
        self, agent_client, conversation, agent
    ):
        """The first live outcome changes the type's requirement badge: the whole type."""
        earlier = outcome_submit(
            conversation=conversation,
            attribute_type="lead",
            values={"topic": "Roof"},
            currency="USD",
            actor=agent,
            token=None,
            now=NOW,
        )
        EngagementAttributeEvent.objects.filter(pk=earlier.pk).update(retracted_at=NOW)
        data = {"add-lead-topic": "Solar", "add-lead-currency": "USD"}
        headers = {**HX, "HX-Target": "outcome-type-lead"}
        html = agent_client.post(create_url(conversation, "lead"), data, headers=headers)
        html = html.content.decode()
        assert html.strip().startswith('<div class="outcome-type" id="outcome-type-lead"')
        assert "Required before close: done" in html

    def test_a_repeated_token_does_not_add_the_outcome_twice(self, agent_client, conversation):
        headers = {**HX, "HX-Target": "outcome-type-purchase"}
        data = {"add-purchase-total": "1", "add-purchase-currency": "USD"}
        agent_client.post(create_url(conversation), data, headers=headers)
        token = "6b0f7e1c-3d2a-4c55-9a8e-0d1f2e3c4b5a"
        data = {**data, "add-purchase-token": token}
        assert "HX-Retarget" in agent_client.post(create_url(conversation), data, headers=headers)
        with time_machine.travel(NOW + timedelta(seconds=3), tick=False):  # the retry, later
            again = agent_client.post(create_url(conversation), data, headers=headers)
        assert again.status_code == 200
        assert "HX-Retarget" not in again.headers  # the type as it is, the outcome in it once
        assert again.content.decode().count('class="outcome"') == 2
        assert EngagementAttributeEvent.objects.count() == 2

    def test_every_outcome_form_targets_its_own_type(self, agent_client, conversation, agent):
        outcome_submit(
            conversation=conversation,
            attribute_type="purchase",
            values={"total": Decimal(3)},
            currency="USD",
            actor=agent,
            token=None,
            now=NOW,
        )
        html = agent_client.get(detail_url(conversation)).content.decode()
        forms = re.findall(r"<form [^>]*hx-post=[^>]*>", html)
        outcome_forms = [f for f in forms if "/outcomes/" in f or "/events/" in f]
        assert len(outcome_forms) >= 4  # add x2, no outcome, correct, retract
        assert all('hx-target="closest .outcome-type"' in f for f in outcome_forms)
        assert all("data-draft" in f for f in outcome_forms)

    def test_errors_come_back_in_the_type_with_the_typing(self, agent_client, conversation):
        data = {"add-lead-topic": "Roof", "add-lead-value": "12.3.4", "add-lead-currency": "USD"}
        headers = {**HX, "HX-Target": "outcome-type-lead"}
        response = agent_client.post(create_url(conversation, "lead"), data, headers=headers)
        html = response.content.decode()
        assert response.status_code == 422
        assert html.strip().startswith('<div class="outcome-type" id="outcome-type-lead"')
        assert 'value="Roof"' in html
        assert 'value="12.3.4"' in html
        assert not EngagementAttributeEvent.objects.exists()

    def test_the_type_fragment_costs_the_same_queries_whatever_was_reported(
        self, agent_client, conversation
    ):
        headers = {**HX, "HX-Target": "outcome-type-purchase"}

        def post(total):
            return agent_client.post(
                create_url(conversation),
                {"add-purchase-total": total, "add-purchase-currency": "USD"},
                headers=headers,
            )

        post("1")
        with CaptureQueriesContext(connection) as few:
            assert post("2").status_code == 200
        for total in ("3", "4", "5"):
            post(total)
        with CaptureQueriesContext(connection) as many:
            assert post("6").status_code == 200
        assert len(many.captured_queries) == len(few.captured_queries)

    def test_the_type_fragment_reads_its_own_type_alone(self, agent, conversation):
        """A submit's answer reads the outcomes of the type it redraws, not the others'."""
        for attribute_type, values in (("purchase", {"total": Decimal(3)}), ("lead", {})):
            outcome_submit(
                conversation=conversation,
                attribute_type=attribute_type,
                values={"topic": "Roof"} if attribute_type == "lead" else values,
                currency="USD",
                actor=agent,
                token=None,
                now=NOW,
            )
        whole = conversation_summary(agent, conversation, now=NOW, parts=("outcomes",))
        one = conversation_summary(agent, conversation, now=NOW, parts=("outcomes",), only="lead")
        assert [s.attribute_type for s in whole.sections] == ["purchase", "lead"]
        assert [s.attribute_type for s in one.sections] == ["lead"]
        assert [item.event.attribute_type for item in one.sections[0].items] == ["lead"]
        assert one.sections[0].required
        assert one.sections[0].can_add

    def test_required_badge_turns_to_done_once_reported(self, agent_client, conversation):
        html = agent_client.get(detail_url(conversation)).content.decode()
        assert "Required before close</span>" in html
        assert "Required before close: done" not in html
        data = {"add-lead-topic": "Roof", "add-lead-currency": "USD"}
        headers = {**HX, "HX-Target": "outcome-type-lead"}
        html = agent_client.post(create_url(conversation, "lead"), data, headers=headers)
        assert "Required before close: done" in html.content.decode()


@pytest.mark.usefixtures("two_types")
class TestABlockedClose:
    def test_htmx_gets_the_message_in_place_with_a_link_to_each_missing_item(
        self, agent_client, conversation
    ):
        response = agent_client.post(close_url(conversation), headers=HX)
        html = response.content.decode()
        assert response.status_code == 422
        assert "<html" not in html
        assert html.strip().startswith('<div id="close-status">')
        assert '<a href="#outcome-type-lead">Lead</a>' in html
        assert "data-focus-after-swap" in html

    def test_without_javascript_post_redirect_get(self, agent_client, conversation):
        response = agent_client.post(close_url(conversation))
        assert response.status_code == 302
        page = agent_client.get(response["Location"])
        assert page.status_code == 200
        assert '<a href="#outcome-type-lead">Lead</a>' in page.content.decode()

    def test_a_get_on_the_close_address_leads_to_the_conversation(self, agent_client, conversation):
        response = agent_client.get(close_url(conversation))
        assert response.status_code == 302
        assert response["Location"] == detail_url(conversation)

    def test_a_close_that_passes_reloads_the_page_for_htmx(self, agent_client, conversation):
        no_outcome = reverse("workspace:no-outcome-create", args=[conversation.pk, "lead"])
        agent_client.post(no_outcome, {}, headers=HX)
        response = agent_client.post(close_url(conversation), headers=HX)
        assert response["HX-Redirect"] == detail_url(conversation)
        conversation.refresh_from_db()
        assert conversation.ended_at == NOW

    def test_the_close_address_still_refuses_others(self, other_agent_client, conversation):
        assert other_agent_client.post(close_url(conversation), headers=HX).status_code == 404

    def test_the_close_address_needs_a_sign_in(self, client, conversation):
        response = client.get(close_url(conversation))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestSessionAndToken:
    def test_the_page_carries_no_baked_token_and_loads_the_script_that_reads_the_cookie(
        self, agent_client, conversation
    ):
        html = agent_client.get(detail_url(conversation)).content.decode()
        assert "hx-headers" not in html
        assert "js/keep_typing.js" in html
        assert 'data-status="signed-out"' in html
        assert 'data-status="csrf"' in html

    @pytest.mark.usefixtures("two_types")
    def test_a_refused_token_on_htmx_is_a_403_the_page_answers(self, agent, conversation):
        client = Client(enforce_csrf_checks=True)
        client.force_login(agent)
        data = {"add-purchase-total": "1", "add-purchase-currency": "USD"}
        headers = {**HX, "X-CSRFToken": "stale" * 8}
        response = client.post(create_url(conversation), data, headers=headers)
        assert response.status_code == 403
        assert "csrf-failure" in response["HX-Trigger"]
        assert response.content == b""
        plain = client.post(create_url(conversation), data)
        assert plain.status_code == 403
        assert "HX-Trigger" not in plain
        assert not EngagementAttributeEvent.objects.exists()

    @pytest.mark.usefixtures("two_types")
    def test_the_token_from_the_cookie_is_taken(self, agent, conversation):
        client = Client(enforce_csrf_checks=True)
        client.force_login(agent)
        client.get(detail_url(conversation))  # sets the csrftoken cookie, as a browser gets it
        token = client.cookies["csrftoken"].value
        data = {"add-purchase-total": "1", "add-purchase-currency": "USD"}
        response = client.post(create_url(conversation), data, headers={**HX, "X-CSRFToken": token})
        assert response.status_code == 200

    @pytest.mark.usefixtures("two_types")
    def test_an_expired_session_on_htmx_points_to_a_sign_in_that_comes_back(
        self, client, conversation
    ):
        headers = {**HX, "HX-Current-URL": f"http://testserver{detail_url(conversation)}"}
        response = client.post(create_url(conversation), {}, headers=headers)
        assert response["HX-Redirect"] == f"{reverse('login')}?next={detail_url(conversation)}"

    def test_widget_pages_are_not_kept_by_the_browser(self, agent_client, conversation):
        for headers in ({}, {**HX, "HX-Target": "summary-outcomes"}):
            response = agent_client.get(detail_url(conversation), headers=headers)
            assert "no-store" in response["Cache-Control"]
            assert "HX-Request" in response["Vary"]


class TestSurveyQuestions:
    @pytest.fixture
    def two_required(self, sales_skill):
        return agent_survey(
            skills=[sales_skill],
            questions=[
                ("Was the customer satisfied?", "single", True, ["Yes", "No"]),
                ("What did they buy?", "free_text", True, []),
                ("Notes", "free_text", False, []),
            ],
        )

    def test_every_unanswered_required_question_gets_its_message_at_once(
        self, agent_client, conversation, two_required
    ):
        url = reverse("workspace:survey-submit", args=[conversation.pk])
        data = {"survey-seen": 0, f"survey-q{two_required.questions.last().pk}": "typed"}
        response = agent_client.post(url, data, headers={**HX, "HX-Target": "summary-survey"})
        html = response.content.decode()
        assert response.status_code == 422
        assert html.count("Answer this question: it is required.") == 2
        assert "2 answers need your attention" in html
        assert "typed</textarea>" in html  # the note typed is kept
        assert not SurveyResponse.objects.exists()

    def test_the_form_leaves_checking_to_the_server(self, agent_client, conversation, two_required):
        html = agent_client.get(detail_url(conversation)).content.decode()
        assert re.search(r'<form [^>]*class="survey-form"[^>]*novalidate', html)


def test_another_agents_close_address_is_404_even_by_get(other_agent_client, agent, sales_skill):
    conversation = ConversationFactory(agent=agent, skill=sales_skill, started_at=NOW)
    # A GET only redirects; the conversation page it leads to is the one that refuses.
    response = other_agent_client.get(close_url(conversation), follow=True)
    assert response.status_code == 404
