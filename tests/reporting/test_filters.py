"""Report filters take what people type (UTC, offsets, zone names in any case) and never fall
back silently: an invalid value is named beside its field, with a notice that the filters were
not applied, on every report page that has the filter form."""

import re

import pytest
from django.urls import reverse

from reporting.filters import Scope, time_zone_key
from reporting.forms import ReportFilterForm
from tests.reporting.factories import T0, conversation, event

pytestmark = pytest.mark.django_db
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Z", "UTC"),
        ("+00:00", "UTC"),
        ("+05:30", "UTC+05:30"),
        ("-03:00", "UTC-03:00"),
        ("UTC+05:30", "UTC+05:30"),
        ("utc-3", "UTC-03:00"),
        ("+0530", "UTC+05:30"),
        (" 05:30", "UTC+05:30"),  # "?tz=+05:30" typed in a URL: the plus arrives as a space
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("AMERICA/NEW YORK", "America/New_York"),
    ],
)
def test_time_zones_as_people_type_them(typed, key):
    assert time_zone_key(typed) == key


@pytest.mark.parametrize(
    "typed", ["Mars/Olympus", "+15:00", "+05:75", "05:30", "UTC+", "../../etc/passwd", ""]
)
def test_what_is_not_a_time_zone_is_refused(typed):
    with pytest.raises(ValueError, match=f"^{re.escape(typed)}$"):
        time_zone_key(typed)


def _form(data, user=None):
    scope = Scope.for_reports(user) if user else Scope(Scope.ALL)
    return ReportFilterForm(data, scope=scope, account_tz_key="Europe/Paris")


def test_a_typed_zone_is_applied_with_the_dates_asked_for():
    filters = _form({**MARCH, "tz": "utc"}).filters()
    assert (filters.tz_key, filters.tz_is_default) == ("UTC", False)
    assert (filters.start.isoformat(), filters.end.isoformat()) == ("2026-03-01", "2026-03-31")
    assert filters.params()["tz"] == "UTC"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"tz": "Mars/Olympus"}, "tz", "“Mars/Olympus” is not a time zone"),
        ({"start": "2026-02-30"}, "start", "“2026-02-30” is not a date"),
        ({"start": "2026-03-31", "end": "2026-03-01"}, "end", "on or after the start date"),
        ({"start": "2025-01-01", "end": "2026-03-01"}, "end", "at most 400 days"),
        ({"skill": "abc"}, "skill", "“abc” is not one of the choices"),
        ({"campaign": "999999"}, "campaign", "“999999” is not one of the choices"),
        ({"goal": "x"}, "goal", "“x” is not one of the choices"),
        ({"goal_type": "bogus"}, "goal_type", "“bogus” is not one of the choices"),
        ({"source": "robot"}, "source", "“robot” is not one of the choices"),
        ({"by": "moon"}, "by", "“moon” is not one of the choices"),
    ],
)
def test_each_invalid_value_is_named_on_its_field(data, field, words):
    form = _form({**MARCH, **data})
    assert not form.is_valid()
    assert [name for name, _label, _message in form.problems()] == [field]
    assert words in form.errors[field][0]


def test_an_agent_outside_the_managers_groups_is_an_error_not_an_empty_filter(
    agent_manager, other_agent
):
    form = _form({**MARCH, "agent": str(other_agent.pk)}, agent_manager)
    assert list(form.errors) == ["agent"]


def _late_order(agent) -> None:
    """An order on 31 March at 22:00 UTC: 1 April from UTC+05:30."""
    talk = conversation(agent, started=T0.replace(day=31, hour=22))
    event(conversation=talk, amount="10.00", action_id="ORD-LATE")


def _conversions(client, **params) -> str:
    """The headline "Conversions" of the goal tracker page, and the zone it names."""
    response = client.get(reverse("reporting:goal-tracker"), {**MARCH, **params})
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(
        r'stat__label">Conversions</p>\s*<p class="stat__value">\s*<a [^>]*>([^<]*)<', html
    )
    return match[1]


def test_the_goal_tracker_reads_the_typed_zone(admin_client, default_sell, agent):
    _late_order(agent)
    assert _conversions(admin_client, tz="UTC") == "1"
    assert _conversions(admin_client, tz="utc") == "1"
    assert _conversions(admin_client, tz="+05:30") == "0"
    assert _conversions(admin_client, tz="+0530") == "0"
    assert _conversions(admin_client, tz="Asia/Kolkata") == "0"
    assert _conversions(admin_client, tz="asia/kolkata") == "0"
    assert _conversions(admin_client, tz="-03:00") == "1"


def test_an_invalid_filter_is_shown_beside_its_field_with_a_notice(admin_client, default_sell):
    response = admin_client.get(reverse("reporting:goal-tracker"), {**MARCH, "tz": "Mars/Olympus"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "These filters were not applied." in html
    # The field keeps what was typed, with the message tied to it.
    assert re.search(r'<input [^>]*name="tz"[^>]*value="Mars/Olympus"', html)
    assert 'aria-describedby="id_tz_helptext id_tz_error"' in html or "id_tz_error" in html
    error = re.search(r'<ul class="field__errors" id="id_tz_error">(.*?)</ul>', html, re.S)
    assert "“Mars/Olympus” is not a time zone" in error[1]
    # The report below says which period it does show: the default, not March.
    assert '<time datetime="2026-03-01">' not in html


def test_a_hidden_filter_names_its_error_in_the_notice(admin_client, default_sell):
    html = admin_client.get(reverse("reporting:goal-tracker"), {**MARCH, "goal": "x"}).content
    notice = re.search(r'id="filters-not-applied">(.*?)</div>', html.decode(), re.S)
    assert "Goal: “x” is not one of the choices here." in notice[1]


def test_with_htmx_an_invalid_filter_swaps_the_form_and_the_report(
    admin_client, default_sell, htmx_headers
):
    response = admin_client.get(
        reverse("reporting:goal-tracker"),
        {**MARCH, "start": "2026-02-30"},
        headers={**htmx_headers, "HX-Target": "report-body"},
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reselect"] == "#main"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert 'id="id_start_error"' in html
    assert 'id="report-body"' in html


def test_with_htmx_valid_filters_still_swap_only_the_report(
    admin_client, default_sell, htmx_headers
):
    response = admin_client.get(
        reverse("reporting:goal-tracker"),
        {**MARCH, "tz": "UTC"},
        headers={**htmx_headers, "HX-Target": "report-body"},
    )
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("reporting:goal-tracker", {}),
        ("reporting:event-list", {"measure": "conversions"}),
        ("reporting:conversation-list", {"family": "handled"}),
        ("reporting:duplicate-list", {}),
        ("reporting:survey-report", {}),
        ("reporting:completeness", {}),
    ],
)
def test_every_report_page_refuses_the_same_way(admin_client, default_sell, name, params):
    response = admin_client.get(reverse(name), {**MARCH, **params, "tz": "Nowhere"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "These filters were not applied." in html
    assert "“Nowhere” is not a time zone" in html


def test_an_agents_own_summary_refuses_the_same_way(agent_client, default_sell):
    response = agent_client.get(reverse("reporting:my-summary"), {**MARCH, "end": "soon"})
    assert response.status_code == 422
    assert "“soon” is not a date" in response.content.decode()


def test_the_time_zone_box_suggests_zones_and_shows_the_account_zone(admin_client):
    html = admin_client.get(reverse("reporting:goal-tracker"), MARCH).content.decode()
    assert re.search(r'<input [^>]*list="time-zone-choices"', html)
    assert '<option value="UTC+05:30">' in html
    assert '<option value="Europe/Paris">' in html
    assert 'placeholder="Account time zone (' in html


def test_a_report_and_its_table_export_use_the_same_typed_zone(admin_client, default_sell, agent):
    _late_order(agent)

    def total_row(tz: str) -> str:
        params = {**MARCH, "tz": tz, "format": "csv"}
        response = admin_client.get(reverse("reporting:goal-tracker-export"), params)
        assert response.status_code == 200
        return response.content.decode("utf-8-sig").splitlines()[-1]

    # Handled, conversions, conversion rate (%), in-session, cross-session, revenue (USD).
    assert total_row("utc") == "Sum of rows,1,1,100.0,1,0,10.00"
    assert total_row("+05:30") == "Sum of rows,0,0,,0,0"
