"""Times in the agent's own zone, labelled, and the deadline's countdown (issue 14, finding 5)."""

from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AccountSettings
from outcomes_site.middleware import (
    WorkspaceTimeZoneMiddleware,
    local_time_activate,
    local_time_on_demand,
)
from tests.workspace.conftest import NOW
from workspace.templatetags.deadlines import time_left

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("purchase_config")]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def closed_url(closed_conversation):
    # Ended at 11:55 UTC; the 30-minute outcome window closes at 12:25 UTC, 25 minutes from NOW.
    return reverse("workspace:conversation-detail", args=[closed_conversation.pk])


def test_the_deadline_is_in_the_agents_zone_with_its_label_and_what_is_left(
    agent, agent_client, closed_url
):
    agent.time_zone = "Europe/Berlin"
    agent.save(update_fields=["time_zone"])
    html = agent_client.get(closed_url).content.decode()
    assert "You can report outcomes until" in html
    assert ">13:25 CET</time>" in html
    assert "25 min left" in html
    assert 'data-deadline="2026-03-02T12:25:00+00:00"' in html


def test_without_a_zone_of_their_own_the_agent_reads_the_accounts(agent_client, closed_url):
    AccountSettings.load()
    AccountSettings.objects.filter(pk=1).update(report_time_zone="America/New_York")
    html = agent_client.get(closed_url).content.decode()
    assert ">07:25 EST</time>" in html


def test_the_server_zone_is_labelled_too(agent_client, closed_url):
    html = agent_client.get(closed_url).content.decode()
    assert ">12:25 UTC</time>" in html


def test_the_countdown_script_is_a_static_file_with_the_nonce(agent_client, closed_url):
    html = agent_client.get(closed_url).content.decode()
    assert 'src="/static/js/countdown.js" nonce="' in html
    assert "data-left-minutes=" in html  # the words the script fills in, translated


def test_the_list_says_which_zone_its_times_are_in(agent, agent_client):
    agent.time_zone = "Asia/Tokyo"
    agent.save(update_fields=["time_zone"])
    html = agent_client.get(reverse("workspace:conversation-list")).content.decode()
    assert "Times are in JST (Asia/Tokyo)." in html
    assert '<span class="usermenu__zone">JST</span>' in html


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (23 * 60 + 5, "23 min left"),
        (59, "less than a minute left"),
        (0, "time is up"),
        (-30, "time is up"),
        (2 * 3600 + 5 * 60, "2 h 05 min left"),
    ],
)
def test_what_is_left_reads_at_a_glance(seconds, words):
    assert time_left(seconds) == words


class TestMiddleware:
    """Only workspace pages change zone: reports keep the account's (they choose it themselves)
    and every other page the server's."""

    def zone_seen(self, path, user, view=None):
        """The zone ``view`` renders in, the middleware around it as Django's handler calls it
        (``process_view`` before the view)."""
        request = RequestFactory().get(path)
        request.user = user

        def page(request):
            return HttpResponse(timezone.get_current_timezone_name())

        view = view or page

        def handler(request):
            return middleware.process_view(request, view, (), {}) or view(request)

        middleware = WorkspaceTimeZoneMiddleware(handler)
        return middleware(request).content.decode()

    def test_a_view_that_shows_no_time_reads_no_zone_until_it_asks(self, agent):
        agent.time_zone = "Europe/Lisbon"

        @local_time_on_demand
        def poll(request):
            before = timezone.get_current_timezone_name()
            local_time_activate(request)
            return HttpResponse(f"{before} {timezone.get_current_timezone_name()}")

        assert self.zone_seen("/workspace/", agent, poll) == "UTC Europe/Lisbon"

    def test_workspace_pages_use_the_persons_zone(self, agent):
        agent.time_zone = "Europe/Lisbon"
        assert self.zone_seen("/workspace/", agent) == "Europe/Lisbon"

    def test_other_pages_keep_the_servers(self, agent):
        agent.time_zone = "Europe/Lisbon"
        assert self.zone_seen("/reports/", agent) == "UTC"

    def test_the_zone_is_given_back_after_the_request(self, agent):
        agent.time_zone = "Europe/Lisbon"
        self.zone_seen("/workspace/", agent)
        assert timezone.get_current_timezone_name() == "UTC"

    def test_a_zone_this_machine_does_not_know_falls_back(self, agent):
        agent.time_zone = "Nowhere/Atlantis"  # saved before the zone data changed, say
        assert self.zone_seen("/workspace/", agent) == "UTC"


def test_the_deadline_the_next_day_names_the_day(agent, agent_client, closed_conversation):
    AccountSettings.load()
    AccountSettings.objects.filter(pk=1).update(agent_outcome_window_minutes=24 * 60)
    closed_conversation.ended_at = NOW - timedelta(minutes=5)
    closed_conversation.save(update_fields=["ended_at"])
    url = reverse("workspace:conversation-detail", args=[closed_conversation.pk])
    html = agent_client.get(url).content.decode()
    assert ">3 Mar, 11:55 UTC</time>" in html
    assert "23 h 55 min left" in html
