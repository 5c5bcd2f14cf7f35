"""Agent Workspace journeys in a real browser: report outcomes and answer the survey with the
mouse and with the keyboard only; sections swap without a page reload; managers amend."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import QuestionKind, Skill, SurveySkill, User
from tests.factories import ConversationFactory
from tests.workspace.factories import agent_survey, attribute_config
from workspace.models import Conversation
from workspace.services.outcomes import outcome_submit


@pytest.fixture
def configured(demo):
    """Transactions and leads for Sales, and a Sales survey with a required question."""
    sales = Skill.objects.get(name="Sales")
    attribute_config("purchase", skills=[sales])
    attribute_config("lead", skills=[sales], fields=[("topic", "Lead topic"), ("value", "Value")])
    SurveySkill.objects.filter(skill=sales).delete()
    agent_survey(
        skills=[sales],
        name="Browser wrap-up",
        questions=[
            ("Was the customer satisfied?", QuestionKind.SINGLE, True, ["Yes", "No"]),
            ("Notes", QuestionKind.FREE_TEXT, False, []),
        ],
    )
    return Conversation.objects.get(external_id="demo-live-1")


def open_conversation(page, live_server, conversation):
    page.goto(f"{live_server.url}/workspace/conversations/{conversation.pk}/")
    expect(page.get_by_role("heading", name="Conversation summary")).to_be_visible()
    page.evaluate("window.__marker = 1")


def still_same_page(page):
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"


def test_agent_reports_with_the_mouse(configured, page, live_server, login, shot):
    login("agent")
    open_conversation(page, live_server, configured)
    outcomes = page.locator("#summary-outcomes")
    transaction = outcomes.get_by_role("group", name="Transaction")
    transaction.get_by_label("Order total").fill("120.50")
    transaction.get_by_label("Currency").select_option("EUR")
    transaction.get_by_label("Order number").fill("WEB-1001")
    transaction.get_by_role("button", name="Submit").click()
    expect(outcomes.locator(".outcome").first).to_contain_text("€120.50")
    expect(outcomes.locator(".outcome").first).to_contain_text("Reported by Alex Agent")
    still_same_page(page)

    outcomes.get_by_text("Add another transaction").click()
    add = outcomes.locator("details.outcome-add[open]")
    add.get_by_label("Order total").fill("35")
    add.get_by_label("Order number").fill("WEB-1002")
    add.get_by_role("button", name="Submit").click()
    expect(outcomes.locator(".outcome")).to_have_count(2)
    # A later transaction adds itself to the list: the first stays as drawn, the form that was
    # sent comes back empty and folded, and the focus is on "Saved." beside it.
    expect(transaction.locator(".outcome").nth(1)).to_contain_text("WEB-1002")
    expect(transaction.locator(".outcome").first).to_contain_text("WEB-1001")
    saved = transaction.locator("#outcome-add-purchase [role=status]")
    expect(saved).to_have_text("Saved.")
    expect(saved).to_be_focused()
    expect(transaction.locator("details.outcome-add[open]")).to_have_count(0)
    shot("workspace-later-outcome")
    transaction.get_by_text("Add another transaction").click()
    expect(transaction.get_by_label("Order number")).to_have_value("")

    lead = outcomes.get_by_role("group", name="Lead")
    lead.get_by_label("Lead topic").fill("Team plan")
    lead.get_by_label("Value").fill("900")
    lead.get_by_role("button", name="Submit").click()
    expect(outcomes.locator(".outcome")).to_have_count(3)

    survey = page.locator("#summary-survey")
    survey.get_by_label("Yes").check()
    survey.get_by_label("Notes").fill("Happy customer")
    survey.get_by_role("button", name="Submit").click()
    expect(page.locator("#summary-survey")).to_contain_text("Submitted by Alex Agent")
    expect(page.locator("#summary-survey")).to_contain_text("Happy customer")
    still_same_page(page)
    shot("workspace-agent-mouse")


def test_agent_corrects_and_sees_errors_inline(configured, page, live_server, login, shot):
    login("agent")
    open_conversation(page, live_server, configured)
    outcomes = page.locator("#summary-outcomes")
    transaction = outcomes.get_by_role("group", name="Transaction")
    transaction.get_by_label("Order total").fill("-5")
    transaction.get_by_label("Order number").fill("BAD-1")
    transaction.get_by_role("button", name="Submit").click()
    expect(outcomes.get_by_text("Enter an amount of zero or more.")).to_be_visible()
    expect(transaction.get_by_label("Order total")).to_have_value("-5")
    expect(transaction.get_by_label("Order total")).to_be_focused()
    shot("workspace-agent-error")
    transaction.get_by_label("Order total").fill("80")
    transaction.get_by_role("button", name="Submit").click()
    expect(outcomes.locator(".outcome")).to_have_count(1)
    outcomes.locator(".outcome").get_by_text("Correct", exact=True).click()
    edit = outcomes.locator(".outcome details[open]")
    edit.get_by_label("Order total").fill("85")
    edit.get_by_role("button", name="Save correction").click()
    expect(outcomes.locator(".outcome").first).to_contain_text("$85.00")
    outcomes.locator(".outcome__history summary").click()
    expect(outcomes.locator(".history")).to_contain_text("Corrected")
    still_same_page(page)
    shot("workspace-agent-corrected")


def tab_to(page, locator, limit=400):
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {locator} with the keyboard")


def test_agent_reports_with_the_keyboard_only(configured, page, live_server, login, shot):
    login("agent")
    open_conversation(page, live_server, configured)
    outcomes = page.locator("#summary-outcomes")
    tab_to(page, outcomes.get_by_role("group", name="Transaction").get_by_label("Order total"))
    page.keyboard.type("42.10")
    page.keyboard.press("Tab")
    page.keyboard.type("EUR")
    page.keyboard.press("Tab")
    page.keyboard.type("KEY-77")
    page.keyboard.press("Enter")
    expect(outcomes.locator(".outcome").first).to_contain_text("€42.10")
    expect(outcomes.locator(".outcome").first).to_contain_text("KEY-77")
    still_same_page(page)

    survey = page.locator("#summary-survey")
    tab_to(page, survey.get_by_label("Yes"))
    page.keyboard.press("Space")
    tab_to(page, survey.get_by_label("Notes"))
    page.keyboard.type("Typed with the keyboard")
    tab_to(page, survey.get_by_role("button", name="Submit"))
    page.keyboard.press("Enter")
    expect(page.locator("#summary-survey")).to_contain_text("Typed with the keyboard")
    expect(page.locator("#summary-survey")).to_contain_text("Submitted by")
    still_same_page(page)
    shot("workspace-agent-keyboard")


def test_locked_for_the_agent_and_amended_by_the_manager(
    configured, page, live_server, login, shot
):
    agent = User.objects.get(username="agent")
    ended = timezone.now() - timedelta(hours=2)
    conversation = ConversationFactory(
        agent=agent,
        skill=configured.skill,
        visitor=configured.visitor,
        started_at=ended - timedelta(minutes=15),
        ended_at=ended,
    )
    outcome_submit(
        conversation=conversation,
        attribute_type="purchase",
        values={"total": Decimal(100), "orderId": "LOCK-1"},
        currency="USD",
        actor=agent,
        token=None,
        now=ended,
    )
    login("agent")
    page.goto(f"{live_server.url}/workspace/conversations/{conversation.pk}/")
    outcomes = page.locator("#summary-outcomes")
    expect(outcomes).to_contain_text("Reporting closed at")
    expect(outcomes.get_by_text("Correct", exact=True)).to_have_count(0)
    shot("workspace-agent-locked")

    page.context.clear_cookies()
    login("manager")
    page.goto(f"{live_server.url}/workspace/conversations/{conversation.pk}/")
    page.evaluate("window.__marker = 1")
    outcomes = page.locator("#summary-outcomes")
    outcomes.locator(".outcome").get_by_text("Amend", exact=True).click()
    edit = outcomes.locator(".outcome details[open]")
    edit.get_by_label("Order total").fill("110")
    expect(edit.get_by_label("Reason")).to_have_attribute("required", "")
    edit.get_by_label("Reason").fill("Second licence")
    outcomes.locator(".outcome details[open]").get_by_role("button", name="Save amendment").click()
    expect(outcomes.locator(".outcome").first).to_contain_text("$110.00")
    outcomes.locator(".outcome__history summary").click()
    history = outcomes.locator(".history")
    expect(history).to_contain_text("Amended")
    expect(history).to_contain_text("Second licence")
    expect(history).to_contain_text(re.compile(r"\$100\.00\s*→?\s*changed to\s*\$110\.00"))
    still_same_page(page)
    shot("workspace-manager-amended")
