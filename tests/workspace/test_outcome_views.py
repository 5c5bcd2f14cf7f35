"""Posting outcomes from the widget: roles, htmx fragment or redirect, bad input, tampering."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from campaigns.catalogue import AttributeType
from tests.factories import ConversationFactory
from tests.workspace.conftest import NOW
from workspace.models import EngagementAttributeEvent, EventSource

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Target": "summary-outcomes"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def purchase(total="11.70", currency="USD", order="ORD-1", **extra):
    data = {
        "add-purchase-total": total,
        "add-purchase-currency": currency,
        "add-purchase-orderId": order,
    }
    return data | {f"add-purchase-{k}": v for k, v in extra.items()}


@pytest.mark.usefixtures("purchase_config")
class TestRoles:
    def test_agent_submits_and_gets_the_fragment_only(self, agent_client, create_url):
        response = agent_client.post(create_url(), purchase(), headers=HX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert html.strip().startswith('<section id="summary-outcomes"')
        event = EngagementAttributeEvent.objects.get()
        assert event.source == EventSource.AGENT_WIDGET

    def test_without_javascript_the_post_redirects_to_the_page(self, agent_client, create_url):
        response = agent_client.post(create_url(), purchase())
        assert response.status_code == 302
        assert response["Location"].endswith("#outcome-type-purchase")  # where it was reported
        assert EngagementAttributeEvent.objects.count() == 1

    def test_agent_manager_of_the_group_submits_on_behalf_with_a_reason(
        self, agent_manager_client, agent_manager, agent, create_url
    ):
        response = agent_manager_client.post(
            create_url(), purchase(reason="Agent asked me to"), headers=HX
        )
        assert response.status_code == 200
        event = EngagementAttributeEvent.objects.get()
        assert event.source == EventSource.MANAGER
        assert event.reported_by == agent_manager
        assert event.agent == agent  # the credit stays with the agent

    def test_manager_without_reason_gets_an_inline_error(self, agent_manager_client, create_url):
        response = agent_manager_client.post(create_url(), purchase(), headers=HX)
        assert response.status_code == 422
        assert 'id="id_add-purchase-reason_error"' in response.content.decode()
        assert not EngagementAttributeEvent.objects.exists()

    def test_admin_submits_on_behalf(self, admin_client, create_url):
        response = admin_client.post(create_url(), purchase(reason="Back office fix"), headers=HX)
        assert response.status_code == 200
        assert EngagementAttributeEvent.objects.get().source == EventSource.MANAGER

    def test_anonymous_goes_to_login(self, client, create_url):
        response = client.post(create_url(), purchase())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_anonymous_htmx_gets_hx_redirect(self, client, create_url):
        response = client.post(create_url(), purchase(), headers=HX)
        assert response["HX-Redirect"].startswith(reverse("login"))
        assert not EngagementAttributeEvent.objects.exists()

    @pytest.mark.parametrize(
        "persona", ["campaign_manager_client", "other_agent_client", "other_manager_client"]
    )
    def test_others_get_404_and_nothing_is_saved(self, request, persona, create_url):
        client = request.getfixturevalue(persona)
        response = client.post(create_url(), purchase(reason="x"), headers=HX)
        assert response.status_code == 404
        assert not EngagementAttributeEvent.objects.exists()

    def test_get_is_not_allowed(self, agent_client, create_url):
        assert agent_client.get(create_url()).status_code == 405


@pytest.mark.usefixtures("purchase_config")
class TestPageRoles:
    def test_agent_sees_the_page(self, agent_client, detail_url):
        assert agent_client.get(detail_url).status_code == 200

    @pytest.mark.parametrize("persona", ["agent_manager_client", "admin_client"])
    def test_manager_and_admin_see_it_and_act_on_behalf(self, request, persona, detail_url):
        html = request.getfixturevalue(persona).get(detail_url).content.decode()
        assert "Submit on behalf" in html
        assert "every change needs a reason" in html

    @pytest.mark.parametrize(
        "persona", ["campaign_manager_client", "other_agent_client", "other_manager_client"]
    )
    def test_others_get_404(self, request, persona, detail_url):
        assert request.getfixturevalue(persona).get(detail_url).status_code == 404

    def test_anonymous_goes_to_login(self, client, detail_url):
        assert client.get(detail_url)["Location"].startswith(reverse("login"))

    def test_htmx_get_of_a_section_returns_that_fragment(self, agent_client, detail_url):
        response = agent_client.get(detail_url, headers=HX)
        html = response.content.decode()
        assert "<html" not in html
        assert html.strip().startswith('<section id="summary-outcomes"')


@pytest.mark.usefixtures("purchase_config")
class TestBadInput:
    @pytest.mark.parametrize(
        ("total", "currency", "message"),
        [
            ("-5", "USD", "zero or more"),
            ("NaN", "USD", "plain number"),
            ("1e9999", "USD", "plain number"),
            ("1_000", "USD", "plain number"),
            ("\uff11\uff12", "USD", "plain number"),
            ("12.345", "USD", "at most 2 decimals"),
            ("1.5", "JPY", "no decimals"),
            ("99999999999999", "USD", "too large"),
        ],
    )
    def test_bad_amounts_are_refused_inline_with_typed_values_kept(
        self, agent_client, create_url, total, currency, message
    ):
        response = agent_client.post(create_url(), purchase(total, currency), headers=HX)
        html = response.content.decode()
        assert response.status_code == 422
        assert message in html
        assert f'value="{total}"' in html
        assert 'aria-describedby="id_add-purchase-total_error"' in html
        assert 'aria-invalid="true"' in html
        assert not EngagementAttributeEvent.objects.exists()

    def test_unknown_currency_is_refused(self, agent_client, create_url):
        response = agent_client.post(create_url(), purchase(currency="XYZ"), headers=HX)
        assert response.status_code == 422
        assert not EngagementAttributeEvent.objects.exists()

    def test_over_long_text_is_refused(self, agent_client, create_url):
        response = agent_client.post(create_url(), purchase(order="x" * 101), headers=HX)
        assert response.status_code == 422
        assert "at most 100 characters" in response.content.decode()
        assert not EngagementAttributeEvent.objects.exists()

    def test_a_status_not_in_the_list_is_refused_next_to_the_field(
        self, agent_client, create_url, service_config
    ):
        data = {"add-service-topic": "Refund", "add-service-status": "99"}
        response = agent_client.post(create_url(AttributeType.SERVICE), data, headers=HX)
        html = response.content.decode()
        assert response.status_code == 422
        assert "Select a valid choice" in html
        assert 'aria-describedby="id_add-service-status_error"' in html
        assert not EngagementAttributeEvent.objects.exists()

    def test_an_empty_form_is_refused(self, agent_client, create_url):
        response = agent_client.post(create_url(), purchase(total="", order=""), headers=HX)
        assert response.status_code == 422
        assert "Fill in at least one field" in response.content.decode()

    def test_without_javascript_errors_render_the_whole_page(self, agent_client, create_url):
        response = agent_client.post(create_url(), purchase(total="-1"))
        html = response.content.decode()
        assert response.status_code == 422
        assert "<html" in html
        assert "zero or more" in html

    @pytest.mark.parametrize("text", ["<script>alert(1)</script>", "{{ 7|add:1 }}{% now 'Y' %}"])
    def test_html_and_template_syntax_are_stored_as_typed_and_shown_escaped(
        self, agent_client, create_url, detail_url, text
    ):
        agent_client.post(create_url(), purchase(order=text[:100]), headers=HX)
        assert EngagementAttributeEvent.objects.get().action_id == text[:100]
        html = agent_client.get(detail_url).content.decode()
        assert "<script>alert(1)</script>" not in html
        if text.startswith("<"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        else:
            assert "{{ 7|add:1 }}" in html


class TestTampering:
    def test_attribute_not_enabled_for_the_skill_is_404(
        self, agent_client, create_url, purchase_config
    ):
        response = agent_client.post(
            create_url(AttributeType.LEAD), {"add-lead-topic": "x"}, headers=HX
        )
        assert response.status_code == 404
        assert not EngagementAttributeEvent.objects.exists()

    def test_fields_not_configured_are_ignored(self, agent_client, create_url, sales_skill):
        from tests.workspace.factories import attribute_config

        attribute_config(AttributeType.PURCHASE, skills=[sales_skill], fields=[("total", "Total")])
        agent_client.post(create_url(), purchase(order="SNEAKY"), headers=HX)
        assert EngagementAttributeEvent.objects.get().action_id == ""

    def test_the_service_stores_only_the_configured_fields(self, conversation, agent, sales_skill):
        from tests.workspace.factories import attribute_config
        from workspace.services.outcomes import outcome_submit

        attribute_config(AttributeType.PURCHASE, skills=[sales_skill], fields=[("total", "Total")])
        event = outcome_submit(
            conversation=conversation,
            attribute_type=AttributeType.PURCHASE,
            values={"total": Decimal("5.00"), "orderId": "SNEAKY"},
            currency="EUR",
            actor=agent,
            token=None,
            now=NOW,
        )
        event.refresh_from_db()
        assert (event.amount, event.currency, event.action_id) == (Decimal("5.00"), "EUR", "")
        assert event.payload == {"type": "purchase", "total": "5.00", "currency": "EUR"}

    def test_another_agents_conversation_is_404(self, agent_client, other_agent, purchase_config):
        theirs = ConversationFactory(agent=other_agent, skill=purchase_config.skills.first())
        url = reverse("workspace:outcome-create", args=[theirs.pk, AttributeType.PURCHASE])
        assert agent_client.post(url, purchase(), headers=HX).status_code == 404
        assert not EngagementAttributeEvent.objects.exists()

    def test_closed_window_is_refused_with_the_read_only_section(
        self, agent_client, agent, sales_skill, purchase_config
    ):
        old = ConversationFactory(
            agent=agent,
            skill=sales_skill,
            started_at=NOW - timedelta(hours=2),
            ended_at=NOW - timedelta(hours=1),
        )
        url = reverse("workspace:outcome-create", args=[old.pk, AttributeType.PURCHASE])
        response = agent_client.post(url, purchase(), headers=HX)
        html = response.content.decode()
        assert response.status_code == 409
        assert "Reporting closed at" in html
        assert "Nothing was saved" in html
        assert not EngagementAttributeEvent.objects.exists()
