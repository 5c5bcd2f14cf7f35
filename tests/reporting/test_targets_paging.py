"""Targets a page at a time: the Targets page lists a month's targets in pages, and the goal
tracker shows the group targets and those of the agents on its table's page, saying how many
others the Targets page has."""

import html as html_lib
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import GoalType
from reporting.models import Target
from reporting.selectors import pages
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
TARGETS = reverse("reporting:target-list")
TRACKER = reverse("reporting:goal-tracker")


def _this_month() -> date:
    return timezone.localdate().replace(day=1)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(pages, "AGENT_ROWS_PER_PAGE", 2)


def _team_with_targets(sales_group, names=("Ann", "Bo", "Cy"), *, group: bool = True) -> list:
    month = _this_month()
    agents = [AgentFactory(first_name=name, agent_group=sales_group) for name in names]
    for agent in agents:
        Target.objects.create(month=month, agent=agent, goal_type=GoalType.SELL, count_target=3)
    if group:
        Target.objects.create(
            month=month, group=sales_group, goal_type=GoalType.SELL, count_target=9
        )
    return agents


def _targets_shown(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><bdi>([^<]+)</bdi>', html)


def test_the_targets_page_lists_a_month_a_page_at_a_time(
    agent_manager_client, sales_group, small_pages
):
    agents = _team_with_targets(sales_group)
    month = _this_month().strftime("%Y-%m")
    seen = []
    for number in (1, 2):
        html = agent_manager_client.get(TARGETS, {"month": month, "rows": number}).content.decode()
        shown = _targets_shown(html)
        assert len(shown) == 2
        seen += shown
        assert f"Targets page {number} of 2 (4 targets)" in html
    assert sorted(seen) == sorted([sales_group.name, *(a.display_name for a in agents)])
    first = agent_manager_client.get(TARGETS, {"month": month}).content.decode()
    pager_links = re.findall(r'href="([^"]*rows=[^"]*)" rel="next"', first)
    assert pager_links == [f"?month={month}&amp;rows=2"]  # the month is kept


@pytest.mark.parametrize("raw", ["abc", "0", "99"])
def test_a_page_number_that_is_no_page_shows_the_first_or_the_last(
    agent_manager_client, sales_group, small_pages, raw
):
    _team_with_targets(sales_group)
    html = agent_manager_client.get(TARGETS, {"rows": raw}).content.decode()
    expected = 2 if raw == "99" else 1
    assert f"Targets page {expected} of 2" in html


def test_one_page_of_targets_reads_as_many_queries_however_many_targets(
    agent_manager_client, sales_group, small_pages, django_assert_max_num_queries
):
    _team_with_targets(sales_group)
    agent_manager_client.get(TARGETS)  # warm the process's caches
    with CaptureQueriesContext(connection) as few:
        agent_manager_client.get(TARGETS)
    _team_with_targets(sales_group, names=("Di", "Ed", "Flo", "Gus"), group=False)
    with django_assert_max_num_queries(len(few)):
        agent_manager_client.get(TARGETS)


def _tracker_targets(client, params) -> tuple[str, str]:
    """The goal tracker page, and its targets as the page loads them (the fragment it names)."""
    page = client.get(TRACKER, params).content.decode()
    url = html_lib.unescape(re.search(r'hx-get="(/reports/goal-tracker/targets/\?[^"]+)"', page)[1])
    return page, client.get(url).content.decode()


def test_the_goal_tracker_shows_the_targets_of_the_agents_on_its_page(
    agent_manager_client, sales_group, small_pages
):
    agents = _team_with_targets(sales_group)
    first, targets = _tracker_targets(agent_manager_client, {"sort": "agent"})
    assert 'id="targets-title"' in first
    assert not _targets_shown(first.split('id="targets-title"', 1)[1])  # loaded after the page
    table = first.split('id="tracker-table"', 1)[1].split("<tfoot", 1)[0]
    on_page = re.findall(r'<th scope="row"><a [^>]*><bdi>([^<]+)</bdi>', table)
    assert sorted(_targets_shown(targets)) == sorted([sales_group.name, *on_page])
    assert "other target is on the Targets page" in targets  # one agent is on the next page
    _second, targets = _tracker_targets(agent_manager_client, {"sort": "agent", "rows": 2})
    hidden = {a.display_name for a in agents} - set(on_page)
    assert hidden <= set(_targets_shown(targets))


def test_the_targets_fragment_keeps_to_the_managers_groups(
    agent_manager_client, sales_group, other_agent
):
    """Naming another group's agent in ``agents`` shows nothing of theirs."""
    _team_with_targets(sales_group, names=("Ann",))
    Target.objects.create(
        month=_this_month(), agent=other_agent, goal_type=GoalType.SELL, count_target=4
    )
    url = reverse("reporting:goal-tracker-targets")
    html = agent_manager_client.get(url, {"agents": f"{other_agent.pk}"}).content.decode()
    assert other_agent.display_name not in html
    assert _targets_shown(html) == [sales_group.name]


def test_the_targets_fragment_reads_as_many_queries_however_many_agents(
    admin_client, sales_group, django_assert_max_num_queries
):
    url = reverse("reporting:goal-tracker-targets")
    agents = _team_with_targets(sales_group, names=("Ann",))
    ids = ",".join(str(a.pk) for a in agents)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url, {"agents": ids}).status_code == 200
    agents += _team_with_targets(sales_group, names=("Bo", "Cy", "Di", "Ed"), group=False)
    ids = ",".join(str(a.pk) for a in agents)
    with django_assert_max_num_queries(len(few)):
        html = admin_client.get(url, {"agents": ids}).content.decode()
    assert len(_targets_shown(html)) == 6  # the group and five agents


def test_the_agents_own_summary_shows_all_their_targets(agent_client, agent):
    Target.objects.create(month=_this_month(), agent=agent, goal_type=GoalType.SELL, count_target=3)
    html = agent_client.get(reverse("reporting:my-summary")).content.decode()
    assert agent.display_name in _targets_shown(html)
    assert "on the Targets page" not in html
