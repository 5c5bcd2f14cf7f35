"""Close and transfer from the workspace; the one close rule with "No outcome"; the survey
confirmation step; the former agent's read-only access."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.catalogue import AttributeType
from tests.factories import AgentFactory, SkillFactory
from tests.workspace.conftest import NOW
from tests.workspace.factories import attribute_config
from workspace.models import Conversation, NoOutcome, Segment
from workspace.services.conversations import (
    CloseBlocked,
    CloseWay,
    close_blockers,
    conversation_close,
)
from workspace.services.outcomes import ActionRefused, no_outcome_choose, outcome_submit

pytestmark = pytest.mark.django_db


def report_purchase(conversation, agent):
    """The agent reports a purchase of 3 USD, now."""
    return outcome_submit(
        conversation=conversation,
        attribute_type=AttributeType.PURCHASE,
        values={"total": Decimal(3)},
        currency="USD",
        actor=agent,
        token=None,
        now=NOW,
    )


HX = {"HX-Request": "true", "HX-Target": "summary-outcomes"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def required_purchase(sales_skill):
    return attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)


def close_url(conversation):
    return reverse("workspace:conversation-close", args=[conversation.pk])


def transfer_url(conversation):
    return reverse("workspace:conversation-transfer", args=[conversation.pk])


class TestClose:
    def test_agent_closes_an_open_conversation(self, agent_client, conversation, detail_url):
        response = agent_client.post(close_url(conversation))
        assert response.status_code == 302
        conversation.refresh_from_db()
        assert conversation.ended_at == NOW
        assert conversation.segments.get().end_reason == Segment.EndReason.CLOSE
        html = agent_client.get(detail_url).content.decode()
        assert 'hx-trigger="every 5s"' not in html  # the transcript stops polling

    def test_required_outcome_blocks_closing_and_says_which(
        self, agent_client, conversation, required_purchase
    ):
        # Without JavaScript: post, redirect, get; the page says what the Close waits for.
        response = agent_client.post(close_url(conversation))
        assert response.status_code == 302
        assert response["Location"].endswith("?close=blocked#close-status")
        html = agent_client.get(response["Location"]).content.decode()
        assert '<a href="#outcome-type-purchase">Transaction</a>' in html
        conversation.refresh_from_db()
        assert conversation.ended_at is None
        # With htmx: 422 and the message alone, swapped in place.
        response = agent_client.post(close_url(conversation), headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 422
        assert html.strip().startswith('<div id="close-status">')
        assert '<a href="#outcome-type-purchase">Transaction</a>' in html

    def test_reporting_the_outcome_unblocks(
        self, agent_client, agent, conversation, required_purchase
    ):
        report_purchase(conversation, agent)
        assert agent_client.post(close_url(conversation)).status_code == 302

    def test_explicit_no_outcome_unblocks(self, agent_client, conversation, required_purchase):
        url = reverse("workspace:no-outcome-create", args=[conversation.pk, "purchase"])
        response = agent_client.post(url, {}, headers=HX)
        assert response.status_code == 200
        assert "“No outcome” chosen by" in response.content.decode()
        assert NoOutcome.objects.filter(conversation=conversation).exists()
        assert agent_client.post(close_url(conversation)).status_code == 302

    def test_the_no_outcome_flag_follows_the_choice_and_the_outcome_that_replaces_it(
        self, agent_client, agent, conversation, required_purchase
    ):
        url = reverse("workspace:conversation-detail", args=[conversation.pk])
        fragment = {**HX, "HX-Target": "summary-outcomes"}

        def no_outcome_reads() -> tuple[int, str]:
            with CaptureQueriesContext(connection) as queries:
                html = agent_client.get(url, headers=fragment).content.decode()
            return sum("workspace_nooutcome" in q["sql"] for q in queries.captured_queries), html

        assert no_outcome_reads()[0] == 0  # nobody chose "No outcome": nothing to read
        no_outcome_choose(
            conversation=conversation, attribute_type="purchase", actor=agent, now=NOW
        )
        conversation.refresh_from_db()
        assert conversation.has_no_outcome
        reads, html = no_outcome_reads()
        assert reads == 1
        assert "“No outcome” chosen by" in html
        report_purchase(conversation, agent)
        conversation.refresh_from_db()
        assert not conversation.has_no_outcome
        assert not NoOutcome.objects.filter(conversation=conversation).exists()
        reads, html = no_outcome_reads()
        assert reads == 0
        assert "“No outcome” chosen by" not in html

    def test_no_outcome_only_for_required_attributes(self, agent, conversation, purchase_config):
        with pytest.raises(ActionRefused):
            no_outcome_choose(
                conversation=conversation, attribute_type="purchase", actor=agent, now=NOW
            )

    def test_a_retracted_outcome_does_not_count(self, agent, conversation, required_purchase):
        from workspace.services.outcomes import outcome_retract

        event = report_purchase(conversation, agent)
        outcome_retract(event=event, version=1, actor=agent, reason="wrong", now=NOW)
        assert close_blockers(conversation).missing_outcomes == ["purchase"]

    def test_the_api_and_time_outs_end_it_anyway(self, conversation, required_purchase):
        conversation_close(conversation=conversation, actor=None, at=NOW, way=CloseWay.API)
        conversation.refresh_from_db()
        assert conversation.ended_at == NOW

    def test_the_service_refuses_an_agent_close(self, agent, conversation, required_purchase):
        with pytest.raises(CloseBlocked):
            conversation_close(conversation=conversation, actor=agent, at=NOW)

    def test_required_survey_unanswered_asks_for_confirmation_first(
        self, agent_client, conversation, survey
    ):
        response = agent_client.post(close_url(conversation))
        assert response["Location"].endswith("?close=confirm#close-status")
        html = agent_client.get(response["Location"]).content.decode()
        assert "required questions that are not answered" in html
        assert 'name="confirm"' in html
        response = agent_client.post(close_url(conversation), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert 'name="confirm"' in response.content.decode()
        conversation.refresh_from_db()
        assert conversation.ended_at is None
        response = agent_client.post(close_url(conversation), {"confirm": "on"})
        assert response.status_code == 302
        conversation.refresh_from_db()
        assert conversation.ended_at == NOW
        assert conversation.survey_acknowledged_missing

    @pytest.mark.parametrize(
        "persona",
        ["agent_manager_client", "admin_client"],
    )
    def test_managers_do_not_close_agents_conversations(self, request, persona, conversation):
        assert request.getfixturevalue(persona).post(close_url(conversation)).status_code == 403

    @pytest.mark.parametrize(
        "persona", ["other_agent_client", "campaign_manager_client", "other_manager_client"]
    )
    def test_others_get_404(self, request, persona, conversation):
        assert request.getfixturevalue(persona).post(close_url(conversation)).status_code == 404
        conversation.refresh_from_db()
        assert conversation.ended_at is None

    def test_anonymous_goes_to_login(self, client, conversation):
        assert client.post(close_url(conversation))["Location"].startswith(reverse("login"))


class TestTransfer:
    def test_transfer_to_another_agent_records_a_segment(
        self, agent_client, agent, other_agent, conversation
    ):
        response = agent_client.post(transfer_url(conversation), {"agent": other_agent.pk})
        assert response.status_code == 302
        conversation.refresh_from_db()
        assert conversation.agent == other_agent
        first, second = conversation.segments.order_by("id")
        assert (first.agent, first.end_reason) == (agent, Segment.EndReason.TRANSFER)
        assert (second.agent, second.ended_at) == (other_agent, None)

    def test_transfer_to_the_same_agent_and_skill_is_an_error(self, agent_client, conversation):
        response = agent_client.post(transfer_url(conversation), {})
        assert response.status_code == 422
        assert "Choose another agent or another skill" in response.content.decode()
        assert conversation.segments.count() == 1

    def test_former_agent_keeps_read_only_access_to_what_they_reported(
        self, agent_client, agent, other_agent, conversation, purchase_config
    ):
        event = outcome_submit(
            conversation=conversation,
            attribute_type="purchase",
            values={"orderId": "MINE-1"},
            currency="USD",
            actor=agent,
            token=None,
            now=NOW,
        )
        agent_client.post(transfer_url(conversation), {"agent": other_agent.pk})
        detail = reverse("workspace:conversation-detail", args=[conversation.pk])
        html = agent_client.get(detail).content.decode()
        assert "MINE-1" in html
        assert "no longer change it" in html
        assert reverse("workspace:outcome-update", args=[conversation.pk, event.pk]) not in html
        assert close_url(conversation) not in html
        create = reverse("workspace:outcome-create", args=[conversation.pk, "purchase"])
        response = agent_client.post(create, {"add-purchase-orderId": "X"}, headers=HX)
        assert response.status_code == 403
        assert conversation.events.count() == 1

    def test_new_agent_sees_what_applies_to_the_new_skill(
        self, agent_client, conversation, purchase_config
    ):
        support = SkillFactory(name="Support")
        attribute_config(AttributeType.SERVICE, skills=[support])
        newcomer = AgentFactory(skills=[support])
        agent_client.post(transfer_url(conversation), {"agent": newcomer.pk, "skill": support.pk})
        conversation = Conversation.objects.get(pk=conversation.pk)
        assert conversation.skill == support
        agent_client.force_login(newcomer)
        html = agent_client.get(
            reverse("workspace:conversation-detail", args=[conversation.pk])
        ).content.decode()
        assert 'name="add-service-status"' in html
        assert 'name="add-purchase-total"' not in html

    def test_other_agent_cannot_transfer(self, other_agent_client, conversation, other_agent):
        response = other_agent_client.post(transfer_url(conversation), {"agent": other_agent.pk})
        assert response.status_code == 404

    def test_closed_conversation_cannot_be_transferred(
        self, agent_client, other_agent, closed_conversation
    ):
        response = agent_client.post(transfer_url(closed_conversation), {"agent": other_agent.pk})
        assert response.status_code == 403


def test_missing_required_outcome_after_the_window_is_derived_not_reported(
    agent, sales_skill, required_purchase
):
    from tests.factories import ConversationFactory
    from workspace.selectors.pending import pending_flags_set

    ended = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=NOW - timedelta(hours=2), ended_at=NOW
    )
    pending_flags_set([ended], now=NOW + timedelta(minutes=29))
    assert ended.pending_outcomes == ["purchase"]
    pending_flags_set([ended], now=NOW + timedelta(minutes=30))
    assert ended.pending_outcomes == []
    assert close_blockers(ended).missing_outcomes == ["purchase"]
