"""An outcome's panels (correction form, retraction form, history): the page carries them, a
widget fragment loads each when it is opened (workspace:outcome-part)."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.workspace.conftest import NOW
from tests.workspace.test_outcome_changes import signed_in, submit
from workspace.services.outcomes import outcome_correct

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
FRAGMENT = {**HX, "HX-Target": "summary-outcomes"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def event(conversation, agent, purchase_config):
    return submit(conversation, agent)


def part_url(event, part):
    return reverse("workspace:outcome-part", args=[event.conversation_id, event.pk, part])


def test_the_page_carries_the_panels_and_a_fragment_loads_them(agent_client, event, detail_url):
    page = agent_client.get(detail_url).content.decode()
    assert f'name="edit-{event.pk}-total"' in page
    assert f'name="retract-{event.pk}-reason"' in page
    assert "Reported" in page  # the history
    fragment = agent_client.get(detail_url, headers=FRAGMENT).content.decode()
    assert f'name="edit-{event.pk}-total"' not in fragment
    assert f'hx-get="{part_url(event, "correct")}"' in fragment
    assert f'hx-get="{part_url(event, "history")}"' in fragment
    assert "History (1 version)" in fragment


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("correct", 'name="edit-{pk}-total" value="100.00"'),
        ("retract", 'name="retract-{pk}-reason"'),
        ("history", "Reported"),
    ],
)
def test_the_agent_opens_each_panel(agent_client, event, part, expected):
    response = agent_client.get(part_url(event, part), headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert expected.format(pk=event.pk) in html
    assert '<li class="outcome' not in html  # the panel only


def test_the_agents_manager_gets_the_amendment_form(agent_manager_client, event):
    html = agent_manager_client.get(part_url(event, "correct"), headers=HX).content.decode()
    assert "Save amendment" in html
    assert f'name="edit-{event.pk}-reason"' in html


def test_a_former_agent_reads_the_history_but_gets_no_form(event, conversation, other_agent):
    from workspace.models import Segment

    Segment.objects.create(
        conversation=conversation, agent=other_agent, skill=conversation.skill, started_at=NOW
    )
    client = signed_in(other_agent)
    assert client.get(part_url(event, "history"), headers=HX).status_code == 200
    assert client.get(part_url(event, "correct"), headers=HX).status_code == 403


def test_refusals(client, other_agent_client, other_manager_client, event):
    response = client.get(part_url(event, "correct"), headers=HX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/login/")
    assert other_agent_client.get(part_url(event, "correct"), headers=HX).status_code == 404
    assert other_manager_client.get(part_url(event, "history"), headers=HX).status_code == 404


def test_unknown_panels_and_outcomes_are_404(agent_client, event, conversation):
    assert agent_client.get(part_url(event, "delete"), headers=HX).status_code == 404
    url = reverse("workspace:outcome-part", args=[conversation.pk, event.pk + 999, "history"])
    assert agent_client.get(url, headers=HX).status_code == 404


def test_without_htmx_the_panel_is_on_the_page(agent_client, event, detail_url):
    response = agent_client.get(part_url(event, "retract"))
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url}#outcome-{event.pk}"


def test_the_history_panel_reads_the_same_queries_however_long_it_grows(
    agent_client, agent, event, django_assert_num_queries
):
    url = part_url(event, "history")
    agent_client.get(url, headers=HX)
    # session, user, conversation, permissions, settings, the outcomes and their revisions
    with django_assert_num_queries(7) as first:
        agent_client.get(url, headers=HX)
    for version in range(1, 6):
        event = outcome_correct(
            event=event, values={"total": Decimal(100 + version), "orderId": "ORD-1"},
            currency="USD", version=version, actor=agent, now=NOW,
        )  # fmt: skip
    expected = len(first.captured_queries)
    with django_assert_num_queries(expected):
        html = agent_client.get(url, headers=HX).content.decode()
    assert html.count("Corrected") == 5
