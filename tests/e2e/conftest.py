"""Browser tests: Playwright driving Debian's chromium against ``live_server``.

Never ``playwright install`` (it downloads a browser). Without /usr/bin/chromium the tests skip
with a reason, unless REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
Screenshots go to test-artifacts/screenshots/ (git-ignored) for people to look at.
"""

import os
import shutil
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from campaigns.models import AgentGroup, Skill
from campaigns.roles import Role, roles_sync
from campaigns.sso.models import GroupMapping, IdentityProvider
from tests.sso.oidc_idp import OidcProvider

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
NARROW = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            raise pytest.UsageError(
                f"REQUIRE_BROWSER=1 but no chromium at {CHROMIUM} (apt-get install chromium)"
            )
        skip = pytest.mark.skip(
            reason=f"no chromium at {CHROMIUM}; install Debian's chromium package"
        )
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture
def demo(transactional_db):
    """The demo account, as `make run` loads it (live_server needs committed data)."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def shot(page):
    """``shot("name")`` saves a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    """``login("agent")`` signs in through the real form with the demo password."""

    def sign_in(username: str, password: str = "demo") -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")

    return sign_in


# The OpenID Connect provider and the app connected to it, shared by the SSO browser tests.
@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    provider = OidcProvider(live_server.url, tmp_path_factory.mktemp("idp") / "accounts.json")
    yield provider
    provider.stop()


@pytest.fixture
def directory(transactional_db, idp):
    """The app connected to the provider, with a mapping table; returns the provider."""
    roles_sync()
    sales = AgentGroup.objects.create(name="Sales team")
    billing = AgentGroup.objects.create(name="Billing team")
    skill_sales = Skill.objects.create(name="Sales")
    skill_billing = Skill.objects.create(name="Billing")
    company = _connect("outcomes", "Company SSO", idp)
    for slug, name in [("outcomes-slow", "Slow SSO"), ("outcomes-swap", "Swap SSO")]:
        _connect(slug, name, idp, client_id=slug, enabled=False)
    _connect("outcomes-pinned", "Pinned SSO", idp, enabled=False, keys=idp.untrusted_keys_url)
    for provider in IdentityProvider.objects.all():
        agents = GroupMapping.objects.create(
            provider=provider,
            external_group="cc-agents",
            role=Group.objects.get(name=Role.AGENT),
            agent_group=sales,
        )
        agents.skills.set([skill_sales])
    billing_row = GroupMapping.objects.create(
        provider=company,
        external_group="cc-billing",
        role=Group.objects.get(name=Role.AGENT),
        agent_group=billing,
    )
    billing_row.skills.set([skill_billing])
    managers = GroupMapping.objects.create(
        provider=company,
        external_group="cc-managers",
        role=Group.objects.get(name=Role.AGENT_MANAGER),
    )
    managers.managed_groups.set([sales, billing])
    return idp


def _connect(slug, name, idp, *, client_id="outcomes", enabled=True, keys=""):
    return IdentityProvider.objects.create(
        slug=slug,
        name=name,
        protocol="openid_connect",
        enabled=enabled,
        issuer=idp.issuer,
        client_id=client_id,
        client_secret=f"{client_id}-secret",
        scopes="openid email profile groups",
        signing_keys_url=keys,
    )


@pytest.fixture
def embed_host():
    """The port of a stand-in agent desktop (tests/e2e/embed_host.py), on another site than
    the app: open it as ``localhost:<port>`` while the app is on ``127.0.0.1``."""
    from tests.e2e.embed_host import Host

    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    Host.pages = {}


@pytest.fixture
def blocked_browser(playwright, tmp_path):
    """A Chromium context that blocks third-party cookies."""
    from tests.e2e.embed_host import launch_blocking_third_party_cookies

    context = launch_blocking_third_party_cookies(playwright, tmp_path)
    yield context
    context.close()
