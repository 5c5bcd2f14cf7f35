"""Configure a data category: Submit by agent, skills, widget fields, display names, Save."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import AttributeActivity, AttributeConfig, AuditEntry
from tests.campaigns.factories import AttributeConfigFactory, AttributeFieldFactory
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
URL = reverse("campaigns:category-configure", args=["visitor_journey"])


def lead_post(skills=(), fields=(), names=None, *, on=True, action="save", version=0, **extra):
    data = {"attribute": "lead", "lead-version": version, "action": action}
    if on:
        data["lead-submit_by_agent"] = "on"
    data["lead-skills"] = [str(skill.pk) for skill in skills]
    data["lead-added"] = list(fields)
    for key, name in (names or {}).items():
        data[f"lead-display_name_{key}"] = name
    data.update(extra)
    return data


def test_page_lists_the_category_attributes_with_their_24_hour_indicator(
    campaign_manager_client,
):
    AttributeActivity.objects.create(
        attribute_type="lead", last_reported_at=NOW - timedelta(hours=2)
    )
    AttributeActivity.objects.create(
        attribute_type="service", last_reported_at=NOW - timedelta(hours=25)
    )
    with time_machine.travel(NOW, tick=False):
        html = campaign_manager_client.get(URL).content.decode()
    lead = html[html.index('id="attribute-lead"') : html.index('id="attribute-service"')]
    service = html[html.index('id="attribute-service"') : html.index('id="attribute-error"')]
    assert "indicator--on" in lead
    assert "indicator--off" in service
    for label in ["Lead", "Service activity", "Visitor error", "Searched content"]:
        assert label in html
    # Only the agent-reportable attributes get the switch.
    assert html.count('role="switch"') == 2
    assert "Submit by agent" in html
    assert "Add field to widget" in html


def test_save_turns_submit_by_agent_on_with_skills_and_ordered_fields(
    campaign_manager_client, skills
):
    data = lead_post(
        [skills["Sales"]], ["value", "topic"], {"value": "Estimated value", "topic": " Topic "}
    )
    response = campaign_manager_client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == URL + "#attribute-lead"
    config = AttributeConfig.objects.get(attribute_type="lead")
    assert config.submit_by_agent
    assert [s.name for s in config.skills.all()] == ["Sales"]
    assert [(f.property_key, f.display_name) for f in config.fields.all()] == [
        ("value", "Estimated value"),
        ("topic", "Topic"),
    ]
    entry = AuditEntry.objects.get(action="attribute_config.create")
    assert entry.actor.username == "campaigns"
    assert entry.before is None
    assert entry.after["fields"] == ["value: Estimated value", "topic: Topic"]


def test_htmx_save_answers_with_the_attribute_fragment(
    campaign_manager_client, skills, htmx_headers
):
    data = lead_post([skills["Sales"]], ["topic"], {"topic": "Topic"})
    response = campaign_manager_client.post(URL, data, headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="attribute-config-lead"')
    assert "Saved" in html
    assert AttributeConfig.objects.get(attribute_type="lead").submit_by_agent


@pytest.mark.parametrize(
    ("skill_names", "fields", "names", "message"),
    [
        ([], ["topic"], {"topic": "Topic"}, "Select at least one skill."),
        (["Sales"], [], {}, "You must select at least one property"),
        (["Sales"], ["topic"], {"topic": ""}, "Enter a display name."),
        (["Sales"], ["topic"], {"topic": "   "}, "Enter a display name."),
        (["Sales"], ["topic"], {"topic": "x" * 61}, "60 characters or fewer"),
    ],
    ids=["no-skill", "no-field", "empty-name", "blank-name", "61-char-name"],
)
def test_bad_input_shows_the_error_beside_the_field_and_saves_nothing(
    campaign_manager_client, skills, htmx_headers, skill_names, fields, names, message
):
    data = lead_post([skills[n] for n in skill_names], fields, names)
    for headers in ({}, htmx_headers):
        response = campaign_manager_client.post(URL, data, headers=headers)
        assert response.status_code == 422
        assert message in response.content.decode()
        assert "field__errors" in response.content.decode()
    assert not AttributeConfig.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_error_keeps_what_was_saved_before(campaign_manager_client, skills):
    config = AttributeConfigFactory(attribute_type="lead", skills=[skills["Sales"]])
    AttributeFieldFactory(config=config, property_key="topic", display_name="Topic")
    data = lead_post(
        [skills["Billing"]], ["topic", "value"], {"topic": "New", "value": ""}, version=1
    )
    assert campaign_manager_client.post(URL, data).status_code == 422
    config.refresh_from_db()
    assert [s.name for s in config.skills.all()] == ["Sales"]
    assert [f.display_name for f in config.fields.all()] == ["Topic"]


def test_60_characters_is_accepted(campaign_manager_client, skills):
    data = lead_post([skills["Sales"]], ["topic"], {"topic": "x" * 60})
    assert campaign_manager_client.post(URL, data).status_code == 302
    assert AttributeConfig.objects.get().fields.get().display_name == "x" * 60


def test_switching_off_keeps_the_configuration_and_on_restores_it(campaign_manager_client, skills):
    campaign_manager_client.post(URL, lead_post([skills["Sales"]], ["topic"], {"topic": "T"}))
    off = lead_post(on=False, version=1)
    assert campaign_manager_client.post(URL, off).status_code == 302
    config = AttributeConfig.objects.get()
    assert not config.submit_by_agent
    assert [s.name for s in config.skills.all()] == ["Sales"]
    assert [f.display_name for f in config.fields.all()] == ["T"]
    page = campaign_manager_client.get(URL).content.decode()
    assert 'value="T"' in page  # shown again when switched back on
    assert AuditEntry.objects.filter(action="attribute_config.update").count() == 1


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("add:leadId", ["topic", "value", "leadId"]),
        ("remove:topic", ["value"]),
        ("up:value", ["value", "topic"]),
        ("down:topic", ["value", "topic"]),
        ("up:topic", ["topic", "value"]),
    ],
)
def test_draft_actions_rerender_without_saving(
    campaign_manager_client, skills, htmx_headers, action, expected
):
    data = lead_post(
        [skills["Sales"]], ["topic", "value"], {"topic": "T", "value": "V"}, action=action
    )
    response = campaign_manager_client.post(URL, data, headers=htmx_headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    hidden = [f'name="lead-added" value="{key}"' for key in expected]
    positions = [html.index(h) for h in hidden]
    assert positions == sorted(positions)
    assert html.count('name="lead-added"') == len(expected)
    assert "Not saved yet" in html
    assert "field__errors" not in html  # a draft shows no errors until Save
    assert not AttributeConfig.objects.exists()


def test_draft_without_javascript_renders_the_whole_page(campaign_manager_client, skills):
    data = lead_post([skills["Sales"]], [], action="add:topic")
    response = campaign_manager_client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'name="lead-display_name_topic"' in html
    assert "data-focus-after-swap" in html
    assert not AttributeConfig.objects.exists()


def test_a_stale_form_gets_a_conflict_and_the_current_values(campaign_manager_client, skills):
    config = AttributeConfigFactory(attribute_type="lead", skills=[skills["Sales"]], version=3)
    AttributeFieldFactory(config=config, property_key="topic", display_name="Current")
    data = lead_post([skills["Billing"]], ["value"], {"value": "Mine"}, version=2)
    response = campaign_manager_client.post(URL, data)
    assert response.status_code == 409
    assert 'value="Current"' in response.content.decode()
    assert [s.name for s in config.skills.all()] == ["Sales"]


def test_attribute_of_another_category_or_not_reportable_is_a_404(campaign_manager_client):
    for attribute in ["purchase", "error", "nonsense"]:
        data = {"attribute": attribute, "action": "save"}
        assert campaign_manager_client.post(URL, data).status_code == 404


def test_required_before_close_is_saved(campaign_manager_client, skills):
    data = lead_post(
        [skills["Sales"]], ["topic"], {"topic": "T"}, **{"lead-required_before_close": "on"}
    )
    campaign_manager_client.post(URL, data)
    assert AttributeConfig.objects.get().required_before_close


def test_configure_page_queries_do_not_grow_with_skills_and_fields(
    campaign_manager_client, django_assert_num_queries
):
    def configure(count, lead_keys, service_keys):
        new = [SkillFactory(name=f"Skill {count}-{i}") for i in range(count)]
        for attribute_type, keys in [("lead", lead_keys), ("service", service_keys)]:
            config = AttributeConfigFactory(attribute_type=attribute_type)
            config.skills.add(*new)
            for key in keys:
                AttributeFieldFactory(config=config, property_key=key)

    configure(1, ["topic"], ["topic"])
    campaign_manager_client.get(URL)  # the first request of a session also writes the session
    with django_assert_num_queries(8):
        campaign_manager_client.get(URL)
    configure(5, ["value", "leadId"], ["status", "category", "serviceId"])
    with django_assert_num_queries(8):
        campaign_manager_client.get(URL)
