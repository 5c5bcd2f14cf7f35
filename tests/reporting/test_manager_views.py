"""What managers expect to see on the goal tracker and the overview: a conversion rate, columns
sorted from the URL, a trend by day or week, and each headline number's change against the
previous period of the same length."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.catalogue import AttributeType
from reporting.filters import ReportFilters
from reporting.selectors.comparison import Change, headlines, previous_filters
from reporting.selectors.goal_tracker import (
    GoalTracker,
    Measures,
    TrackerRow,
    distinct_totals,
    goal_tracker_rows,
)
from reporting.selectors.trend import DAY, WEEK, conversion_trend, trend_unit
from reporting.sorting import SortRequest, sort_tracker
from tests.factories import AgentFactory, VisitorFactory
from tests.reporting.factories import T0, context_for, conversation, event
from workspace.models import Credit

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
TRACKER = reverse("reporting:goal-tracker")
HOME = reverse("reporting:home")
READERS = ["admin_client", "campaign_manager_client", "agent_manager_client"]


def _sale(agent, *, amount: str = "10.00", currency: str = "USD", started=T0):
    talk = conversation(agent, started=started)
    event(conversation=talk, amount=amount, currency=currency, action_id=f"O-{talk.pk}")
    return talk


def _text(response) -> str:
    """The page, with the thin and no-break spaces of formatted dates as plain spaces."""
    return re.sub("[\u2009\u202f\xa0]", " ", response.content.decode())


def _header_states(html: str) -> dict[str, str]:
    """{column title: aria-sort} for the tracker table's sorted column headers."""
    found = {}
    for state, title in re.findall(r'aria-sort="(\w+)">\s*<a[^>]*>([^<]+)<', html, flags=re.DOTALL):
        found[title.strip()] = state
    return found


def _agent_order(html: str, names: list[str]) -> list[str]:
    body = html.split('id="tracker-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>")[0]
    return sorted(names, key=body.index)


# Who may read them ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("url", [TRACKER, HOME])
def test_report_readers_see_rate_sorting_trend_and_changes(
    request, persona, url, default_sell, agent
):
    _sale(agent)
    client = request.getfixturevalue(persona)
    response = client.get(url, {**MARCH, "sort": "-conversions", "trend": "week"})
    assert response.status_code == 200
    html = _text(response)
    assert "Conversion rate" in html
    assert 'id="trend"' in html
    assert "Trend by week" in html
    assert "vs Jan 29 \u2013 Feb 28" in html


@pytest.mark.parametrize("url", [TRACKER, HOME])
def test_agents_are_refused(agent_client, url):
    assert agent_client.get(url, {"sort": "-conversions", "trend": "day"}).status_code == 403


@pytest.mark.parametrize("url", [TRACKER, HOME])
def test_anonymous_people_go_to_sign_in(client, url):
    response = client.get(url, {"sort": "rate"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Conversion rate ----------------------------------------------------------------------------


def test_conversion_rate_is_conversions_per_conversation_handled():
    assert Measures(handled=8, conversions=Decimal(2)).conversion_rate == Decimal("0.25")
    assert Measures(handled=3, conversions=Decimal("0.5")).conversion_rate == Decimal(
        "0.5"
    ) / Decimal(3)
    assert Measures(handled=0, conversions=Decimal(0)).conversion_rate is None
    # Cross-session credit can exceed the conversations handled: the rate says so.
    assert Measures(handled=2, conversions=Decimal(3)).conversion_rate == Decimal("1.5")


def test_the_table_shows_each_rows_rate_and_the_totals_rate(admin_client, default_sell):
    seller, idle = AgentFactory(first_name="Sel", last_name="Ler"), AgentFactory()
    _sale(seller)
    conversation(seller)
    conversation(seller)
    conversation(seller, started=T0 + timedelta(days=1))  # 1 conversion in 4 handled
    html = admin_client.get(TRACKER, MARCH).content.decode()
    table = html.split('id="tracker-table"', 1)[1].split("</table>")[0]
    seller_row = table.split("Sel Ler", 1)[1].split("</tr>")[0]
    assert "25.0%" in seller_row
    idle_row = table.split(idle.display_name, 1)[1].split("</tr>")[0]
    assert "n/a" in idle_row  # nothing handled: no rate
    total_row = table.split("<tfoot>", 1)[1].split("</tr>")[0]
    assert "25.0%" in total_row  # 1 conversion, 4 conversations handled in all


# Sorting -----------------------------------------------------------------------------------


def _tracker_of(*rows: TrackerRow) -> GoalTracker:
    return GoalTracker(
        rows=list(rows),
        total=Measures(handled=1),
        distinct_total=Measures(),
        revenue_currencies=["USD"],
        lead_currencies=[],
        statuses=[],
        by="",
    )


def _row(agent_id, name, *, conversions=0, handled=1, usd=None) -> TrackerRow:
    measures = Measures(handled=handled, conversions=Decimal(conversions))
    if usd is not None:
        measures.revenue["USD"] = Decimal(usd)
    return TrackerRow(agent_id=agent_id, agent_name=name, measures=measures)


def test_sort_parameter_is_read_with_its_direction():
    assert SortRequest.parse("-conversions") == SortRequest("conversions", True)
    assert SortRequest.parse("rate") == SortRequest("rate", False)
    assert SortRequest.parse("-revenue_usd") == SortRequest("revenue_USD", True)
    assert SortRequest.parse(" ") is None
    assert SortRequest.parse("-") is None


def test_rows_sort_by_a_number_with_empty_cells_and_the_unattributed_row_last():
    tracker = _tracker_of(
        _row(1, "Ann", conversions=1, usd="5"),
        _row(2, "Bob", conversions=3),
        _row(3, "Cid", conversions=2, usd="9"),
        _row(None, "", conversions=9, usd="50"),
    )
    sorting = sort_tracker(tracker, "-revenue_usd")
    assert [r.agent_name for r in tracker.rows] == ["Cid", "Ann", "Bob", ""]
    assert sorting.param == "-revenue_USD"
    assert not sorting.error
    sort_tracker(tracker, "revenue_USD")
    assert [r.agent_name for r in tracker.rows] == ["Ann", "Cid", "Bob", ""]
    sort_tracker(tracker, "-conversions")
    assert [r.agent_name for r in tracker.rows] == ["Bob", "Cid", "Ann", ""]


def test_ties_keep_the_default_order_in_both_directions():
    tracker = _tracker_of(_row(1, "Ann"), _row(2, "Bob"), _row(3, "Cid", conversions=1))
    sort_tracker(tracker, "-conversions")
    assert [r.agent_name for r in tracker.rows] == ["Cid", "Ann", "Bob"]
    sort_tracker(tracker, "conversions")
    assert [r.agent_name for r in tracker.rows] == ["Ann", "Bob", "Cid"]


def test_an_unknown_column_keeps_the_default_order_with_a_message():
    tracker = _tracker_of(_row(2, "Bob"), _row(1, "Ann"))
    sorting = sort_tracker(tracker, "-lead_value_eur")  # no EUR lead value in this table
    assert [r.agent_name for r in tracker.rows] == ["Bob", "Ann"]  # untouched
    assert "lead_value_eur" in sorting.error
    assert sorting.param == ""
    assert [c.key for c in sorting.columns if c.state] == ["agent"]


def test_sorted_page_marks_the_column_and_links_the_other_direction(admin_client, default_sell):
    few = AgentFactory(first_name="Few", last_name="Sales")
    many = AgentFactory(first_name="Many", last_name="Sales")
    none = AgentFactory(first_name="No", last_name="Sales")
    _sale(few)
    for hour in range(3):
        _sale(many, started=T0 + timedelta(hours=hour))
    conversation(none)
    names = ["Few Sales", "Many Sales", "No Sales"]

    html = admin_client.get(TRACKER, {**MARCH, "sort": "-conversions"}).content.decode()
    assert _agent_order(html, names) == ["Many Sales", "Few Sales", "No Sales"]
    assert _header_states(html) == {"Conversions": "descending"}
    # The sorted column's link turns it around; the filters and the sort travel together.
    assert "sort=conversions" in html
    assert "start=2026-03-01" in html
    assert 'name="sort" value="-conversions"' in html  # the filter form keeps the order

    html = admin_client.get(TRACKER, {**MARCH, "sort": "conversions"}).content.decode()
    assert _agent_order(html, names) == ["No Sales", "Few Sales", "Many Sales"]
    assert _header_states(html) == {"Conversions": "ascending"}

    html = admin_client.get(TRACKER, MARCH).content.decode()  # the default: by name
    assert _agent_order(html, names) == names
    assert _header_states(html) == {"Agent": "ascending"}


def test_an_unknown_sort_on_the_page_is_a_message_not_an_error(admin_client, default_sell, agent):
    _sale(agent)
    response = admin_client.get(TRACKER, {**MARCH, "sort": "-nonsense", "trend": "month"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be sorted by “-nonsense”" in html
    assert "is not a trend step" in html
    assert _header_states(html) == {"Agent": "ascending"}


# Trend -------------------------------------------------------------------------------------


def test_the_default_step_is_a_day_up_to_a_month_and_a_week_beyond():
    march = ReportFilters(start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert trend_unit(march, "") == (DAY, "")
    assert trend_unit(march.with_(end=date(2026, 4, 1)), None) == (WEEK, "")
    assert trend_unit(march, "week") == (WEEK, "")
    unit, error = trend_unit(march, "fortnight")
    assert unit == DAY
    assert "fortnight" in error


def _credit(at: datetime, *, weight="1", amount=None, currency="", reached=1):
    """One credit row dated ``at`` (what the trend reads): a customer-reported event left on a
    new visitor (written by the credit service as unattributed), then dated and weighed here."""
    kind = AttributeType.PURCHASE if amount is not None else AttributeType.LEAD
    made = event(
        kind,
        visitor=VisitorFactory(),
        source="server_api",
        amount=amount if amount is not None else "1.00",
        currency=currency or "USD",
        action_id=f"T-{at.isoformat()}-{amount}",
        at=at,
    )
    rows = Credit.objects.filter(event=made)
    assert rows.count() == 1
    rows.update(
        credited_at=at,
        weight=Decimal(weight),
        reached=reached,
        amount_share=Decimal(amount) if amount is not None else None,
        amount=Decimal(amount) if amount is not None else None,
        currency=currency,
    )


BERLIN = ZoneInfo("Europe/Berlin")  # summer time starts on Sunday 29 March 2026, 02:00


def _berlin(start: date, end: date):
    return context_for(start=start, end=end, tz=BERLIN, tz_key="Europe/Berlin")


def test_days_follow_the_report_time_zone_across_the_change_to_summer_time():
    for at in (
        datetime(2026, 3, 28, 22, 59, tzinfo=UTC),  # 23:59 CET, Saturday 28
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC),  # 00:00 CET, Sunday 29
        datetime(2026, 3, 29, 21, 59, tzinfo=UTC),  # 23:59 CEST, Sunday 29 (a 23-hour day)
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC),  # 00:00 CEST, Monday 30
    ):
        _credit(at)
    trend = conversion_trend(_berlin(date(2026, 3, 28), date(2026, 3, 30)), DAY)
    assert [(b.start, b.conversions) for b in trend.buckets] == [
        (date(2026, 3, 28), 1),
        (date(2026, 3, 29), 2),
        (date(2026, 3, 30), 1),
    ]


def test_weeks_start_on_monday_in_the_report_time_zone_and_stay_inside_the_period():
    _credit(datetime(2026, 3, 29, 21, 30, tzinfo=UTC), amount="10.00", currency="EUR")  # Sun
    _credit(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), amount="5.50", currency="EUR")  # Mon
    _credit(datetime(2026, 3, 30, 9, 0, tzinfo=UTC), amount="7.00", currency="USD")
    _credit(datetime(2026, 4, 6, 12, 0, tzinfo=UTC), weight="0.5", reached=1)  # Mon 6 Apr
    trend = conversion_trend(_berlin(date(2026, 3, 25), date(2026, 4, 7)), WEEK)
    assert [(b.start, b.end) for b in trend.buckets] == [
        (date(2026, 3, 25), date(2026, 3, 29)),  # the week of 23 March, from the period's start
        (date(2026, 3, 30), date(2026, 4, 5)),
        (date(2026, 4, 6), date(2026, 4, 7)),  # to the period's end
    ]
    assert [b.conversions for b in trend.buckets] == [1, 2, Decimal("0.5")]
    assert [b.revenue for b in trend.buckets] == [
        {"EUR": Decimal("10.00")},
        {"EUR": Decimal("5.50"), "USD": Decimal("7.00")},
        {},
    ]
    assert trend.currencies == ["EUR", "USD"]


def test_an_offset_time_zone_moves_the_day_too():
    _credit(datetime(2026, 3, 10, 20, 0, tzinfo=UTC))  # 01:30 on the 11th at UTC+05:30
    from reporting.filters import time_zone_for

    context = context_for(
        start=date(2026, 3, 10),
        end=date(2026, 3, 11),
        tz=time_zone_for("UTC+05:30"),
        tz_key="UTC+05:30",
    )
    trend = conversion_trend(context, DAY)
    assert [b.conversions for b in trend.buckets] == [0, 1]


def test_not_reached_events_add_money_but_no_conversion():
    _credit(datetime(2026, 3, 10, 9, tzinfo=UTC), amount="3.00", currency="USD", reached=0)
    trend = conversion_trend(context_for(start=date(2026, 3, 10), end=date(2026, 3, 10)), DAY)
    assert trend.buckets[0].conversions == 0
    assert trend.buckets[0].revenue == {"USD": Decimal("3.00")}


def test_the_trend_adds_up_to_the_tables_sum_of_rows(default_sell):
    agents = [AgentFactory() for _ in range(3)]
    for i in range(9):
        _sale(agents[i % 3], amount=f"{i + 1}.25", started=T0 + timedelta(days=i - 4, hours=i))
    context = context_for()
    tracker = goal_tracker_rows(context)
    for unit in (DAY, WEEK):
        trend = conversion_trend(context, unit)
        assert sum(b.conversions for b in trend.buckets) == tracker.total.conversions == 9
        usd = sum(b.revenue.get("USD", 0) for b in trend.buckets)
        assert usd == tracker.total.revenue["USD"]


def test_the_chart_is_svg_with_a_title_a_description_and_its_numbers(admin_client, default_sell):
    agent = AgentFactory()
    _sale(agent, amount="12.00", currency="EUR")
    _sale(agent, amount="30.00", currency="USD", started=T0 + timedelta(days=2))
    html = admin_client.get(TRACKER, MARCH).content.decode()
    trend = html.split('id="trend"', 1)[1].split("</section>", 1)[0]
    assert trend.count("<svg") == 3  # conversions, revenue in EUR, revenue in USD
    assert 'aria-labelledby="trend-conversions-title trend-conversions-desc"' in trend
    assert "<desc" in trend
    assert "style=" not in trend
    assert "Revenue (EUR)" in trend
    assert "Revenue (USD)" in trend
    assert "<details" in trend
    assert "<table" in trend
    assert trend.count('scope="row"') == 31  # one row per day of March
    assert 'aria-current="true">By day' in trend


# Change against the previous period ----------------------------------------------------------


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    march = ReportFilters(start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert previous_filters(march).start == date(2026, 1, 29)
    assert previous_filters(march).end == date(2026, 2, 28)
    one_day = march.with_(start=date(2026, 3, 10), end=date(2026, 3, 10))
    assert (previous_filters(one_day).start, previous_filters(one_day).end) == (
        date(2026, 3, 9),
        date(2026, 3, 9),
    )


def test_change_is_a_share_of_the_previous_value_and_points_for_rates():
    assert Change(Decimal(112), Decimal(100)).percent == Decimal("0.12")
    assert Change(Decimal(50), Decimal(100)).direction == "down"
    assert Change(Decimal(3), Decimal(0)).percent is None  # up from nothing
    assert Change(Decimal(0), Decimal(0)).direction == "same"
    rate = Change(Decimal("0.25"), Decimal("0.2"), points=True)
    assert rate.percent == Decimal("0.05")
    assert rate.direction == "up"
    assert not Change(None, Decimal("0.2"), points=True).comparable


def test_headline_changes_compare_with_the_previous_period(default_sell):
    seller = AgentFactory()
    # The previous period (29 Jan - 28 Feb): 2 sales in 4 conversations, 40 USD.
    before = datetime(2026, 2, 10, 12, tzinfo=UTC)
    _sale(seller, amount="15.00", started=before)
    _sale(seller, amount="25.00", started=before + timedelta(days=1))
    conversation(seller, started=before)
    conversation(seller, started=before)
    # This period (March): 3 sales in 3 conversations, 50 USD and 8 EUR.
    _sale(seller, amount="20.00")
    _sale(seller, amount="30.00", started=T0 + timedelta(days=1))
    _sale(seller, amount="8.00", currency="EUR", started=T0 + timedelta(days=2))
    context = context_for()
    tracker = goal_tracker_rows(context)
    previous = distinct_totals(context.with_filters(previous_filters(context.filters)))
    by_key = {(h.key, h.currency): h for h in headlines(tracker.distinct_total, previous)}
    conversions = by_key[("conversions", "")].change
    assert (conversions.current, conversions.previous) == (3, 2)
    assert conversions.percent == Decimal("0.5")
    handled = by_key[("handled", "")].change
    assert (handled.current, handled.previous, handled.direction) == (3, 4, "down")
    rate = by_key[("rate", "")]
    assert rate.value == 1  # 100 % vs 50 %: +50 pts
    assert rate.change.percent == Decimal("0.5")
    assert by_key[("revenue", "USD")].change.percent == Decimal("0.25")  # 50 vs 40
    assert by_key[("revenue", "EUR")].change.percent is None  # none before


def test_the_page_writes_the_change_with_an_arrow_and_words(admin_client, default_sell):
    seller = AgentFactory()
    _sale(seller, started=datetime(2026, 2, 10, 12, tzinfo=UTC))
    _sale(seller)
    _sale(seller, started=T0 + timedelta(hours=2))
    html = admin_client.get(TRACKER, MARCH).content.decode()
    headline = html.split('id="headlines"', 1)[1].split("</div>\n</div>")[0]
    conversions = headline.split("Conversions", 1)[1].split('class="stat"')[0]
    assert "stat__change--up" in conversions
    assert "▲" in conversions
    assert "Up:" in conversions
    assert "+100%" in conversions


# Query counts ------------------------------------------------------------------------------


def _busy(agents, count: int, offset: int = 0) -> None:
    for i in range(offset, offset + count):
        agent = agents[i % len(agents)]
        talk = _sale(agent, amount=f"{i + 1}.00", started=T0 + timedelta(hours=i))
        event("lead", conversation=talk, amount="3.00", currency="EUR", action_id=f"L-{i}")
        _sale(agent, started=T0 - timedelta(days=20, hours=i))  # in the previous period


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (TRACKER, {**MARCH, "sort": "-rate", "trend": "week"}),
        (TRACKER, {**MARCH, "sort": "-revenue_usd", "by": "skill"}),
        (HOME, {**MARCH, "trend": "day"}),
    ],
)
def test_queries_stay_constant_as_rows_grow(
    admin_client, default_sell, django_assert_num_queries, url, params
):
    agents = [AgentFactory() for _ in range(3)]
    _busy(agents, 1)
    admin_client.get(url, params)  # warm the caches (account settings, content types)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url, params).status_code == 200
    expected = len(few.captured_queries)
    _busy(agents + [AgentFactory() for _ in range(4)], 12, offset=1)
    admin_client.get(url, params)
    with django_assert_num_queries(expected):
        assert admin_client.get(url, params).status_code == 200


# Chart geometry ----------------------------------------------------------------------------


def test_counts_get_whole_round_steps_and_columns_in_proportion():
    from reporting.charts import column_chart

    chart = column_chart([("a", Decimal(9)), ("b", Decimal(3)), ("c", Decimal(0))], whole=True)
    assert [g.value for g in chart.gridlines] == [0, 5, 10]
    tallest, third, empty = chart.columns
    assert tallest.height == pytest.approx(third.height * 3, abs=0.2)
    assert empty.height == 0
    assert tallest.y + tallest.height == chart.baseline
    money = column_chart([("a", Decimal("123.45"))])
    assert [g.value for g in money.gridlines] == [0, 50, 100, 150]


# The folded filter form ------------------------------------------------------------------------


def test_the_filter_summary_names_the_active_filters_and_follows_htmx_swaps(
    admin_client, default_sell, agent
):
    _sale(agent)
    html = admin_client.get(TRACKER, {**MARCH, "agent": agent.pk}).content.decode()
    fold = html.split('<details class="filters-fold"', 1)[1].split("</summary>")[0]
    assert f"Agent: {agent.display_name}" in fold
    assert fold.startswith(">")  # folded (phones; wide screens show it through CSS)
    swap = admin_client.get(
        TRACKER,
        {**MARCH, "source": "agent", "sort": "-rate"},
        headers={"HX-Request": "true", "HX-Target": "report-body"},
    ).content.decode()
    assert "<html" not in swap
    assert 'id="filters-active" hx-swap-oob="true"' in swap
    assert "Source: Agent-reported" in swap
    assert "sort=-rate" in swap  # the events' pagination and the trend links keep the order


def test_filters_with_errors_open_the_folded_form(admin_client):
    response = admin_client.get(TRACKER, {"start": "2026-03-31", "end": "2026-03-01"})
    assert response.status_code == 422
    assert '<details class="filters-fold" open>' in response.content.decode()
