"""The transcript's poll: "nothing new" is a 204 without a render; new messages still arrive."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_conversation(agent, sales_skill):
    conversation = ConversationFactory(agent=agent, skill=sales_skill)
    MessageFactory(conversation=conversation, text="Hello there")
    return conversation


def poll_url(conversation, after) -> str:
    url = reverse("workspace:conversation-transcript", args=[conversation.pk])
    return f"{url}?after={after}"


def newest_id(conversation) -> int:
    return conversation.messages.order_by("-id").values_list("id", flat=True).first()


def test_the_page_polls_with_its_newest_message(agent_client, own_conversation):
    page = agent_client.get(reverse("workspace:conversation-detail", args=[own_conversation.pk]))
    html = page.content.decode()
    assert f'hx-get="{poll_url(own_conversation, newest_id(own_conversation))}"' in html


def test_nothing_new_is_204_without_a_render(agent_client, own_conversation, htmx_headers):
    response = agent_client.get(
        poll_url(own_conversation, newest_id(own_conversation)), headers=htmx_headers
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response.templates == []


def test_nothing_new_costs_the_same_few_queries_however_long_the_transcript(
    agent_client, own_conversation, htmx_headers
):
    agent_client.get(poll_url(own_conversation, 0), headers=htmx_headers)  # the session's first
    url = poll_url(own_conversation, newest_id(own_conversation))
    with CaptureQueriesContext(connection) as short:
        agent_client.get(url, headers=htmx_headers)
    MessageFactory.create_batch(20, conversation=own_conversation)
    url = poll_url(own_conversation, newest_id(own_conversation))
    with CaptureQueriesContext(connection) as long:
        response = agent_client.get(url, headers=htmx_headers)
    assert response.status_code == 204
    assert len(long.captured_queries) == len(short.captured_queries), [
        q["sql"] for q in long.captured_queries
    ]
    # The session, the user, and the conversation with its access and whether anything is
    # newer, in one query; no account settings (the zone is read only to render).
    assert len(short.captured_queries) == 3


def test_a_new_message_arrives_with_the_next_poll_address(
    agent_client, own_conversation, htmx_headers
):
    seen = newest_id(own_conversation)
    MessageFactory(conversation=own_conversation, text="Is the order on its way?")
    response = agent_client.get(poll_url(own_conversation, seen), headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div id="transcript"')
    assert "Hello there" in html
    assert "Is the order on its way?" in html
    assert re.search(r"\?after=(\d+)", html).group(1) == str(newest_id(own_conversation))


def test_an_ended_conversation_answers_the_fragment_that_stops_polling(
    agent_client, own_conversation, htmx_headers
):
    own_conversation.ended_at = timezone.now()
    own_conversation.save()
    response = agent_client.get(
        poll_url(own_conversation, newest_id(own_conversation)), headers=htmx_headers
    )
    assert response.status_code == 200
    assert "Hello there" in response.content.decode()
    assert "hx-trigger" not in response.content.decode()


@pytest.mark.parametrize("after", ["", "abc", "-1", "\u0661"])  # the last: an Arabic-Indic 1
def test_a_missing_or_odd_position_gets_the_whole_transcript(
    agent_client, own_conversation, htmx_headers, after
):
    response = agent_client.get(poll_url(own_conversation, after), headers=htmx_headers)
    assert response.status_code == 200
    assert "Hello there" in response.content.decode()


def test_the_agents_manager_may_poll(agent_manager_client, own_conversation, htmx_headers):
    response = agent_manager_client.get(poll_url(own_conversation, 0), headers=htmx_headers)
    assert response.status_code == 200
    assert "Hello there" in response.content.decode()


def test_another_agents_conversation_is_404(other_agent_client, own_conversation, htmx_headers):
    response = other_agent_client.get(
        poll_url(own_conversation, newest_id(own_conversation)), headers=htmx_headers
    )
    assert response.status_code == 404


def test_another_groups_manager_gets_404(other_manager_client, own_conversation, htmx_headers):
    response = other_manager_client.get(poll_url(own_conversation, 0), headers=htmx_headers)
    assert response.status_code == 404


def test_anonymous_goes_to_sign_in(client, own_conversation):
    response = client.get(poll_url(own_conversation, 0))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_only_get(agent_client, own_conversation):
    assert agent_client.post(poll_url(own_conversation, 0)).status_code == 405
