"""Correct, amend, retract: versions with history, windows, concurrency and double submits."""

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from campaigns.catalogue import AttributeType
from campaigns.models import AccountSettings, AuditEntry
from tests.factories import ConversationFactory
from tests.workspace.conftest import NOW
from workspace.models import EngagementAttributeEvent, EventRevision, EventSource
from workspace.services.outcomes import (
    ActionRefused,
    StaleVersion,
    outcome_amend,
    outcome_correct,
    outcome_retract,
    outcome_submit,
)

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true", "HX-Target": "summary-outcomes"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(user):
    """A fresh sign-in at the current (frozen) time: a jump of hours ends older sessions."""
    client = Client()
    client.force_login(user)
    return client


def submit(conversation, actor, *, total="100", order="ORD-1", now=NOW, token=None, reason=""):
    return outcome_submit(
        conversation=conversation,
        attribute_type=AttributeType.PURCHASE,
        values={"total": Decimal(total), "orderId": order},
        currency="USD",
        actor=actor,
        token=token,
        now=now,
        reason=reason,
    )


@pytest.fixture
def event(conversation, agent, purchase_config):
    return submit(conversation, agent)


def edit_data(event, total, *, version=None, reason=None, currency="USD"):
    data = {
        f"edit-{event.pk}-total": total,
        f"edit-{event.pk}-currency": currency,
        f"edit-{event.pk}-orderId": event.action_id,
        f"edit-{event.pk}-version": version or event.version,
    }
    if reason is not None:
        data[f"edit-{event.pk}-reason"] = reason
    return data


def edit_url(event):
    return reverse("workspace:outcome-update", args=[event.conversation_id, event.pk])


def retract_url(event):
    return reverse("workspace:outcome-retract", args=[event.conversation_id, event.pk])


class TestProvenance:
    def test_submit_records_source_reporter_agent_skill_and_times(
        self, conversation, agent, sales_skill, purchase_config
    ):
        event = submit(conversation, agent, total="11.7")
        assert event.source == EventSource.AGENT_WIDGET
        assert (event.reported_by, event.agent, event.skill) == (agent, agent, sales_skill)
        assert event.occurred_at == event.received_at == NOW
        assert event.visitor_id == conversation.visitor_id
        event.refresh_from_db()
        assert event.amount == Decimal("11.7")
        assert event.currency == "USD"
        assert event.dedupe_key == "purchase:ord-1"
        assert event.payload == {
            "type": "purchase",
            "total": "11.7",
            "orderId": "ORD-1",
            "currency": "USD",
        }
        assert event.display_names == {"total": "Order total", "orderId": "Order number"}
        revision = event.revisions.get()
        assert (revision.kind, revision.version, revision.changed_by) == ("create", 1, agent)
        assert AuditEntry.objects.filter(action="outcome.create", object_id=str(event.pk)).exists()

    def test_submit_touches_the_data_indicator(self, conversation, agent, purchase_config):
        from campaigns.models import AttributeActivity

        submit(conversation, agent)
        assert AttributeActivity.objects.get(attribute_type="purchase").last_reported_at == NOW

    def test_agent_skill_stay_as_they_were_after_a_transfer(
        self, conversation, agent, other_agent, sales_skill, purchase_config
    ):
        from workspace.services.conversations import conversation_transfer

        event = submit(conversation, agent)
        conversation_transfer(
            conversation=conversation, actor=agent, at=NOW, agent=other_agent, skill=None
        )
        event.refresh_from_db()
        assert event.agent == agent


class TestDoubleSubmit:
    def test_same_token_creates_one_event(self, conversation, agent, purchase_config):
        token = uuid4()
        first = submit(conversation, agent, token=token)
        second = submit(conversation, agent, token=token, total="999")
        assert first.pk == second.pk
        assert EngagementAttributeEvent.objects.count() == 1

    def test_a_token_replayed_on_another_conversation_is_refused(
        self, conversation, agent, sales_skill, purchase_config
    ):
        token = uuid4()
        submit(conversation, agent, token=token)
        other = ConversationFactory(agent=agent, skill=sales_skill, started_at=NOW)
        with pytest.raises(ActionRefused) as refused:
            submit(other, agent, token=token, order="ORD-2")
        assert refused.value.code == ActionRefused.NOT_FOUND
        assert EngagementAttributeEvent.objects.count() == 1
        assert not other.events.exists()

    def test_double_post_of_the_form_creates_one_event(
        self, agent_client, create_url, purchase_config
    ):
        data = {
            "add-purchase-total": "5",
            "add-purchase-currency": "USD",
            "add-purchase-orderId": "DBL",
            "add-purchase-token": str(uuid4()),
        }
        with time_machine.travel(NOW, tick=False):
            assert agent_client.post(create_url(), data, headers=HX).status_code == 200
            assert agent_client.post(create_url(), data, headers=HX).status_code == 200
        assert EngagementAttributeEvent.objects.count() == 1

    def test_form_carries_a_fresh_token(self, agent_client, detail_url, purchase_config):
        html = agent_client.get(detail_url).content.decode()
        assert 'name="add-purchase-token" value="' in html


class TestCorrect:
    def test_agent_corrects_own_outcome_in_the_window_with_history(
        self, agent_client, event, detail_url
    ):
        response = agent_client.post(edit_url(event), edit_data(event, "120"), headers=HX)
        assert response.status_code == 200
        event.refresh_from_db()
        assert (event.version, event.amount) == (2, Decimal(120))
        revision = event.revisions.get(version=2)
        assert revision.kind == EventRevision.Kind.CORRECT
        assert (revision.before["total"], revision.after["total"]) == ("100.00", "120")
        html = agent_client.get(detail_url).content.decode()
        assert "Corrected" in html
        assert "<del>$100.00</del>" in html
        assert "<ins>$120.00</ins>" in html

    def test_bad_correction_saves_nothing_and_keeps_typed_value(self, agent_client, event):
        with time_machine.travel(NOW, tick=False):
            response = agent_client.post(edit_url(event), edit_data(event, "-3"), headers=HX)
        assert response.status_code == 422
        assert 'value="-3"' in response.content.decode()
        event.refresh_from_db()
        assert event.version == 1

    def test_stale_version_is_a_conflict_with_current_values(self, agent_client, event, agent):
        outcome_correct(
            event=event,
            values={"total": Decimal(150), "orderId": "ORD-1"},
            currency="USD",
            version=1,
            actor=agent,
            now=NOW,
        )
        with time_machine.travel(NOW, tick=False):
            response = agent_client.post(
                edit_url(event), edit_data(event, "175", version=1), headers=HX
            )
        html = response.content.decode()
        assert response.status_code == 409
        assert "Someone else changed this" in html
        assert "$150.00" in html
        event.refresh_from_db()
        assert (event.version, event.amount) == (2, Decimal(150))

    def test_the_same_correction_sent_twice_makes_one_version(self, event, agent):
        for _ in range(2):
            outcome_correct(
                event=event,
                values={"total": Decimal(130), "orderId": "ORD-1"},
                currency="USD",
                version=1,
                actor=agent,
                now=NOW,
            )
        assert event.revisions.count() == 2

    def test_agent_cannot_correct_someone_elses_outcome(
        self, event, agent_manager, agent, conversation
    ):
        mine = submit(conversation, agent_manager, order="M-1", reason="on behalf")
        with pytest.raises(ActionRefused):
            outcome_correct(
                event=mine,
                values={"total": Decimal(1)},
                currency="USD",
                version=1,
                actor=agent,
                now=NOW,
            )

    def test_customer_reported_events_cannot_be_edited(self, agent_client, conversation):
        from tests.workspace.factories import CustomerEventFactory, attribute_config

        attribute_config(AttributeType.PURCHASE, skills=[conversation.skill])
        theirs = CustomerEventFactory(conversation=conversation, amount=5, currency="USD")
        with time_machine.travel(NOW, tick=False):
            response = agent_client.post(edit_url(theirs), edit_data(theirs, "1"), headers=HX)
        assert response.status_code == 403
        theirs.refresh_from_db()
        assert theirs.version == 1


class TestWindow:
    @pytest.fixture
    def ended(self, agent, sales_skill, purchase_config):
        return ConversationFactory(
            agent=agent,
            skill=sales_skill,
            started_at=NOW - timedelta(minutes=40),
            ended_at=NOW - timedelta(minutes=10),
        )

    def test_just_inside_the_window_the_agent_may_submit(self, ended, agent):
        closes = ended.ended_at + timedelta(minutes=30)
        assert submit(ended, agent, now=closes - timedelta(seconds=1)).pk

    def test_just_outside_the_window_the_agent_is_refused(self, ended, agent):
        closes = ended.ended_at + timedelta(minutes=30)
        with pytest.raises(ActionRefused) as refused:
            submit(ended, agent, now=closes)
        assert refused.value.code == ActionRefused.CLOSED
        assert not EngagementAttributeEvent.objects.exists()

    def test_window_follows_the_account_setting(self, ended, agent):
        account = AccountSettings.load()
        account.agent_outcome_window_minutes = 120
        account.save()
        assert submit(ended, agent, now=ended.ended_at + timedelta(minutes=119)).pk

    def test_page_is_read_only_after_the_window_with_a_line_saying_why(self, agent, ended):
        event = submit(ended, agent, now=ended.ended_at)
        url = reverse("workspace:conversation-detail", args=[ended.pk])
        with time_machine.travel(ended.ended_at + timedelta(minutes=29, seconds=59), tick=False):
            html = signed_in(agent).get(url).content.decode()
            assert edit_url(event) in html
            assert "You can report outcomes until" in html
        with time_machine.travel(ended.ended_at + timedelta(minutes=30), tick=False):
            html = signed_in(agent).get(url).content.decode()
        assert edit_url(event) not in html
        assert "Reporting closed at" in html
        assert "Add another transaction" not in html

    def test_manager_amends_after_the_window_with_a_reason(self, agent_manager, agent, ended):
        event = submit(ended, agent, now=ended.ended_at)
        later = ended.ended_at + timedelta(days=2)
        with time_machine.travel(later, tick=False):
            response = signed_in(agent_manager).post(
                edit_url(event), edit_data(event, "90", reason="Refund agreed"), headers=HX
            )
        assert response.status_code == 200
        event.refresh_from_db()
        revision = event.revisions.get(version=2)
        assert (revision.kind, revision.changed_by, revision.reason) == (
            "amend",
            agent_manager,
            "Refund agreed",
        )
        assert event.reported_by == agent
        assert event.agent == agent
        assert "History (2 versions)" in response.content.decode()
        history = reverse("workspace:outcome-part", args=[ended.pk, event.pk, "history"])
        with time_machine.travel(later, tick=False):
            panel = signed_in(agent_manager).get(history, headers=HX).content.decode()
        assert "Amended" in panel
        assert "Refund agreed" in panel

    def test_manager_amend_without_reason_is_refused(self, agent_manager, agent, ended):
        event = submit(ended, agent, now=ended.ended_at)
        with pytest.raises(ValidationError):
            outcome_amend(
                event=event,
                values={"total": Decimal(1)},
                currency="USD",
                version=1,
                actor=agent_manager,
                reason=" ",
                now=NOW,
            )
        event.refresh_from_db()
        assert event.version == 1


class TestRetract:
    def test_agent_retracts_own_outcome_with_a_reason(self, agent_client, event, detail_url):
        data = {f"retract-{event.pk}-version": 1, f"retract-{event.pk}-reason": "Wrong chat"}
        with time_machine.travel(NOW, tick=False):
            response = agent_client.post(retract_url(event), data, headers=HX)
        assert response.status_code == 200
        event.refresh_from_db()
        assert event.retracted_at == NOW
        assert event.retract_reason == "Wrong chat"
        assert event.revisions.get(version=2).kind == "retract"
        html = agent_client.get(detail_url).content.decode()
        assert "Retracted" in html
        assert "Wrong chat" in html

    def test_retract_needs_a_reason(self, agent_client, event):
        data = {f"retract-{event.pk}-version": 1, f"retract-{event.pk}-reason": ""}
        with time_machine.travel(NOW, tick=False):
            response = agent_client.post(retract_url(event), data, headers=HX)
        assert response.status_code == 422
        event.refresh_from_db()
        assert event.retracted_at is None

    def test_retract_with_a_stale_version_is_a_conflict(self, event, agent):
        outcome_correct(
            event=event,
            values={"total": Decimal(1), "orderId": "X"},
            currency="USD",
            version=1,
            actor=agent,
            now=NOW,
        )
        with pytest.raises(StaleVersion):
            outcome_retract(event=event, version=1, actor=agent, reason="oops", now=NOW)

    def test_other_agent_cannot_retract(self, other_agent_client, event):
        data = {f"retract-{event.pk}-version": 1, f"retract-{event.pk}-reason": "mine now"}
        response = other_agent_client.post(retract_url(event), data, headers=HX)
        assert response.status_code == 404
        event.refresh_from_db()
        assert event.retracted_at is None

    def test_manager_of_another_group_cannot_retract(self, other_manager_client, event):
        data = {f"retract-{event.pk}-version": 1, f"retract-{event.pk}-reason": "no"}
        assert other_manager_client.post(retract_url(event), data).status_code == 404

    def test_retracting_twice_is_one_retraction(self, event, agent):
        outcome_retract(event=event, version=1, actor=agent, reason="a", now=NOW)
        outcome_retract(event=event, version=1, actor=agent, reason="b", now=NOW)
        assert event.revisions.count() == 2
