"""What the desktop-panel browser tests share: a stand-in desktop site served on another site
than the app (``localhost:<port>`` beside the app on ``127.0.0.1``), a probe showing that the
browser really blocks third-party cookies, the panel's sign-in window, answering its survey,
and screenshots of the panel at its width. Fixtures ``embed_host`` and ``blocked_browser``
are in conftest.py."""

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, SCREENSHOTS
from workspace.models import SurveyResponse

PANEL_WIDTH = 360
PROBE_HOST = """<!doctype html><iframe id="probe" src="%(src)s"></iframe>"""


class Host(BaseHTTPRequestHandler):
    """The desktop's pages (``pages``: path -> HTML) and a cookie probe on the app's site."""

    seen_cookies: list[str] = []
    pages: dict[str, str] = {}

    def log_message(self, *args):
        pass

    def _html(self, body: str, *cookies: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(body.encode())

    def do_GET(self):
        if self.path in Host.pages:
            self._html(Host.pages[self.path])
        elif self.path.startswith("/probe-host"):
            self._html(PROBE_HOST % {"src": self.path.split("?src=")[1]})
        elif self.path == "/probe/set":
            self._html(
                '<a id="next" href="/probe/echo">next</a>',
                "ordinary=1; SameSite=None; Secure; Path=/",
                "chips=1; SameSite=None; Secure; Path=/; Partitioned",
            )
        elif self.path == "/probe/echo":
            Host.seen_cookies.append(self.headers.get("Cookie") or "")
            self._html("echo")
        else:
            self.send_error(404)


def launch_blocking_third_party_cookies(playwright, profile: Path):
    """Chromium with "Block third-party cookies" on, as a privacy-minded agent sets it."""
    (profile / "Default").mkdir()
    prefs = {"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}}
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs))
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"],
        viewport={"width": 1100, "height": 900},
        locale="en-GB",
    )


def assert_third_party_cookies_blocked(page, port: int) -> None:
    """The block is real: an ordinary SameSite=None cookie set inside a frame is not sent back;
    a partitioned one is (what the panel relies on)."""
    Host.seen_cookies.clear()
    page.goto(f"http://localhost:{port}/probe-host?src=http://127.0.0.1:{port}/probe/set")
    page.frame_locator("#probe").locator("#next").click()
    page.wait_for_timeout(300)
    assert Host.seen_cookies, "the probe frame did not come back"
    assert "ordinary=1" not in Host.seen_cookies[-1]
    assert "chips=1" in Host.seen_cookies[-1]


def sign_in_through_window(page, panel, username: str, password: str) -> None:
    """The panel's Sign in button opens the app's window; signed in there, it closes."""
    with page.expect_popup() as popup_info:
        panel.get_by_role("button", name="Sign in").click()
    popup = popup_info.value
    popup.get_by_label("Username").fill(username)
    popup.get_by_label("Password").fill(password)
    popup.get_by_role("button", name="Sign in").click()
    popup.wait_for_event("close", timeout=10_000)


def answer_survey(panel, notes: str) -> None:
    """Answers the panel's agent survey (``agent_survey``'s default questions), the same
    section as on our own conversation page, and waits for the submission to show."""
    survey = panel.locator("#summary-survey")
    survey.get_by_label("Yes").check()
    survey.get_by_label("Notes").fill(notes)
    survey.get_by_role("button", name="Submit").click()
    panel.locator("#summary-survey .survey-answers").get_by_text(notes).wait_for()


def assert_survey_submitted(conversation, agent, notes: str) -> None:
    """The answers are stored: one submission, by the signed-in agent, with what was typed."""
    response = SurveyResponse.objects.get(conversation=conversation)
    assert (response.status, response.submitted_by) == (SurveyResponse.Status.SUBMITTED, agent)
    assert not response.on_behalf
    answers = {answer.question.text: answer for answer in response.answers.all()}
    assert answers["Was the customer satisfied?"].option.label == "Yes"
    assert answers["Notes"].value_text == notes


def assert_no_horizontal_scrolling(frame_box, panel) -> None:
    """At the narrowest and widest panel (300 and 400 px), then back to the usual width."""
    for width in (300, 400):
        frame_box.evaluate(f"frame => frame.style.width = '{width}px'")
        sizes = panel.locator("html").evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert sizes[0] <= sizes[1], f"horizontal scrolling at {width} px: {sizes}"
    frame_box.evaluate(f"frame => frame.style.width = '{PANEL_WIDTH}px'")


def shot(locator, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
