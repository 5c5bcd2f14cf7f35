"""The widget's money fields read the person's number format (issue 14, finding 8)."""

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from campaigns.models.people import NumberFormat
from tests.workspace.conftest import NOW
from workspace.models import EngagementAttributeEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("purchase_config")]

HX = {"HX-Request": "true", "HX-Target": "summary-outcomes"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def purchase(total: str) -> dict[str, str]:
    return {
        "add-purchase-total": total,
        "add-purchase-currency": "EUR",
        "add-purchase-orderId": "ORD-1",
    }


@pytest.mark.parametrize("typed", ["12,50", "1.234,50"])
def test_a_decimal_comma_agent_types_amounts_as_they_write_them(
    agent, agent_client, create_url, typed
):
    agent.number_format = NumberFormat.COMMA
    agent.save(update_fields=["number_format"])
    response = agent_client.post(create_url(), purchase(typed), headers=HX)
    assert response.status_code == 200
    expected = Decimal(typed.replace(".", "").replace(",", "."))
    assert EngagementAttributeEvent.objects.get().amount == expected


def test_a_decimal_point_agent_gets_the_message_beside_the_field(agent_client, create_url):
    response = agent_client.post(create_url(), purchase("12,50"), headers=HX)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_add-purchase-total_error"' in html
    assert "1,234.50" in html
    assert not EngagementAttributeEvent.objects.exists()


def test_a_decimal_comma_agent_still_cannot_send_an_exponent(agent, agent_client, create_url):
    agent.number_format = NumberFormat.COMMA
    agent.save(update_fields=["number_format"])
    response = agent_client.post(create_url(), purchase("1e3"), headers=HX)
    assert response.status_code == 422
    assert not EngagementAttributeEvent.objects.exists()


def test_the_correction_form_shows_the_amount_in_the_persons_format(
    agent, agent_client, create_url, detail_url
):
    agent_client.post(create_url(), purchase("1234.50"), headers=HX)
    agent.number_format = NumberFormat.COMMA
    agent.save(update_fields=["number_format"])
    event = EngagementAttributeEvent.objects.get()
    html = agent_client.get(detail_url).content.decode()
    assert f'name="edit-{event.pk}-total"' in html
    assert 'value="1234,50"' in html
    update = reverse("workspace:outcome-update", args=[event.conversation_id, event.pk])
    response = agent_client.post(
        update,
        {
            f"edit-{event.pk}-total": "1234,75",
            f"edit-{event.pk}-currency": "EUR",
            f"edit-{event.pk}-orderId": "ORD-1",
            f"edit-{event.pk}-version": "1",
        },
        headers=HX,
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.amount == Decimal("1234.75")
