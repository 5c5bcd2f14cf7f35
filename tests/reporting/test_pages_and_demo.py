"""Page conventions (htmx links with fallbacks, charts readable without colour), navigation,
and the demo targets."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from campaigns.demo import seed_people
from campaigns.roles import roles_sync
from outcomes_site.navigation import nav_items_for
from reporting.charts import bar_chart
from reporting.demo import seed_reporting
from reporting.models import Target
from reporting.selectors.targets import targets_for_filters
from tests.reporting.factories import context_for

TEMPLATES = sorted((Path(settings.BASE_DIR) / "reporting" / "templates").rglob("*.html"))
ELEMENT = re.compile(r"<(a|form|div|section|span|button)\b[^>]*\bhx-get=[^>]*>", re.S)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_hx_get_has_a_plain_fallback(path):
    """Links carry an href and forms an action and method, so pages work without JavaScript;
    no inline script, style or hx-on (the content security policy forbids them)."""
    source = path.read_text()
    for match in ELEMENT.finditer(source):
        element, tag = match.group(0), match.group(1)
        assert tag in ("a", "form"), element
        if tag == "a":
            assert "href=" in element, element
        else:
            assert 'action="' in element, element
            assert 'method="get"' in element, element
    assert "style=" not in source
    assert "hx-on" not in source
    assert "<script>" not in source


def test_bar_chart_geometry_and_hidden_rest():
    items = [
        ("Ann", Decimal(3), Decimal(1)),
        ("Bob", Decimal(2), Decimal(0)),
        ("Cy", Decimal(0), Decimal(0)),
    ]
    chart = bar_chart(items, limit=1)
    [bar] = chart.bars
    assert (bar.label, bar.total) == ("Ann", 4)
    assert bar.in_width == 330.0  # 3 of 4 on a 440-point scale
    assert bar.cross_width == 110.0
    assert bar.cross_x == 170 + 330.0
    assert chart.hidden == 1  # Bob; Cy has nothing to show


@pytest.mark.django_db
def test_agents_land_on_the_workspace_and_see_their_summary_next(agent):
    labels = [str(item.label) for item in nav_items_for(agent)]
    assert labels == ["Agent Workspace", "My summary"]


@pytest.mark.django_db
def test_goal_tracker_names_its_date_semantics(admin_client):
    html = admin_client.get(reverse("reporting:goal-tracker")).content.decode()
    assert "dated by the start of the conversation they are credited to" in html
    assert "Attribution:" in html


@pytest.mark.django_db
def test_seed_reporting_makes_monthly_targets_once():
    roles_sync()
    seed_people(password_hash="x")
    now = datetime(2026, 3, 20, tzinfo=UTC)
    seed_reporting(now=now)
    made = Target.objects.count()
    seed_reporting(now=now)
    assert Target.objects.count() == made > 0
    assert set(Target.objects.values_list("month", flat=True)) == {
        date(2026, 3, 1),
        date(2026, 2, 1),
    }
    assert Target.objects.filter(group__name="Sales team", goal_type="sell").exists()
    assert Target.objects.filter(agent__username="agent2", goal_type="sell").exists()


@pytest.mark.django_db
def test_targets_on_the_tracker_follow_the_agent_and_group_filters(agent, other_agent, sales_group):
    mine = Target.objects.create(
        month=date(2026, 3, 1), agent=agent, goal_type="sell", count_target=1
    )
    team = Target.objects.create(
        month=date(2026, 3, 1), group=sales_group, goal_type="sell", count_target=1
    )
    Target.objects.create(
        month=date(2026, 3, 1), agent=other_agent, goal_type="sell", count_target=1
    )
    assert set(targets_for_filters(context_for(agent_id=agent.pk), date(2026, 3, 1))[0]) == {
        mine,
        team,
    }
    assert set(targets_for_filters(context_for(group_id=sales_group.pk), date(2026, 3, 1))[0]) == {
        mine,
        team,
    }
    # Narrowed to a page of agents: the groups' and those agents' targets; the rest counted.
    shown, elsewhere = targets_for_filters(context_for(), date(2026, 3, 1), agents=[agent.pk])
    assert set(shown) == {mine, team}
    assert elsewhere == 1
