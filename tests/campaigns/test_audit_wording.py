"""The audit log in plain words (issue 14, finding 9): sentences a person reads, no model labels
or "field False -> True", and sign-ins and sign-outs under their own filter."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.audit_wording import action_label, describe
from campaigns.catalogue import AttributeType
from campaigns.models import AuditEntry
from campaigns.roles import Role
from campaigns.services.attributes import attribute_config_save
from tests.campaigns.factories import AuditEntryFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("campaigns:audit-log")


@pytest.fixture
def carmen(db):
    return UserFactory(
        username="carmen", first_name="Carmen", last_name="Campos", roles=[Role.CAMPAIGN_MANAGER]
    )


def entries_html(client, params=None) -> str:
    html = client.get(URL, params or {}).content.decode()
    start = html.index('id="audit-entries"')
    return html[start : html.index("</section>", start)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_turning_on_a_switch_reads_as_a_sentence(admin_client, carmen, sales_skill):
    attribute_config_save(
        actor=carmen,
        attribute_type=AttributeType.LEAD,
        submit_by_agent=True,
        skills=[sales_skill],
        fields=[("topic", "Topic")],
    )
    attribute_config_save(actor=carmen, attribute_type=AttributeType.LEAD, submit_by_agent=False)
    attribute_config_save(
        actor=carmen,
        attribute_type=AttributeType.LEAD,
        submit_by_agent=True,
        skills=[sales_skill],
        fields=[("topic", "Topic")],
    )
    shown = text(entries_html(admin_client))
    assert "Carmen Campos turned on Submit by agent for Lead." in shown
    assert "Carmen Campos turned off Submit by agent for Lead." in shown
    assert "Carmen Campos created Lead." in shown
    for code in ("campaigns.AttributeConfig", "attribute_config", "False", "True", "->"):
        assert code not in shown


def test_a_changed_value_names_the_field_the_object_and_both_values(admin_client, carmen):
    AuditEntryFactory(
        actor=carmen,
        action="survey_question.update",
        object_type="campaigns.SurveyQuestion",
        object_repr="How did it go?",
        before={"text": "How did it go?", "required": False, "kind": "free_text"},
        after={"text": "How did it go?", "required": False, "kind": "single"},
    )
    shown = text(entries_html(admin_client))
    assert (
        "Carmen Campos changed the type of the survey question How did it go? "
        "from Free text to Single choice." in shown
    )


def test_several_changes_read_as_one_line_each(carmen):
    entry = AuditEntryFactory(
        actor=carmen,
        before={"name": "Old", "target": 3, "active": False},
        after={"name": "New", "target": 4, "active": True},
    )
    description = describe(entry)
    assert text(description.sentence) == "Carmen Campos changed the goal Goal 1".replace(
        "Goal 1", entry.object_repr
    )
    lines = [text(line) for line in description.changes]
    assert "changed the name from Old to New" in lines
    assert "turned on Active" in lines


def test_an_entry_written_by_the_system_and_an_unknown_action_still_read_as_words():
    entry = AuditEntryFactory(actor=None, action="webhook_secret.rotate", object_type="x.Y")
    sentence = text(describe(entry).sentence)
    assert sentence.startswith("The system changed")
    assert "webhook_secret" not in sentence
    assert action_label("webhook_secret.rotate") == "Webhook secret: rotate"


def sign_in_entries(person):
    for action in ("auth.sign_in", "auth.sign_out"):
        AuditEntryFactory(
            actor=person,
            action=action,
            object_type="campaigns.User",
            object_repr=str(person),
            before=None,
            after={"username": person.username, "address": "10.0.0.1"},
        )


def test_sign_ins_do_not_flood_the_default_view(admin_client, carmen):
    sign_in_entries(carmen)
    AuditEntryFactory(actor=carmen, object_repr="Upsell")
    default = text(entries_html(admin_client))
    assert "Upsell" in default
    assert "signed in" not in default
    only = text(entries_html(admin_client, {"kind": "sign_ins"}))
    assert "Carmen Campos signed in." in only
    assert "Carmen Campos signed out." in only
    assert "Upsell" not in only
    everything = text(entries_html(admin_client, {"kind": "all"}))
    assert "Upsell" in everything
    assert "signed in" in everything


def test_a_real_sign_in_is_written_and_filed_under_sign_ins(admin_client, agent):
    Client().post(reverse("login"), {"username": agent.username, "password": "pw"})
    assert AuditEntry.objects.filter(action="auth.sign_in", actor=agent).exists()
    assert agent.display_name not in text(entries_html(admin_client))
    assert f"{agent.display_name} signed in." in text(
        entries_html(admin_client, {"kind": "sign_ins"})
    )


def test_failed_sign_ins_name_the_username_tried(admin_client):
    AuditEntryFactory(
        actor=None,
        action="auth.sign_in_failed",
        object_type="campaigns.User",
        object_repr="",
        before=None,
        after={"username": "mallory", "address": "10.0.0.9"},
    )
    shown = text(entries_html(admin_client, {"kind": "sign_ins"}))
    assert "A sign-in as “mallory” failed." in shown


def test_filters_speak_words_too(admin_client, carmen):
    AuditEntryFactory(
        actor=carmen, action="attribute_config.update", object_type="campaigns.AttributeConfig"
    )
    html = admin_client.get(URL).content.decode()
    assert '<option value="attribute_config.update">Attribute config: changed</option>' in html
    assert '<option value="campaigns.AttributeConfig">Attribute configuration</option>' in html


def test_choosing_a_sign_in_action_shows_it_without_the_kind(admin_client, carmen):
    sign_in_entries(carmen)
    shown = text(entries_html(admin_client, {"action": "auth.sign_in"}))
    assert "Carmen Campos signed in." in shown


def test_other_roles_cannot_read_it(agent_client, campaign_manager_client):
    assert agent_client.get(URL).status_code == 403


def test_queries_stay_constant_with_sign_ins_and_changes(
    admin_client, carmen, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in_entries(carmen)
    AuditEntryFactory(actor=carmen)
    admin_client.get(URL)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(URL, {"kind": "all"})
    for _ in range(20):
        sign_in_entries(carmen)
        AuditEntryFactory(actor=carmen)
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(URL, {"kind": "all"})
