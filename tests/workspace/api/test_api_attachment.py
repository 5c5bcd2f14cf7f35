"""Where customer-reported events go: the conversation open at their time or ended within the
12 hours before it, else the visitor; credited to the agent and skill assigned at that time."""

from datetime import timedelta

import pytest

from tests.factories import AgentFactory, ConversationFactory, SkillFactory, VisitorFactory
from tests.workspace.api.helpers import INGEST, post_json
from workspace.models import EngagementAttributeEvent
from workspace.services.conversations import conversation_transfer

pytestmark = pytest.mark.django_db


def _post_at(client, key, visitor_id, at):
    body = {
        "visitorId": visitor_id,
        "time": at.isoformat(),
        "engagementAttributes": [{"type": "lead"}],
    }
    response = post_json(client, INGEST, body, key=key)
    assert response.status_code == 201, response.json()
    return EngagementAttributeEvent.objects.get(pk=response.json()["events"][0]["id"])


def test_attaches_to_the_conversation_open_at_the_event_time(api_client, api_key, now):
    visitor = VisitorFactory(external_id="v-open")
    ConversationFactory(
        visitor=visitor,
        started_at=now - timedelta(days=2),
        ended_at=now - timedelta(days=2) + timedelta(minutes=9),
    )
    open_one = ConversationFactory(visitor=visitor, started_at=now - timedelta(minutes=30))
    event = _post_at(api_client, api_key, "v-open", now - timedelta(minutes=1))
    assert event.conversation == open_one
    assert event.occurred_at == now - timedelta(minutes=1)
    assert event.received_at == now


@pytest.mark.parametrize(("hours_since_end", "attached"), [(11.9, True), (12.1, False)])
def test_attaches_to_a_conversation_ended_within_12_hours(
    api_client, api_key, now, hours_since_end, attached
):
    visitor = VisitorFactory(external_id="v-ended")
    ended = now - timedelta(hours=hours_since_end)
    conversation = ConversationFactory(
        visitor=visitor, started_at=ended - timedelta(minutes=20), ended_at=ended
    )
    event = _post_at(api_client, api_key, "v-ended", now)
    assert event.conversation == (conversation if attached else None)
    assert event.agent == (conversation.agent if attached else None)


def test_most_recent_candidate_wins(api_client, api_key, now):
    visitor = VisitorFactory(external_id="v-two")
    ConversationFactory(
        visitor=visitor, started_at=now - timedelta(hours=5), ended_at=now - timedelta(hours=4)
    )
    later = ConversationFactory(
        visitor=visitor, started_at=now - timedelta(hours=2), ended_at=now - timedelta(hours=1)
    )
    assert _post_at(api_client, api_key, "v-two", now).conversation == later


def test_conversation_started_after_the_event_is_not_used(api_client, api_key, now):
    visitor = VisitorFactory(external_id="v-late")
    ConversationFactory(visitor=visitor, started_at=now - timedelta(minutes=5))
    event = _post_at(api_client, api_key, "v-late", now - timedelta(minutes=10))
    assert event.conversation is None
    assert event.visitor == visitor


def test_new_visitor_keeps_events_without_conversation(api_client, api_key, now):
    event = _post_at(api_client, api_key, "v-new", now)
    assert event.conversation is None
    assert event.visitor.external_id == "v-new"


def test_credit_goes_to_the_agent_assigned_at_the_event_time(api_client, api_key, now):
    first, second = AgentFactory(), AgentFactory()
    sales, billing = SkillFactory(name="Sales"), SkillFactory(name="Billing")
    conversation = ConversationFactory(
        external_id="c-t",
        agent=first,
        skill=sales,
        started_at=now - timedelta(minutes=30),
        visitor__external_id="v-t",
    )
    conversation_transfer(
        conversation=conversation,
        actor=None,
        at=now - timedelta(minutes=10),
        agent=second,
        skill=billing,
    )
    before = _post_at(api_client, api_key, "v-t", now - timedelta(minutes=20))
    after = _post_at(api_client, api_key, "v-t", now - timedelta(minutes=5))
    assert (before.agent, before.skill) == (first, sales)
    assert (after.agent, after.skill) == (second, billing)
