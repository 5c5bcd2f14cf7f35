"""The Agent Workspace list (issue 14, finding 7): search by visitor or conversation ID, filters,
server-side pages kept in the URL, no seven-day limit, transferred conversations under their own
heading without badges, and "just now" instead of "0 minutes ago"."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from campaigns.catalogue import AttributeType
from tests.factories import ConversationFactory, VisitorFactory
from tests.workspace.conftest import NOW
from tests.workspace.factories import attribute_config
from workspace.models import Segment
from workspace.selectors.inbox import PAGE_SIZE

pytestmark = pytest.mark.django_db

URL = reverse("workspace:conversation-list")
HX = {"HX-Request": "true", "HX-Target": "conversation-results"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def closed(agent, skill, *, minutes_ago, **extra):
    return ConversationFactory(
        agent=agent,
        skill=skill,
        started_at=NOW - timedelta(minutes=minutes_ago + 10),
        ended_at=NOW - timedelta(minutes=minutes_ago),
        **extra,
    )


def transferred_away(agent, to_agent, skill, **extra):
    """A conversation ``agent`` had, now with ``to_agent``."""
    conversation = ConversationFactory(agent=to_agent, skill=skill, **extra)
    Segment.objects.create(
        conversation=conversation,
        agent=agent,
        skill=skill,
        started_at=conversation.started_at - timedelta(minutes=5),
        ended_at=conversation.started_at,
        end_reason=Segment.EndReason.TRANSFER,
    )
    return conversation


def listed(response) -> list[str]:
    return [c.external_id for c in response.context["page"]]


def test_search_finds_a_visitor_or_a_conversation_by_part_of_its_id(
    agent_client, agent, sales_skill
):
    ConversationFactory(agent=agent, skill=sales_skill, external_id="LP-1001")
    ConversationFactory(
        agent=agent, skill=sales_skill, visitor=VisitorFactory(external_id="visitor-anna")
    )
    ConversationFactory(agent=agent, skill=sales_skill, external_id="LP-2002")
    assert listed(agent_client.get(URL, {"q": "1001"})) == ["LP-1001"]
    by_visitor = agent_client.get(URL, {"q": "ANNA"})
    assert [c.visitor.external_id for c in by_visitor.context["page"]] == ["visitor-anna"]


def test_filters_open_closed_pending_and_transferred(agent_client, agent, other_agent, sales_skill):
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)
    ConversationFactory(agent=agent, skill=sales_skill, external_id="open")
    closed(agent, sales_skill, minutes_ago=5, external_id="due")  # window open, nothing reported
    closed(agent, sales_skill, minutes_ago=24 * 60, external_id="done")  # window long closed
    transferred_away(agent, other_agent, sales_skill, external_id="gone")
    assert listed(agent_client.get(URL, {"status": "open"})) == ["open"]
    assert listed(agent_client.get(URL, {"status": "closed"})) == ["due", "done"]
    assert listed(agent_client.get(URL, {"status": "pending"})) == ["open", "due"]
    assert listed(agent_client.get(URL, {"status": "transferred"})) == ["gone"]
    assert listed(agent_client.get(URL)) == ["open", "due", "done", "gone"]


def test_closed_conversations_are_not_limited_to_seven_days(agent_client, agent, sales_skill):
    closed(agent, sales_skill, minutes_ago=60 * 24 * 90, external_id="three-months-old")
    assert listed(agent_client.get(URL)) == ["three-months-old"]


def test_transferred_conversations_have_their_own_heading_and_no_badge(
    agent_client, agent, other_agent, sales_skill
):
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)
    ConversationFactory(agent=agent, skill=sales_skill, external_id="mine")
    transferred_away(agent, other_agent, sales_skill, external_id="gone")
    html = agent_client.get(URL).content.decode()
    open_part, _, transferred_part = html.partition("Transferred to someone else</h2>")
    assert "mine" in open_part
    assert "Outcome pending" in open_part
    assert "gone" in transferred_part
    assert "Outcome pending" not in transferred_part
    assert f"Now with {other_agent.display_name}" in transferred_part


def test_pages_are_in_the_url_and_keep_the_filters(agent_client, agent, sales_skill):
    for i in range(PAGE_SIZE + 3):
        closed(agent, sales_skill, minutes_ago=100 + i, external_id=f"c-{i:03d}")
    first = agent_client.get(URL, {"status": "closed"})
    assert len(listed(first)) == PAGE_SIZE
    assert 'href="?status=closed&amp;page=2"' in first.content.decode()
    second = agent_client.get(URL, {"status": "closed", "page": 2})
    assert listed(second) == [f"c-{i:03d}" for i in range(PAGE_SIZE, PAGE_SIZE + 3)]
    assert listed(agent_client.get(URL, {"page": "999"})) == listed(second)  # the last page


def test_htmx_gets_the_results_only_and_the_plain_request_the_page(
    agent_client, agent, sales_skill
):
    ConversationFactory(agent=agent, skill=sales_skill, external_id="LP-1")
    fragment = agent_client.get(URL, {"q": "LP"}, headers=HX)
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().strip().startswith('<section id="conversation-results"')
    page = agent_client.get(URL, {"q": "LP"}).content.decode()
    assert "<html" in page
    assert 'id="conversation-results"' in page
    assert 'value="LP"' in page  # the search box keeps what was typed
    assert fragment["Vary"].count("HX-Request") == 1


def test_just_closed_reads_just_now_never_zero_minutes(agent_client, agent, sales_skill):
    ConversationFactory(
        agent=agent,
        skill=sales_skill,
        started_at=NOW - timedelta(minutes=3),
        ended_at=NOW - timedelta(seconds=20),
    )
    ConversationFactory(agent=agent, skill=sales_skill, started_at=NOW - timedelta(seconds=5))
    closed(agent, sales_skill, minutes_ago=65)
    html = agent_client.get(URL).content.decode()
    assert "0\xa0minutes" not in html
    assert "0 minutes" not in html
    assert "Closed just now" in html
    assert "Started just now" in html
    assert "Closed 1\xa0hour ago" in html


def test_other_agents_conversations_are_not_listed_or_found(agent_client, other_agent, sales_skill):
    ConversationFactory(agent=other_agent, skill=sales_skill, external_id="theirs")
    assert listed(agent_client.get(URL, {"q": "theirs"})) == []


@pytest.mark.parametrize("persona", ["campaign_manager_client", "agent_manager_client"])
def test_other_roles_are_refused(request, persona):
    assert request.getfixturevalue(persona).get(URL).status_code == 403


def test_anonymous_goes_to_sign_in(client):
    response = client.get(URL, {"q": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_bad_filters_show_everything_rather_than_fail(agent_client, agent, sales_skill):
    ConversationFactory(agent=agent, skill=sales_skill, external_id="one")
    response = agent_client.get(URL, {"status": "nonsense", "q": "x" * 500})
    assert response.status_code == 200
    assert listed(response) == ["one"]


@pytest.mark.parametrize("status", ["", "open", "closed", "pending", "transferred"])
def test_queries_do_not_grow_with_rows(
    agent_client,
    agent,
    other_agent,
    sales_skill,
    status,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill], required=True)

    def add_rows():
        ConversationFactory(agent=agent, skill=sales_skill)
        closed(agent, sales_skill, minutes_ago=5)
        transferred_away(agent, other_agent, sales_skill)

    add_rows()
    agent_client.get(URL, {"status": status})  # warm the session and caches
    with django_assert_max_num_queries(20) as few:
        agent_client.get(URL, {"status": status})
    for _ in range(4):
        add_rows()
    with django_assert_num_queries(len(few.captured_queries)):
        agent_client.get(URL, {"status": status})
