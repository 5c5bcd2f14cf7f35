"""After sign-out, Back does not bring a transcript back from the browser's memory or cache.

Playwright launches Chromium with the back/forward cache turned off; this test turns it back
on, as in a real browser, since that cache is what restores a page on Back without a request.
Pages sent with ``Cache-Control: no-store`` are not restored from it once the cookies changed.
"""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def page(browser_type, browser_type_launch_args, browser_context_args):
    browser = browser_type.launch(
        **browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"]
    )
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()
    browser.close()


def test_back_after_sign_out_shows_sign_in_not_the_transcript(demo, page, login):
    login("agent")
    page.get_by_role("list", name="Closed").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    conversation_path = re.sub(r"^https?://[^/]+", "", page.url)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))

    # "commit", not "load": a page restored from the back/forward cache fires no load event.
    page.go_back(wait_until="commit")
    # Nothing was kept: the browser asked again, and the server sent it to sign-in.
    expect(page.locator(".transcript__msg")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/\?next=" + re.escape(conversation_path)))
