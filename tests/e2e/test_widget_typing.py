"""Nothing the agent types is lost, in a real browser (issue findings 1, 2, 3 and 6): a submit
redraws only its own outcome type; a blocked Close answers in place; a sign-in in another tab,
an expired session or a refused token keep the typing; Back shows fresh data. Screenshots at
390 px and 1366 px wide."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import QuestionKind, Skill, SurveySkill
from tests.e2e.conftest import DESKTOP, NARROW, SCREENSHOTS
from tests.workspace.factories import agent_survey, attribute_config
from workspace.models import AGENT_SOURCES, Conversation, EngagementAttributeEvent
from workspace.services.outcomes import outcome_submit


@pytest.fixture
def configured(demo):
    """Transactions and leads (required before close) for Sales, and a Sales survey."""
    sales = Skill.objects.get(name="Sales")
    attribute_config("purchase", skills=[sales])
    attribute_config(
        "lead", skills=[sales], fields=[("topic", "Lead topic"), ("value", "Value")], required=True
    )
    SurveySkill.objects.filter(skill=sales).delete()
    agent_survey(
        skills=[sales],
        name="Browser wrap-up",
        questions=[
            ("Was the customer satisfied?", QuestionKind.SINGLE, False, ["Yes", "No"]),
            ("Notes", QuestionKind.FREE_TEXT, False, []),
        ],
    )
    return Conversation.objects.get(external_id="demo-live-1")


def reported_by_agents(conversation) -> int:
    return EngagementAttributeEvent.objects.filter(
        conversation=conversation, source__in=AGENT_SOURCES
    ).count()


def conversation_url(live_server, conversation) -> str:
    return f"{live_server.url}/workspace/conversations/{conversation.pk}/"


def open_conversation(page, live_server, conversation):
    page.goto(conversation_url(live_server, conversation))
    expect(page.get_by_role("heading", name="Conversation summary")).to_be_visible()
    page.evaluate("window.__marker = 1")


def still_same_page(page):
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping"


def shots(page, shot, name):
    """The same state at 1366 px and at 390 px wide."""
    shot(f"{name}-1366")
    page.set_viewport_size(NARROW)
    shot(f"{name}-390")
    page.set_viewport_size(DESKTOP)


def type_lead_and_notes(page):
    lead = page.get_by_role("group", name="Lead")
    lead.get_by_label("Lead topic").fill("Team plan")
    lead.get_by_label("Value").fill("12.50")
    page.locator("#summary-survey").get_by_label("Notes").fill("Call back on Monday")
    return lead


def expect_lead_and_notes_kept(page):
    lead = page.get_by_role("group", name="Lead")
    expect(lead.get_by_label("Lead topic")).to_have_value("Team plan")
    expect(lead.get_by_label("Value")).to_have_value("12.50")
    expect(page.locator("#summary-survey").get_by_label("Notes")).to_have_value(
        "Call back on Monday"
    )


def test_a_submit_keeps_what_is_typed_in_the_other_forms(
    configured, page, live_server, login, shot
):
    login("agent")
    open_conversation(page, live_server, configured)
    type_lead_and_notes(page)
    transaction = page.get_by_role("group", name="Transaction")
    transaction.get_by_label("Order total").fill("120.50")
    transaction.get_by_role("button", name="Submit").click()
    expect(transaction.get_by_role("status")).to_have_text("Saved.")
    expect(transaction.locator(".outcome")).to_have_count(1)
    expect_lead_and_notes_kept(page)
    still_same_page(page)
    shots(page, shot, "widget-typing-submit-keeps-others")


def test_a_blocked_close_answers_in_place(configured, page, live_server, login, shot):
    login("agent")
    open_conversation(page, live_server, configured)
    type_lead_and_notes(page)
    page.get_by_role("group", name="Transaction").get_by_label("Order total").fill("35")
    page.get_by_role("button", name="Close conversation").click()
    message = page.locator("#close-status .alert")
    expect(message).to_contain_text("before closing")
    expect(message).to_be_focused()
    expect(page).to_have_url(conversation_url(live_server, configured))
    expect_lead_and_notes_kept(page)
    expect(page.get_by_role("group", name="Transaction").get_by_label("Order total")).to_have_value(
        "35"
    )
    still_same_page(page)
    shots(page, shot, "widget-typing-close-blocked")
    message.get_by_role("link", name="Lead").click()
    expect(page).to_have_url(re.compile(r"#outcome-type-lead$"))
    assert Conversation.objects.get(pk=configured.pk).ended_at is None
    # The address of the Close, opened or reloaded, is the conversation (no blank 405).
    page.goto(f"{conversation_url(live_server, configured)}close/")
    expect(page).to_have_url(conversation_url(live_server, configured))
    expect(page.get_by_role("heading", name="Conversation summary")).to_be_visible()


def test_a_blocked_close_without_javascript_posts_redirects_and_gets(
    configured, browser, live_server
):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto(conversation_url(live_server, configured))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_role("button", name="Close conversation").click()
    expect(page).to_have_url(re.compile(r"/conversations/\d+/\?close=blocked#close-status$"))
    expect(page.locator("#close-status")).to_contain_text("before closing")
    expect(page.locator("#close-status").get_by_role("link", name="Lead")).to_be_visible()
    for name, size in (("1366", DESKTOP), ("390", NARROW)):
        page.set_viewport_size(size)
        page.screenshot(
            path=str(SCREENSHOTS / f"widget-typing-close-nojs-{name}.png"), full_page=True
        )
    context.close()


def test_signing_in_again_in_another_tab_does_not_break_the_first(
    configured, page, context, live_server, login, shot
):
    login("agent")
    open_conversation(page, live_server, configured)
    lead = type_lead_and_notes(page)
    other = context.new_page()  # the second tab signs out and in again: a new CSRF token
    other.goto(f"{live_server.url}/workspace/")
    other.get_by_role("button", name="Sign out").click()
    other.goto(f"{live_server.url}/login/")
    other.get_by_label("Username").fill("agent")
    other.get_by_label("Password").fill("demo")
    other.get_by_role("button", name="Sign in").click()
    other.wait_for_load_state("networkidle")
    other.close()
    lead.get_by_role("button", name="Submit").click()
    expect(lead.get_by_role("status")).to_have_text("Saved.")
    assert reported_by_agents(configured) == 1
    expect(page.locator("#summary-survey").get_by_label("Notes")).to_have_value(
        "Call back on Monday"
    )
    still_same_page(page)
    shots(page, shot, "widget-typing-second-tab")


def test_an_expired_session_keeps_the_typing_through_the_sign_in(
    configured, page, context, live_server, login, shot
):
    login("agent")
    open_conversation(page, live_server, configured)
    lead = type_lead_and_notes(page)
    context.clear_cookies(name="sessionid")  # as an idle time-out would end it
    lead.get_by_role("button", name="Submit").click()
    offer = page.locator(".sign-in-again")
    expect(offer).to_contain_text("You were signed out")
    link = offer.get_by_role("link", name="Sign in again and come back here")
    expect(link).to_be_focused()
    still_same_page(page)
    expect_lead_and_notes_kept(page)
    shots(page, shot, "widget-typing-signed-out")
    link.click()
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(conversation_url(live_server, configured))
    expect_lead_and_notes_kept(page)
    assert reported_by_agents(configured) == 0
    page.get_by_role("group", name="Lead").get_by_role("button", name="Submit").click()
    expect(page.get_by_role("group", name="Lead").get_by_role("status")).to_have_text("Saved.")
    # Saved: that draft is done; the survey's note still waits. Signing out forgets it too.
    page.reload()
    expect(page.get_by_role("group", name="Lead").locator(".outcome")).to_have_count(1)
    expect(page.locator("#summary-survey").get_by_label("Notes")).to_have_value(
        "Call back on Monday"
    )
    page.get_by_role("button", name="Sign out").click()
    login("agent")
    page.goto(conversation_url(live_server, configured))
    expect(page.locator("#summary-survey").get_by_label("Notes")).to_have_value("")


def test_a_refused_token_is_answered_beside_the_form(
    configured, page, context, live_server, login, shot
):
    login("agent")
    open_conversation(page, live_server, configured)
    lead = type_lead_and_notes(page)
    context.clear_cookies(name="csrftoken")
    lead.get_by_role("button", name="Submit").click()
    offer = page.locator(".sign-in-again")
    expect(offer).to_contain_text("no longer valid")
    expect(page.locator("body")).not_to_contain_text("CSRF verification failed")
    still_same_page(page)
    expect_lead_and_notes_kept(page)
    shots(page, shot, "widget-typing-refused-token")


@pytest.fixture
def bfcache_page(browser_type, browser_type_launch_args, live_server):
    """A browser with the back-forward cache on, as people's browsers have it (Playwright turns
    it off by default)."""
    browser = browser_type.launch(
        **browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"]
    )
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    yield context.new_page()
    context.close()
    browser.close()


def test_back_after_a_submit_shows_fresh_data(configured, bfcache_page, live_server, shot):
    page = bfcache_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("agent")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.goto(conversation_url(live_server, configured))
    transaction = page.get_by_role("group", name="Transaction")
    transaction.get_by_label("Order total").fill("77")
    transaction.get_by_role("button", name="Submit").click()
    expect(transaction.locator(".outcome")).to_have_count(1)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My summary")
    # Meanwhile the lead is reported from another tab.
    outcome_submit(
        conversation=configured,
        attribute_type="lead",
        values={"topic": "Second tab"},
        currency="USD",
        actor=configured.agent,
        token=None,
        now=timezone.now(),
    )
    page.go_back()
    expect(page.get_by_role("group", name="Transaction").locator(".outcome")).to_contain_text("77")
    expect(page.get_by_role("group", name="Lead").locator(".outcome")).to_contain_text("Second tab")
    for name, size in (("1366", DESKTOP), ("390", NARROW)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"widget-typing-back-{name}.png"), full_page=True)
