"""Names are saved without bidirectional controls and shown in ``<bdi>``.

``outcomes_site.names``: one cleaning helper (``NameField``) that the forms saving names use.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from campaigns.models import (
    AgentGroup,
    AgentSurvey,
    AttributeConfig,
    Campaign,
    Connector,
    Goal,
    Skill,
    User,
)
from campaigns.roles import Role
from outcomes_site.names import BIDI_CONTROLS, strip_bidi_controls
from tests.campaigns.factories import SurveyFactory
from tests.factories import ConversationFactory, GoalFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Sales\u202egnp.exe" reads as "Salesexe.png"


def test_every_listed_control_is_removed_and_letters_are_kept():
    controls = "".join(sorted(BIDI_CONTROLS))
    assert {f"U+{ord(c):04X}" for c in controls} == {
        *(f"U+{code:04X}" for code in range(0x202A, 0x202F)),
        *(f"U+{code:04X}" for code in range(0x2066, 0x206A)),
        "U+200E",
        "U+200F",
        "U+061C",
    }
    assert strip_bidi_controls(f"a{controls}b") == "ab"
    # Right-to-left letters and the joiners some scripts need stay as typed.
    hebrew, arabic = "\u05e9\u05e8\u05d4", "\u0645\u0631\u064a\u0645"
    persian_with_zwnj = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    names = f"{hebrew} {arabic} {persian_with_zwnj}"
    assert strip_bidi_controls(names) == names


def test_a_person_saved_through_the_form_has_no_overrides(admin_client):
    response = admin_client.post(
        reverse("campaigns:user-create"),
        {
            "username": f"eve{RLO}",
            "first_name": f"{RLO}Eve",
            "last_name": f"Nov\u2067ak\u2069{RLO}",
            "email": "eve@example.com",
            "password": "a-long-enough-passphrase-42",
            "roles": [Group.objects.get(name=Role.AGENT).pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="eve@example.com")
    assert (person.username, person.first_name, person.last_name) == ("eve", "Eve", "Novak")


def test_a_name_that_is_only_controls_is_missing(admin_client):
    response = admin_client.post(reverse("campaigns:skill-create"), {"name": f" {RLO}\u200f "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Skill.objects.exists()


@pytest.mark.parametrize(
    ("url", "data", "saved"),
    [
        ("campaigns:skill-create", {}, lambda: Skill.objects.get().name),
        ("campaigns:group-create", {}, lambda: AgentGroup.objects.get().name),
        (
            "campaigns:goal-create",
            {
                "goal_type": "service",
                "sell_condition": "any",
                "boxes-TOTAL_FORMS": "1",
                "boxes-INITIAL_FORMS": "0",
                "boxes-0-topic": f"Refund{RLO}gnp.exe",
                "boxes-0-status": "1",
            },
            lambda: (Goal.objects.get().name, Goal.objects.get().status_boxes.get().topic),
        ),
        (
            "campaigns:survey-create",
            {"timeout_minutes": "30"},
            lambda: AgentSurvey.objects.get().name,
        ),
        ("campaigns:connector-create", {}, lambda: Connector.objects.get().name),
    ],
    ids=["skill", "group", "goal", "survey", "connector"],
)
def test_names_saved_through_forms_have_no_overrides(admin_client, url, data, saved):
    response = admin_client.post(reverse(url), {"name": f"Sales{RLO}gnp.exe", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    expected = "Salesgnp.exe"
    assert saved() in (expected, (expected, "Refundgnp.exe"))


def test_a_campaign_name_has_no_overrides(admin_client):
    goal = GoalFactory()
    data = {"name": f"\u2066Spring{RLO}", "status": "active", "goal": goal.pk}
    assert admin_client.post(reverse("campaigns:campaign-create"), data).status_code == 302
    assert Campaign.objects.get().name == "Spring"


def test_question_text_and_options_have_no_overrides(admin_client):
    survey = SurveyFactory()
    data = {"text": f"Ready{RLO}?", "kind": "single", "options": f"Yes{RLO}\n\u202bNo"}
    url = reverse("campaigns:question-create", args=[survey.pk])
    assert admin_client.post(url, data).status_code == 302
    question = survey.questions.get()
    assert question.text == "Ready?"
    assert [option.label for option in question.options.all()] == ["Yes", "No"]


def test_field_display_names_have_no_overrides(admin_client, sales_skill):
    url = reverse("campaigns:category-configure", args=["visitor_journey"])
    data = {
        "attribute": "lead",
        "action": "save",
        "lead-version": 0,
        "lead-submit_by_agent": "on",
        "lead-skills": [str(sales_skill.pk)],
        "lead-added": ["topic"],
        "lead-display_name_topic": f"Topic{RLO}cipot",
    }
    assert admin_client.post(url, data).status_code == 302
    assert (
        AttributeConfig.objects.get(attribute_type="lead").fields.get().display_name == "Topiccipot"
    )


def test_people_list_and_audit_log_show_names_in_bdi(admin_client, admin):
    admin.first_name, admin.last_name = "מרים", "Levi"
    admin.save()
    admin_client.post(reverse("campaigns:skill-create"), {"name": "Retention"})
    people = admin_client.get(reverse("campaigns:user-list")).content.decode()
    assert "<bdi>מרים Levi</bdi>" in people
    audit = admin_client.get(reverse("campaigns:audit-log")).content.decode()
    assert "<bdi>מרים Levi</bdi> created the skill" in audit


def test_the_conversation_page_shows_the_agent_in_bdi(agent_client, agent):
    agent.first_name, agent.last_name = "مريم", "Haddad"
    agent.save()
    conversation = ConversationFactory(agent=agent)
    response = agent_client.get(reverse("workspace:conversation-detail", args=[conversation.pk]))
    assert response.status_code == 200
    assert "<bdi>مريم Haddad</bdi>" in response.content.decode()
