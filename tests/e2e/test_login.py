"""Each demo role signs in through the login form and lands on its own home."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(
    ("username", "heading", "nav_label"),
    [
        ("admin", "People", "People"),
        ("campaigns", "Campaign Builder", "Campaign Builder"),
        ("manager", "Reports", "Reports"),
        ("agent", "Agent Workspace", "Agent Workspace"),
    ],
)
def test_demo_login_lands_on_role_home(demo, page, login, shot, username, heading, nav_label):
    login(username)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=nav_label)).to_have_attribute("aria-current", "page")
    shot(f"login-{username}-home")


def test_agent_opens_a_conversation_and_sees_the_transcript(demo, page, login, shot):
    login("agent")
    page.get_by_role("list", name="Closed").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    expect(page.locator(".transcript__msg").first).to_be_visible()
    shot("agent-conversation")


def test_wrong_password_is_refused_with_a_message(demo, page, login):
    login("agent", password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
