"""POST /api/v1/conversations: create, update, transfer, close, duplicate messages, names."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.catalogue import AttributeType
from campaigns.models import AttributeConfig, AuditEntry
from campaigns.roles import Role
from tests.factories import CampaignFactory, ConversationFactory, UserFactory
from tests.workspace.api.helpers import FEED, error_paths, post_json
from workspace.models import Conversation, Message, Segment, Visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(sales_skill):
    return CampaignFactory(name="Spring sale", skill=sales_skill)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def feed_body(now, **changes) -> dict:
    body = {
        "conversationId": "c-1",
        "visitorId": "v-1",
        "channel": "messaging",
        "skill": "Sales",
        "agent": "agent",
        "startTime": iso(now - timedelta(minutes=10)),
        "endTime": None,
        "messages": [
            {"sentBy": "consumer", "text": "Hi", "time": iso(now - timedelta(minutes=9))},
            {"sentBy": "agent", "text": "Hello!", "time": iso(now - timedelta(minutes=8))},
        ],
    }
    body.update(changes)
    return body


def send(client, key, body):
    return post_json(client, FEED, body, key=key)


def test_creates_a_conversation_with_its_first_segment(
    api_client, api_key, now, agent, sales_skill, campaign
):
    response = send(api_client, api_key, feed_body(now, campaign="Spring sale"))
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["created"] is True
    assert answer["status"] == "open"
    assert answer["messagesAdded"] == 2
    conversation = Conversation.objects.get(external_id="c-1")
    assert answer["id"] == conversation.pk
    assert conversation.visitor.external_id == "v-1"
    assert conversation.channel == Conversation.Channel.MESSAGING
    assert (conversation.agent, conversation.skill, conversation.campaign) == (
        agent,
        sales_skill,
        campaign,
    )
    assert conversation.started_at == now - timedelta(minutes=10)
    assert conversation.ended_at is None
    segment = Segment.objects.get(conversation=conversation)
    assert (segment.agent, segment.skill, segment.started_at) == (
        agent,
        sales_skill,
        conversation.started_at,
    )
    texts = list(conversation.messages.values_list("sent_by", "text"))
    assert texts == [("consumer", "Hi"), ("agent", "Hello!")]
    assert AuditEntry.objects.filter(action="conversation.create").exists()


def test_minimal_create_defaults_to_chat_started_now(api_client, api_key, now):
    response = send(api_client, api_key, {"conversationId": "c-2", "visitorId": "v-2"})
    assert response.status_code == 201
    conversation = Conversation.objects.get(external_id="c-2")
    assert conversation.channel == Conversation.Channel.CHAT
    assert conversation.started_at == now
    assert (conversation.agent, conversation.skill, conversation.campaign) == (None, None, None)
    assert Segment.objects.filter(conversation=conversation).count() == 1


def test_create_needs_a_visitor(api_client, api_key, now):
    response = send(api_client, api_key, {"conversationId": "c-3"})
    assert response.status_code == 400
    assert error_paths(response) == ["visitorId"]
    assert not Conversation.objects.exists()


def test_resending_the_transcript_skips_duplicates(api_client, api_key, now, agent, sales_skill):
    send(api_client, api_key, feed_body(now))
    body = feed_body(now)
    body["messages"].append(
        {"sentBy": "consumer", "text": "Thanks", "time": iso(now - timedelta(minutes=7))}
    )
    response = send(api_client, api_key, body)
    assert response.status_code == 200
    assert response.json()["created"] is False
    assert response.json()["messagesAdded"] == 1
    assert Message.objects.count() == 3
    assert Segment.objects.count() == 1


def test_different_agent_is_a_transfer(api_client, api_key, now, agent, other_agent, sales_skill):
    send(api_client, api_key, feed_body(now))
    response = send(api_client, api_key, feed_body(now, agent="agent2"))
    assert response.json()["transferred"] is True
    conversation = Conversation.objects.get()
    assert conversation.agent == other_agent
    first, second = Segment.objects.order_by("started_at", "pk")
    assert (first.agent, first.end_reason, first.ended_at) == (agent, "transfer", now)
    assert (second.agent, second.ended_at) == (other_agent, None)


def test_different_skill_is_a_transfer(api_client, api_key, now, agent, sales_skill, billing_skill):
    send(api_client, api_key, feed_body(now))
    response = send(api_client, api_key, feed_body(now, skill="Billing"))
    assert response.json()["transferred"] is True
    assert Conversation.objects.get().skill == billing_skill
    assert Segment.objects.count() == 2


def test_same_agent_and_skill_is_no_transfer(api_client, api_key, now, agent, sales_skill):
    send(api_client, api_key, feed_body(now))
    response = send(api_client, api_key, feed_body(now))
    assert response.json()["transferred"] is False
    assert Segment.objects.count() == 1


def test_end_time_closes_through_the_closing_rule(api_client, api_key, now, agent, sales_skill):
    config = AttributeConfig.objects.create(
        attribute_type=AttributeType.PURCHASE, submit_by_agent=True, required_before_close=True
    )
    config.skills.add(sales_skill)
    send(api_client, api_key, feed_body(now))
    ended = now - timedelta(minutes=1)
    response = send(api_client, api_key, feed_body(now, endTime=iso(ended)))
    assert response.status_code == 200
    assert response.json()["closed"] is True
    assert response.json()["status"] == "closed"
    conversation = Conversation.objects.get()
    assert conversation.ended_at == ended
    segment = Segment.objects.get()
    assert (segment.ended_at, segment.end_reason) == (ended, Segment.EndReason.CLOSE)
    audit = AuditEntry.objects.get(action="conversation.close")
    assert audit.after == {"way": "api", "missing_outcomes": ["purchase"]}


def test_create_closed_conversation_in_one_request(api_client, api_key, now, agent, sales_skill):
    body = feed_body(now, endTime=iso(now - timedelta(minutes=2)))
    response = send(api_client, api_key, body)
    assert response.status_code == 201
    assert response.json()["status"] == "closed"
    assert Segment.objects.get().end_reason == Segment.EndReason.CLOSE


def test_closed_conversation_cannot_be_transferred(
    api_client, api_key, now, agent, other_agent, sales_skill
):
    send(api_client, api_key, feed_body(now, endTime=iso(now - timedelta(minutes=2))))
    response = send(api_client, api_key, feed_body(now, agent="agent2"))
    assert response.status_code == 400
    assert error_paths(response) == ["agent"]
    assert Conversation.objects.get().agent == agent


@pytest.mark.parametrize(
    ("field", "value"),
    [("skill", "Astrology"), ("agent", "nobody"), ("campaign", "Winter"), ("agent", "admin")],
)
def test_unknown_names_are_400_naming_the_field(
    api_client, api_key, now, agent, sales_skill, admin, field, value
):
    response = send(api_client, api_key, feed_body(now, **{field: value}))
    assert response.status_code == 400
    assert error_paths(response) == [field]
    assert not Conversation.objects.exists()
    assert not Visitor.objects.exists()


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"conversationId": ""}, "conversationId"),
        ({"channel": "email"}, "channel"),
        ({"startTime": "soon"}, "startTime"),
        ({"endTime": "2026-01-01T00:00:00Z"}, "endTime"),
        (
            {"messages": [{"sentBy": "bot", "text": "x", "time": "2026-03-01T10:00:00Z"}]},
            "messages[0].sentBy",
        ),
        (
            {"messages": [{"sentBy": "agent", "text": "", "time": "2026-03-01T10:00:00Z"}]},
            "messages[0].text",
        ),
        ({"messages": [{"sentBy": "agent", "text": "x"}]}, "messages[0].time"),
        ({"messages": {"sentBy": "agent"}}, "messages"),
    ],
)
def test_bad_fields_are_400(api_client, api_key, now, agent, sales_skill, changes, path):
    response = send(api_client, api_key, feed_body(now, **changes))
    assert response.status_code == 400
    assert path in error_paths(response)
    assert not Conversation.objects.exists()


def test_conversation_of_another_visitor_is_refused(api_client, api_key, now):
    ConversationFactory(external_id="c-1", visitor__external_id="someone-else")
    response = send(api_client, api_key, {"conversationId": "c-1", "visitorId": "v-1"})
    assert response.status_code == 400
    assert error_paths(response) == ["visitorId"]


def test_undocumented_fields_are_warnings(api_client, api_key, now):
    response = send(api_client, api_key, {"conversationId": "c-9", "visitorId": "v", "lang": "en"})
    assert response.status_code == 201
    assert [w["path"] for w in response.json()["warnings"]] == ["lang"]


def test_query_count_is_constant_in_the_number_of_messages(
    api_client, api_key, now, agent, sales_skill, django_assert_num_queries
):
    def messages(count, offset):
        return [
            {
                "sentBy": "consumer",
                "text": f"m{offset + i}",
                "time": iso(now - timedelta(seconds=i)),
            }
            for i in range(count)
        ]

    send(api_client, api_key, feed_body(now, messages=messages(1, 0)))
    with CaptureQueriesContext(connection) as one:
        send(api_client, api_key, feed_body(now, messages=messages(1, 100)))
    with django_assert_num_queries(len(one.captured_queries)):
        response = send(api_client, api_key, feed_body(now, messages=messages(20, 200)))
    assert response.json()["messagesAdded"] == 20


def test_agent_must_hold_the_agent_role(api_client, api_key, now):
    UserFactory(username="helper", roles=[Role.CAMPAIGN_MANAGER])
    response = send(
        api_client, api_key, {"conversationId": "c", "visitorId": "v", "agent": "helper"}
    )
    assert error_paths(response) == ["agent"]
