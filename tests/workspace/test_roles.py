"""Every widget endpoint for every role: who may post (htmx fragment), who is refused, and that
a refused post saves nothing."""

from decimal import Decimal
from uuid import uuid4

import pytest
import time_machine
from django.urls import reverse

from campaigns.catalogue import AttributeType
from campaigns.models import AuditEntry, QuestionKind
from tests.workspace.conftest import NOW
from tests.workspace.factories import agent_survey, attribute_config
from workspace.services.outcomes import no_outcome_choose, outcome_submit

pytestmark = pytest.mark.django_db

ALLOWED = {"agent_client": 200, "agent_manager_client": 200, "admin_client": 200}
REFUSED = {"other_agent_client": 404, "other_manager_client": 404, "campaign_manager_client": 404}
AGENT_ONLY = {"agent_client": 302, "agent_manager_client": 403, "admin_client": 403}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def setup(agent, conversation, sales_skill, other_agent):
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill])
    attribute_config(AttributeType.LEAD, skills=[sales_skill], required=True)
    agent_survey(skills=[sales_skill], questions=[("Notes", QuestionKind.FREE_TEXT, False, [])])
    event = outcome_submit(
        conversation=conversation,
        attribute_type="purchase",
        values={"total": Decimal(10), "orderId": "R-1"},
        currency="USD",
        actor=agent,
        token=None,
        now=NOW,
    )
    pk, e = conversation.pk, event.pk
    return {
        "outcome-create": (
            reverse("workspace:outcome-create", args=[pk, "purchase"]),
            {"add-purchase-total": "5", "add-purchase-currency": "USD", "add-purchase-reason": "r"},
        ),
        "outcome-update": (
            reverse("workspace:outcome-update", args=[pk, e]),
            {
                f"edit-{e}-total": "12",
                f"edit-{e}-currency": "USD",
                f"edit-{e}-orderId": "R-1",
                f"edit-{e}-version": 1,
                f"edit-{e}-reason": "r",
            },
        ),
        "outcome-retract": (
            reverse("workspace:outcome-retract", args=[pk, e]),
            {f"retract-{e}-version": 1, f"retract-{e}-reason": "wrong"},
        ),
        "no-outcome-create": (
            reverse("workspace:no-outcome-create", args=[pk, "lead"]),
            {"none-lead-reason": "r"},
        ),
        "survey-submit": (
            reverse("workspace:survey-submit", args=[pk]),
            {"survey-seen": 0, "survey-reason": "r", "survey-token": str(uuid4())},
        ),
        "survey-dismiss": (
            reverse("workspace:survey-dismiss", args=[pk]),
            {"dismiss-reason": "r", "dismiss-token": str(uuid4()), "dismiss-confirm": "True"},
        ),
        "conversation-close": (reverse("workspace:conversation-close", args=[pk]), {}),
        "conversation-transfer": (
            reverse("workspace:conversation-transfer", args=[pk]),
            {"agent": other_agent.pk},
        ),
    }


WIDGET = [
    "outcome-create",
    "outcome-update",
    "outcome-retract",
    "no-outcome-create",
    "survey-submit",
    "survey-dismiss",
]
CASES = [(name, persona, status) for name in WIDGET for persona, status in ALLOWED.items()]
CASES += [
    (name, persona, status)
    for name in ["conversation-close", "conversation-transfer"]
    for persona, status in AGENT_ONLY.items()
]
CASES += [
    (name, persona, status)
    for name in [*WIDGET, "conversation-close", "conversation-transfer"]
    for persona, status in REFUSED.items()
]


@pytest.mark.parametrize(("endpoint", "persona", "status"), CASES)
def test_endpoint_per_role(request, setup, agent, conversation, endpoint, persona, status):
    if endpoint == "conversation-close":  # the required lead is declined so the close may pass
        no_outcome_choose(conversation=conversation, attribute_type="lead", actor=agent, now=NOW)
    url, data = setup[endpoint]
    client = request.getfixturevalue(persona)
    audit_before = AuditEntry.objects.count()
    headers = {"HX-Request": "true"} if endpoint in WIDGET else {}
    response = client.post(url, data, headers=headers)
    assert response.status_code == status, response.content.decode()[:500]
    if status == 200:
        html = response.content.decode()
        assert "<html" not in html
        # The fragment it changed: the survey section, the one outcome type it saved, or (a
        # later outcome of a type) the form that adds another.
        assert html.strip().startswith(
            ('<section id="summary-', '<div class="outcome-type"', '<div class="outcome-add-more"')
        )
    if status in (403, 404):
        assert AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("endpoint", [*WIDGET, "conversation-close", "conversation-transfer"])
def test_anonymous_is_sent_to_login(client, setup, endpoint):
    url, data = setup[endpoint]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("login"))
