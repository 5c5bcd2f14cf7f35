"""Workspace list badges, the Customer-reported data panel, and constant query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.catalogue import AttributeType, ServiceStatus
from tests.factories import ConversationFactory
from tests.workspace.conftest import NOW
from tests.workspace.factories import CustomerEventFactory, agent_survey, attribute_config
from workspace.services.outcomes import outcome_correct, outcome_submit
from workspace.services.surveys import survey_submit

pytestmark = pytest.mark.django_db
LIST = "workspace:conversation-list"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def closed(agent, skill, minutes_ago):
    return ConversationFactory(
        agent=agent,
        skill=skill,
        started_at=NOW - timedelta(minutes=minutes_ago + 10),
        ended_at=NOW - timedelta(minutes=minutes_ago),
    )


class TestBadges:
    def test_required_outcome_pending_while_the_window_is_open(
        self, agent_client, agent, sales_skill
    ):
        attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)
        recent = closed(agent, sales_skill, 5)
        old = closed(agent, sales_skill, 45)
        response = agent_client.get(reverse(LIST))
        rows = {c.pk: c for c in response.context["page"]}
        assert rows[recent.pk].pending_outcomes == ["purchase"]
        assert rows[old.pk].pending_outcomes == []
        assert response.content.decode().count("Outcome pending") == 1

    def test_reported_outcome_clears_the_badge(self, agent_client, agent, sales_skill):
        attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)
        recent = closed(agent, sales_skill, 5)
        outcome_submit(
            conversation=recent,
            attribute_type="purchase",
            values={"total": Decimal(1)},
            currency="USD",
            actor=agent,
            token=None,
            now=NOW,
        )
        assert "Outcome pending" not in agent_client.get(reverse(LIST)).content.decode()

    def test_required_survey_pending_until_answered(self, agent_client, agent, sales_skill):
        survey = agent_survey(skills=[sales_skill])
        recent = closed(agent, sales_skill, 5)
        assert "Survey pending" in agent_client.get(reverse(LIST)).content.decode()
        first = survey.questions.all()[0]
        survey_submit(
            conversation=recent,
            answers={first.pk: str(first.options.all()[0].pk)},
            actor=agent,
            token=None,
            now=NOW,
        )
        assert "Survey pending" not in agent_client.get(reverse(LIST)).content.decode()

    def test_optional_survey_gives_no_badge(self, agent_client, agent, sales_skill):
        agent_survey(skills=[sales_skill], questions=[("Notes", "free_text", False, [])])
        closed(agent, sales_skill, 5)
        assert "Survey pending" not in agent_client.get(reverse(LIST)).content.decode()

    def test_list_queries_do_not_grow_with_conversations(
        self, agent_client, agent, sales_skill, django_assert_max_num_queries
    ):
        attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)
        agent_survey(skills=[sales_skill])
        closed(agent, sales_skill, 5)
        with django_assert_max_num_queries(40) as few:
            agent_client.get(reverse(LIST))
        for minutes in range(1, 20):
            closed(agent, sales_skill, minutes)
            ConversationFactory(agent=agent, skill=None, started_at=NOW)
        with django_assert_max_num_queries(len(few.captured_queries)):
            agent_client.get(reverse(LIST))


class TestCustomerReportedPanel:
    def test_lists_server_api_events_read_only_with_connector_and_times(
        self, agent_client, conversation, detail_url
    ):
        CustomerEventFactory(
            conversation=conversation,
            attribute_type=AttributeType.PURCHASE,
            amount=Decimal("11.70"),
            currency="EUR",
            action_id="DRV1534XC",
            connector__name="Web shop",
            payload={
                "type": "purchase",
                "total": "11.70",
                "currency": "EUR",
                "orderId": "DRV1534XC",
            },
        )
        CustomerEventFactory(
            conversation=conversation,
            attribute_type=AttributeType.CUSTOMER_INFO,
            connector__name="CRM",
            payload={"type": "ctmrinfo", "info": {"customerId": "C-9", "ctype": "<b>vip</b>"}},
        )
        html = agent_client.get(detail_url).content.decode()
        panel = html[html.index('id="customer-data-title"') :]
        panel = panel[: panel.index("</section>")]
        assert "Transaction" in panel
        assert "€11.70" in panel
        assert "DRV1534XC" in panel
        assert "Web shop" in panel
        assert "Customer info" in panel
        assert "info.customerId" in panel
        assert "&lt;b&gt;vip&lt;/b&gt;" in panel
        assert "Server API" in panel
        assert "Reported" in panel
        assert "Received" in panel
        assert "<form" not in panel
        assert (
            "DRV1534XC" not in html[html.index('id="conversation-summary"') :]
            if ('id="conversation-summary"' in html)
            else True
        )

    def test_agent_reported_events_are_not_in_the_panel(
        self, agent_client, agent, conversation, detail_url, purchase_config
    ):
        outcome_submit(
            conversation=conversation,
            attribute_type="purchase",
            values={"orderId": "AGENT-ONLY"},
            currency="USD",
            actor=agent,
            token=None,
            now=NOW,
        )
        html = agent_client.get(detail_url).content.decode()
        panel = html[html.index('id="customer-data-title"') :]
        panel = panel[: panel.index("</section>")]
        assert "AGENT-ONLY" not in panel
        assert "No customer-reported data" in panel

    def test_panel_queries_do_not_grow_with_events(
        self, agent_client, conversation, detail_url, django_assert_num_queries
    ):
        CustomerEventFactory(conversation=conversation)
        agent_client.get(detail_url)
        with CaptureQueriesContext(connection) as first:
            agent_client.get(detail_url)
        CustomerEventFactory.create_batch(5, conversation=conversation)
        with django_assert_num_queries(len(first.captured_queries)):
            agent_client.get(detail_url)


def _fill(conversation, agent, survey, n):
    first = survey.questions.all()[0]
    for i in range(n):
        for attribute_type, values in (
            ("purchase", {"total": Decimal(10 + i), "orderId": f"O-{i}"}),
            ("lead", {"topic": "T", "value": Decimal(5), "leadId": f"L-{i}"}),
            ("service", {"topic": "S", "status": ServiceStatus.PENDING, "serviceId": f"S-{i}"}),
        ):
            event = outcome_submit(
                conversation=conversation,
                attribute_type=attribute_type,
                values=values,
                currency="USD",
                actor=agent,
                token=None,
                now=NOW,
            )
            if attribute_type == "purchase":
                outcome_correct(
                    event=event,
                    values={**values, "total": Decimal(99)},
                    currency="EUR",
                    version=1,
                    actor=agent,
                    now=NOW,
                )
        survey_submit(
            conversation=conversation,
            answers={first.pk: str(first.options.all()[0].pk)},
            actor=agent,
            token=None,
            now=NOW,
        )


@pytest.mark.usefixtures("purchase_config", "lead_config", "service_config")
@pytest.mark.parametrize("target", [None, "summary-outcomes", "summary-survey"])
def test_widget_queries_are_constant_in_outcomes_and_questions(
    agent_client, agent, conversation, survey, detail_url, target, django_assert_num_queries
):
    headers = {"HX-Request": "true", "HX-Target": target} if target else {}
    _fill(conversation, agent, survey, 1)
    agent_client.get(detail_url, headers=headers)
    with CaptureQueriesContext(connection) as first:
        agent_client.get(detail_url, headers=headers)
    expected = len(first.captured_queries)  # read now: the list is a view of the live log
    _fill(conversation, agent, survey, 4)
    from campaigns.models import SurveyQuestion

    for position in range(3, 8):
        SurveyQuestion.objects.create(
            survey=survey, position=position, text=f"Extra {position}", kind="free_text"
        )
    agent_client.get(detail_url, headers=headers)  # the changed survey is read once, then kept
    with django_assert_num_queries(expected):
        response = agent_client.get(detail_url, headers=headers)
    assert response.status_code == 200
    if target:
        assert "<html" not in response.content.decode()
