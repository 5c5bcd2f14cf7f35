"""The empty "report an outcome" form in a widget fragment: the form rendered afresh for each
request, with its own address, CSRF token and idempotency token, and the configuration of now
(workspace/views/widget_forms.py)."""

import re

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from campaigns.catalogue import AttributeType
from campaigns.models import AttributeField
from tests.factories import ConversationFactory
from tests.workspace.conftest import NOW
from workspace.forms.outcomes import OutcomeForm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("purchase_config")]
FRAGMENT = {"HX-Request": "true", "HX-Target": "summary-outcomes"}
FORM = re.compile(r'<form method="post" action="[^"]*/outcomes/purchase/".*?</form>', re.S)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(client, conversation) -> str:
    url = reverse("workspace:conversation-detail", args=[conversation.pk])
    return FORM.search(client.get(url, headers=FRAGMENT).content.decode()).group(0)


def _value(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_the_widget_form_is_the_form_rendered_afresh(agent_client, conversation, purchase_config):
    html = _form(agent_client, conversation)
    token, csrf = _value(html, "add-purchase-token"), _value(html, "csrfmiddlewaretoken")
    action = reverse("workspace:outcome-create", args=[conversation.pk, "purchase"])
    fresh = OutcomeForm(
        prefix="add-purchase",
        fields=list(purchase_config.fields.all()),
        attribute_type="purchase",
        default_currency="USD",
        needs_reason=False,
        initial={"token": token},
    )
    context = {"form": fresh, "action": action, "submit_label": "Submit", "csrf_token": csrf}
    assert html == render_to_string("workspace/_outcome_form.html", context).strip()


def test_each_render_has_its_own_address_and_tokens(agent_client, agent, conversation, sales_skill):
    other = ConversationFactory(agent=agent, skill=sales_skill, started_at=conversation.started_at)
    first, again, second = (
        _form(agent_client, conversation),
        _form(agent_client, conversation),
        _form(agent_client, other),
    )
    assert f"/conversations/{conversation.pk}/outcomes/purchase/" in first
    assert f"/conversations/{other.pk}/outcomes/purchase/" in second
    tokens = {_value(html, "add-purchase-token") for html in (first, again, second)}
    assert len(tokens) == 3
    assert "__outcome_" not in first + again + second


def test_a_new_display_name_shows_at_the_next_request(agent_client, conversation):
    assert "Order total" in _form(agent_client, conversation)
    field = AttributeField.objects.get(
        property_key="total", config__attribute_type=AttributeType.PURCHASE
    )
    field.display_name = "Basket value"
    field.save()  # a save through the model: a new configuration stamp
    html = _form(agent_client, conversation)
    assert "Basket value" in html
    assert "Order total" not in html


def test_the_managers_form_asks_for_a_reason(agent_manager_client, conversation):
    html = _form(agent_manager_client, conversation)
    assert 'name="add-purchase-reason"' in html
    assert "Submit on behalf" in html
