"""The completeness table a page of agents at a time, as the goal tracker's: ``rows`` in the URL,
sorted on the server (``sort``), the totals over every agent in scope on every page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.selectors import pages
from tests.factories import AgentFactory
from tests.reporting.factories import T0, conversation

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
URL = "reporting:completeness"
# Each agent's conversations ended in March: two teams, every count different.
SALES = {"Ann": 1, "Bo": 3, "Cy": 2}
BILLING = {"Di": 4}


def _ended(agent, count: int) -> None:
    for i in range(count):
        conversation(agent, started=T0 + timedelta(hours=i))


@pytest.fixture
def teams(default_sell, agent_manager, sales_group, billing_group, monkeypatch):
    """Four agents in two teams, two rows a page (the goal tracker's page size, made small)."""
    monkeypatch.setattr(pages, "AGENT_ROWS_PER_PAGE", 2)
    for group, counts in ((sales_group, SALES), (billing_group, BILLING)):
        for name, count in counts.items():
            _ended(AgentFactory(first_name=name, last_name="", agent_group=group), count)


def _table(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split('id="completeness-table"', 1)[1].split("</table>")[0]


def _names(table: str) -> list[str]:
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><bdi>([^<]+)</bdi>', body)


def _ended_per_row(table: str) -> list[int]:
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(n) for n in re.findall(r'set=ended">(\d+)</a>', body)]


def _total_ended(table: str) -> int:
    return int(re.search(r'set=ended">(\d+)</a>', table.split("<tfoot>", 1)[1])[1])


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a class="btn btn--small" href="([^"]+)" rel="{rel}">', html)
    return found[1].replace("&amp;", "&") if found else None


def test_pages_split_the_rows_and_every_page_totals_every_agent(admin_client, teams):
    first = admin_client.get(reverse(URL), MARCH)
    second = admin_client.get(reverse(URL), {**MARCH, "rows": "2"})
    assert _names(_table(first)) == ["Ann", "Bo"]
    assert _names(_table(second)) == ["Cy", "Di"]
    every_row = _ended_per_row(_table(first)) + _ended_per_row(_table(second))
    assert every_row == [1, 3, 2, 4]
    assert _total_ended(_table(first)) == _total_ended(_table(second)) == sum(every_row) == 10
    html = first.content.decode()
    assert 'aria-label="Pages of agents"' in html
    assert "Agents page 1 of 2 (4 rows; the totals cover them all)" in html
    assert _link(html, "prev") is None
    assert "rows=2" in _link(html, "next")
    assert "rows=1" in _link(second.content.decode(), "prev")


def test_the_sort_is_kept_from_page_to_page(admin_client, teams):
    first = admin_client.get(reverse(URL), {**MARCH, "sort": "-ended"})
    assert _names(_table(first)) == ["Di", "Bo"]
    assert 'aria-sort="descending"' in _table(first)
    next_link = _link(first.content.decode(), "next")
    assert "sort=-ended" in next_link
    assert "start=2026-03-01" in next_link  # and the filters
    second = admin_client.get(next_link)
    assert _names(_table(second)) == ["Cy", "Ann"]
    assert "sort=-ended" in _link(second.content.decode(), "prev")


def test_a_sort_link_starts_again_from_the_first_page(admin_client, teams):
    table = _table(admin_client.get(reverse(URL), {**MARCH, "rows": "2"}))
    sort_link = re.search(r'href="([^"]*sort=-ended[^"]*)"', table)[1]
    assert "rows=" not in sort_link


def test_an_unknown_sort_says_so_and_keeps_the_usual_order(admin_client, teams):
    response = admin_client.get(reverse(URL), {**MARCH, "sort": "shoe_size"})
    assert _names(_table(response)) == ["Ann", "Bo"]
    assert "cannot be sorted by “shoe_size”" in response.content.decode()


@pytest.mark.parametrize(("raw", "names"), [("99", ["Cy", "Di"]), ("abc", ["Ann", "Bo"])])
def test_a_page_out_of_range_or_not_a_number_answers_as_the_goal_tracker(
    admin_client, teams, raw, names
):
    """Past the last page shows the last page; anything but a page number the first."""
    completeness = admin_client.get(reverse(URL), {**MARCH, "rows": raw})
    tracker = admin_client.get(reverse("reporting:goal-tracker"), {**MARCH, "rows": raw})
    assert tracker.status_code == 200
    assert _names(_table(completeness)) == names
    page = 2 if raw == "99" else 1
    for response in (completeness, tracker):
        assert f"Agents page {page} of 2" in response.content.decode()


def test_the_htmx_body_has_the_page_and_its_links(admin_client, teams):
    headers = {"HX-Request": "true", "HX-Target": "report-body"}
    response = admin_client.get(reverse(URL), {**MARCH, "sort": "agent"}, headers=headers)
    html = response.content.decode()
    assert "<html" not in html
    assert _names(_table(response)) == ["Ann", "Bo"]
    next_link = _link(html, "next")
    assert "rows=2" in next_link
    assert "sort=agent" in next_link
    assert next_link.endswith("#completeness-title")


def test_the_filter_form_carries_the_sort(admin_client, teams):
    html = admin_client.get(reverse(URL), {**MARCH, "sort": "-rate"}).content.decode()
    assert '<input type="hidden" name="sort" value="-rate">' in html


def test_queries_do_not_grow_with_agents(
    admin_client, teams, sales_group, django_assert_num_queries
):
    params = {**MARCH, "rows": "2"}
    admin_client.get(reverse(URL), params)  # warm caches
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(reverse(URL), params).status_code == 200
    expected = len(few.captured_queries)  # read now: the next request clears the query log
    for name in ("Eve", "Fay", "Gus", "Hal", "Ida"):
        _ended(AgentFactory(first_name=name, last_name="", agent_group=sales_group), 2)
    admin_client.get(reverse(URL), params)
    with django_assert_num_queries(expected):
        assert admin_client.get(reverse(URL), params).status_code == 200


def test_a_manager_pages_through_their_own_team_only(agent_manager_client, teams):
    first = _table(agent_manager_client.get(reverse(URL), MARCH))
    second = _table(agent_manager_client.get(reverse(URL), {**MARCH, "rows": "2"}))
    assert _names(first) + _names(second) == ["Ann", "Bo", "Cy"]
    assert _total_ended(first) == _total_ended(second) == sum(SALES.values())


@pytest.mark.parametrize("persona", ["admin_client", "agent_manager_client"])
def test_report_readers_may_open_every_page(request, teams, persona):
    client = request.getfixturevalue(persona)
    for rows in ("1", "2"):
        assert client.get(reverse(URL), {**MARCH, "rows": rows}).status_code == 200


def test_agents_are_refused(agent_client, teams):
    assert agent_client.get(reverse(URL), {**MARCH, "rows": "2"}).status_code == 403


def test_anonymous_goes_to_login(client, teams):
    response = client.get(reverse(URL), {**MARCH, "rows": "2"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
