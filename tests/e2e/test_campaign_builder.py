"""Campaign Builder journeys, clicked as a campaign manager would (SPEC section 4)."""

import re

from playwright.sync_api import expect

from campaigns.models import AgentSurvey, AttributeConfig, AuditEntry


def test_configure_lead_for_agents_as_the_seed_describes(demo, page, login, shot):
    # The demo already configures Lead; start from a clean slate so the walk is the real one.
    AttributeConfig.objects.filter(attribute_type="lead").delete()
    login("campaigns")
    expect(page.get_by_role("heading", level=1)).to_have_text("Campaign Builder")
    shot("builder-01-campaign-builder")

    page.get_by_role("contentinfo").get_by_role("link", name="Data Sources").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Sources")
    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="Connectors")).to_be_visible()
    expect(page.get_by_role("heading", name="Engagement attributes")).to_be_visible()
    shot("builder-02-data-sources-integrations")

    journey = page.locator(".category").filter(
        has=page.get_by_role("heading", name="Visitor journey")
    )
    journey.get_by_role("link", name="Configure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visitor journey")
    shot("builder-03-configure-visitor-journey")

    lead = page.locator("#attribute-lead")
    lead.get_by_text("Lead", exact=True).click()
    form = page.locator("#attribute-config-lead")
    page.evaluate("window.__noReload = 1")
    form.get_by_role("switch", name="Submit by agent").check()
    expect(form.get_by_role("group", name="Skills")).to_be_visible()
    shot("builder-04-submit-by-agent")

    form.get_by_label("Sales", exact=True).check()
    shot("builder-05-skill-chosen")

    form.get_by_role("button", name="Add field to widget (Topic)").click()
    expect(form.get_by_label("Display name for Topic")).to_be_focused()
    form.get_by_role("button", name="Add field to widget (Value)").click()
    expect(form.get_by_label("Display name for Value")).to_be_visible()
    # The draft kept the switch and the skill across the htmx swaps.
    expect(form.get_by_role("switch", name="Submit by agent")).to_be_checked()
    expect(form.get_by_label("Sales", exact=True)).to_be_checked()
    shot("builder-06-fields-added")

    form.get_by_label("Display name for Topic").fill("Interested in")
    form.get_by_label("Display name for Value").fill("Estimated value")
    form.get_by_role("button", name="Move Value up").click()
    expect(form.locator(".widget-field--added .widget-field__property").first).to_have_text("Value")
    shot("builder-07-display-names")

    form.get_by_role("button", name="Save", exact=True).click()
    expect(form.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    assert page.evaluate("window.__noReload") == 1  # htmx swapped; the page never reloaded
    shot("builder-08-saved")

    page.reload()
    lead = page.locator("#attribute-config-lead")
    expect(lead.get_by_role("switch", name="Submit by agent")).to_be_checked()
    expect(lead.get_by_label("Sales", exact=True)).to_be_checked()
    expect(lead.get_by_label("Display name for Value")).to_have_value("Estimated value")
    expect(lead.get_by_label("Display name for Topic")).to_have_value("Interested in")
    expect(lead.locator(".widget-field--added .widget-field__property")).to_have_text(
        ["Value", "Topic"]
    )
    shot("builder-09-reloaded-and-kept")
    config = AttributeConfig.objects.get(attribute_type="lead")
    assert [f.display_name for f in config.fields.all()] == ["Estimated value", "Interested in"]
    assert AuditEntry.objects.filter(action="attribute_config.create", object_id=config.pk)


def test_errors_show_beside_the_fields_and_nothing_is_saved(demo, page, login, shot, live_server):
    AttributeConfig.objects.filter(attribute_type="lead").delete()
    login("campaigns")
    page.goto(
        f"{live_server.url}/campaign-builder/data-sources/engagement-attributes/visitor_journey/"
    )
    page.locator("#attribute-lead").get_by_text("Lead", exact=True).click()
    form = page.locator("#attribute-config-lead")
    form.get_by_role("switch", name="Submit by agent").check()
    form.get_by_role("button", name="Save", exact=True).click()
    expect(form.get_by_text("Select at least one skill.")).to_be_visible()
    expect(form.get_by_text("You must select at least one property")).to_be_visible()
    shot("builder-10-errors")
    assert not AttributeConfig.objects.filter(attribute_type="lead").exists()


def test_build_a_survey_and_preview_it(demo, page, login, shot):
    login("campaigns")
    page.get_by_role("link", name="Agent surveys").click()
    expect(page.get_by_role("table")).to_contain_text("Sales survey")
    shot("survey-01-library")

    page.get_by_role("link", name="Add survey").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Billing follow-up")
    page.get_by_label("Timeout after conversation close").fill("90")
    page.get_by_label("Billing", exact=True).check()
    shot("survey-02-new")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit survey Billing follow-up")

    page.get_by_role("link", name="Add question").click()
    page.get_by_role("textbox", name="Question", exact=True).fill("Was the refund explained?")
    page.get_by_role("combobox", name="Type", exact=True).select_option(label="Single choice")
    page.get_by_role("textbox", name="Options", exact=True).fill("Yes\nNo\nNot needed")
    page.get_by_label("Required", exact=True).check()
    shot("survey-03-question")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add question").click()
    page.get_by_label("Predefined question").select_option(label="Conversation outcome")
    expect(page.get_by_role("textbox", name="Options", exact=True)).to_be_hidden()
    expect(page.get_by_role("combobox", name="Type", exact=True)).to_be_hidden()  # not asked
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add question").click()
    page.get_by_role("textbox", name="Question", exact=True).fill("Anything else?")
    page.get_by_role("combobox", name="Type", exact=True).select_option(label="Free text")
    page.get_by_label("Maximum characters").fill("300")
    page.get_by_role("button", name="Save").click()

    questions = page.locator("#survey-questions .question__text a")
    expect(questions).to_have_text(
        ["Was the refund explained?", "Conversation outcome", "Anything else?"]
    )
    page.evaluate("window.__noReload = 1")
    page.get_by_role("button", name="Move “Anything else?” up").click()
    expect(questions).to_have_text(
        ["Was the refund explained?", "Anything else?", "Conversation outcome"]
    )
    assert page.evaluate("window.__noReload") == 1
    shot("survey-04-questions")

    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_role("heading", name="Agent survey")).to_be_visible()
    expect(page.get_by_role("radio", name="Not needed")).to_be_visible()
    # A predefined outcome question is a single choice: a group of radio buttons.
    expect(page.get_by_role("group", name="Conversation outcome")).to_contain_text("Resolved")
    expect(page.get_by_label("Anything else?")).to_have_attribute("maxlength", "300")
    shot("survey-05-preview")

    survey = AgentSurvey.objects.get(name="Billing follow-up")
    assert [s.name for s in survey.skills.all()] == ["Billing"]
    assert survey.timeout_minutes == 90
    assert re.search("Billing follow-up", page.title())
