"""The conversation list and conversation page: scoping per role, transcript, polling."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ConversationFactory, MessageFactory
from workspace.models import Segment
from workspace.services.conversations import conversation_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_conversation(agent, sales_skill):
    conversation = ConversationFactory(agent=agent, skill=sales_skill)
    MessageFactory(conversation=conversation, text="Hello <b>there</b>")
    return conversation


def detail_url(conversation) -> str:
    return reverse("workspace:conversation-detail", args=[conversation.pk])


def test_agent_lists_open_then_closed_with_no_time_limit(agent_client, agent, sales_skill):
    now = timezone.now()
    open_one = ConversationFactory(agent=agent, skill=sales_skill, external_id="open-1")
    closed = ConversationFactory(
        agent=agent,
        skill=sales_skill,
        external_id="closed-1",
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
    )
    ConversationFactory(
        agent=agent,
        skill=sales_skill,
        external_id="old-1",
        started_at=now - timedelta(days=30),
        ended_at=now - timedelta(days=30),
    )
    response = agent_client.get(reverse("workspace:conversation-list"))
    assert response.status_code == 200
    # Open first, then closed, latest first; no seven-day limit any more (issue 14, finding 7).
    rows = [c.pk for c in response.context["page"]]
    assert rows[0] == open_one.pk
    assert rows[1] == closed.pk
    assert len(rows) == 3


def test_list_shows_no_other_agents_conversations(agent_client, other_agent):
    ConversationFactory(agent=other_agent, external_id="theirs")
    html = agent_client.get(reverse("workspace:conversation-list")).content.decode()
    assert "theirs" not in html
    assert "No conversations yet." in html


@pytest.mark.parametrize("persona", ["campaign_manager_client", "agent_manager_client"])
def test_list_is_for_agents_only(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("workspace:conversation-list")).status_code == 403


def test_agent_sees_own_conversation_with_escaped_transcript(agent_client, own_conversation):
    response = agent_client.get(detail_url(own_conversation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in html
    assert 'hx-trigger="every 5s"' in html


def test_other_agents_conversation_is_404(other_agent_client, own_conversation):
    assert other_agent_client.get(detail_url(own_conversation)).status_code == 404


def test_anonymous_is_sent_to_login(client, own_conversation):
    response = client.get(detail_url(own_conversation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_manager_of_the_group_sees_it_and_another_manager_gets_404(
    agent_manager_client, other_manager_client, own_conversation
):
    assert agent_manager_client.get(detail_url(own_conversation)).status_code == 200
    assert other_manager_client.get(detail_url(own_conversation)).status_code == 404


def test_admin_sees_any_conversation_and_campaign_manager_does_not(
    admin_client, campaign_manager_client, own_conversation
):
    assert admin_client.get(detail_url(own_conversation)).status_code == 200
    assert campaign_manager_client.get(detail_url(own_conversation)).status_code == 404


def test_former_agent_keeps_access_after_a_transfer(agent_client, other_agent, own_conversation):
    conversation_transfer(
        conversation=own_conversation, actor=None, at=timezone.now(), agent=other_agent, skill=None
    )
    assert agent_client.get(detail_url(own_conversation)).status_code == 200
    segments = list(
        Segment.objects.filter(conversation=own_conversation).order_by("started_at", "id")
    )
    assert [s.end_reason for s in segments] == [Segment.EndReason.TRANSFER, ""]
    assert segments[1].agent == other_agent


def test_list_queries_do_not_grow_with_conversations(
    agent_client, agent, sales_skill, django_assert_num_queries
):
    ConversationFactory.create_batch(2, agent=agent, skill=sales_skill)
    agent_client.get(reverse("workspace:conversation-list"))
    with CaptureQueriesContext(connection) as few:
        agent_client.get(reverse("workspace:conversation-list"))
    ConversationFactory.create_batch(12, agent=agent, skill=sales_skill)
    with django_assert_num_queries(len(few.captured_queries)):
        agent_client.get(reverse("workspace:conversation-list"))


def test_transcript_queries_do_not_grow_with_messages(
    agent_client, own_conversation, django_assert_num_queries
):
    agent_client.get(detail_url(own_conversation))
    with CaptureQueriesContext(connection) as few:
        agent_client.get(detail_url(own_conversation))
    MessageFactory.create_batch(15, conversation=own_conversation)
    with django_assert_num_queries(len(few.captured_queries)):
        agent_client.get(detail_url(own_conversation))
