"""The goal tracker's agents table a page at a time: the totals above and below it, the charts
and the exports still cover every agent."""

import re

import pytest
from django.urls import reverse

from reporting.selectors import pages
from reporting.selectors.pages import ManagerView, rows_page
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_agents(agent_manager, sales_group):
    return [AgentFactory(first_name=name, agent_group=sales_group) for name in ("Ann", "Bo", "Cy")]


def _row_names(html: str) -> list[str]:
    body = html.split('id="tracker-table"', 1)[1].split("<tfoot", 1)[0]
    return re.findall(r'<th scope="row"><a [^>]*><bdi>([^<]+)</bdi>', body)


def test_the_table_shows_one_page_of_agents_with_links_to_the_others(
    agent_manager_client, three_agents, monkeypatch
):
    monkeypatch.setattr(pages, "AGENT_ROWS_PER_PAGE", 2)
    url = reverse("reporting:goal-tracker")
    first = agent_manager_client.get(url, {"sort": "agent"}).content.decode()
    names = _row_names(first)
    assert len(names) == 2
    assert "Agents page 1 of " in first
    next_link = re.search(r'href="([^"]+)" rel="next"', first)[1]
    assert "rows=2" in next_link
    assert "sort=agent" in next_link  # the next page keeps the sort
    last = agent_manager_client.get(url, {"sort": "agent", "rows": "99"}).content.decode()
    assert 'rel="prev"' in last
    assert not set(_row_names(last)) & set(names)  # the last page, other agents


@pytest.mark.parametrize("raw", ["", "0", "-1", "abc", "²", "1" * 9])
def test_anything_but_a_page_number_is_the_first_page(raw):
    assert ManagerView.from_query({"rows": raw}).rows == 1


def test_pages_cover_every_row_once():
    rows = list(range(7))
    seen = []
    for number in range(1, 5):
        page = rows_page(rows, number, per_page=3)
        seen += page.rows
        assert page.pages == 3
    assert seen[:7] == rows
    assert rows_page(rows, 3, per_page=3).next is None
    assert rows_page(rows, 1, per_page=3).previous is None
