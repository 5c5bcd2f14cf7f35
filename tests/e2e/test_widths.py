"""Every width from 320 px up: the conversation page (as its agent) and the workspace list fit
without scrolling sideways; on wide screens the widget stays in view beside the transcript, and
Transfer sits next to Close."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from workspace.models import Conversation

WIDTHS = (320, 390, 768, 1366)

# The elements that stick out past the right edge, named, so a failure says what to fix.
OVERFLOW = """() => {
  const root = document.documentElement;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > root.clientWidth + 0.5) {
      const classes = typeof el.className === "string" ? el.className.trim() : "";
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                   (classes ? "." + classes.split(/\\s+/).join(".") : "");
      out.push(`${name} right=${Math.round(box.right)}`);
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, out: out.slice(0, 12)};
}"""


@pytest.fixture
def live_conversation(demo):
    """The demo agent's open conversation with a transcript, customer data and the widget."""
    return Conversation.objects.get(external_id="demo-live-1")


def assert_fits(page, what: str) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["client"], f"{what}: {measured}"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_conversation_page_fits(width, live_conversation, page, live_server, login, shot):
    login("agent")
    page.set_viewport_size({"width": width, "height": 844 if width < 1000 else 768})
    page.goto(f"{live_server.url}/workspace/conversations/{live_conversation.pk}/")
    expect(page.get_by_role("heading", name="Conversation summary")).to_be_visible()
    assert_fits(page, f"conversation page at {width} px")
    shot(f"widths-conversation-{width}")
    # Every collapsed part open, as the agent may open them: they must fit as well.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert_fits(page, f"conversation page at {width} px, every part open")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_workspace_list_fits(width, live_conversation, page, live_server, login, shot):
    login("agent")
    page.set_viewport_size({"width": width, "height": 844 if width < 1000 else 768})
    page.goto(f"{live_server.url}/workspace/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits(page, f"workspace list at {width} px")
    shot(f"widths-workspace-list-{width}")


def test_wide_screens_keep_the_widget_in_view(live_conversation, page, live_server, login):
    login("agent")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/workspace/conversations/{live_conversation.pk}/")
    widget = page.locator("#conversation-summary")
    expect(widget).to_be_visible()
    transcript = page.locator("#transcript").bounding_box()
    assert widget.bounding_box()["x"] > transcript["x"] + transcript["width"]  # beside it
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 300, "the page is too short to show anything"
    box = widget.bounding_box()
    assert box["y"] < 768, "the widget scrolled out of view"
    assert box["y"] + box["height"] > 0, "the widget scrolled out of view"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widths-conversation-1366-scrolled.png"))


@pytest.mark.parametrize("width", [390, 1366])
def test_transfer_sits_next_to_close(width, live_conversation, page, live_server, login):
    login("agent")
    page.set_viewport_size({"width": width, "height": 844 if width < 1000 else 768})
    page.goto(f"{live_server.url}/workspace/conversations/{live_conversation.pk}/")
    close = page.get_by_role("button", name="Close conversation").bounding_box()
    transfer = page.locator(".conversation-actions summary", has_text="Transfer")
    expect(transfer).to_be_visible()
    box = transfer.bounding_box()
    # On one line with Close, or right below it on a narrow screen.
    assert abs(box["y"] - close["y"]) < 60
