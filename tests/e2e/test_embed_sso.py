"""Single sign-on inside the Chatwoot panel: the desktop (a host page on another loopback site,
in a Chromium that blocks third-party cookies) frames the panel; the agent clicks Sign in, the
window signs them in through the real OpenID Connect provider (tests/sso/idp), hands the panel
its one-time code and closes, and the panel shows the conversation as that agent, who holds the
role, team and skill the provider's groups map to."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.catalogue import AttributeType
from campaigns.models import Skill, User
from campaigns.roles import Role
from campaigns.sso.models import IdentityProvider
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.embed_host import PANEL_WIDTH, Host, assert_third_party_cookies_blocked
from tests.e2e.embed_host import shot as frame_shot
from tests.e2e.test_embed_chatwoot import HOST_PAGE, push_data
from tests.factories import ConversationFactory, UserFactory
from tests.workspace.factories import attribute_config
from workspace.embed.models import Desktop, DesktopPanel
from workspace.models import EngagementAttributeEvent
from workspace.platforms.models import ExternalRef, Platform, RefKind
from workspace.platforms.services.accounts import platform_account_create

# The app is on live_server's own address (localhost), the address the provider sends people
# back to; the desktop is on 127.0.0.1, another site, so the panel is a third-party frame.
DESKTOP = "127.0.0.1"
ANA = {"email": "ana@example.com", "email_verified": True, "name": "Ana Agent"}


@pytest.fixture
def desk(directory, live_server, embed_host):
    """Ana exists here without any role or skill, and owns Chatwoot conversation 42; the
    directory puts her in the agents' group; the Chatwoot panel is on for the desktop's site."""
    sales = Skill.objects.get(name="Sales")
    attribute_config(AttributeType.PURCHASE, skills=[sales])
    ana = UserFactory(username="ana", email=ANA["email"], first_name="Ana", last_name="Agent")
    admin = UserFactory(username="root", roles=[Role.ADMIN])
    feed, _token = platform_account_create(
        actor=admin,
        now=timezone.now(),
        platform=Platform.CHATWOOT,
        name="Acme",
        account_ref="7",
        auth="signature",
        secret="cw-secret-0123456789",
    )
    started = timezone.now() - timedelta(minutes=5)
    conversation = ConversationFactory(
        external_id=f"chatwoot-{feed.pk}:42", agent=ana, skill=sales, started_at=started
    )
    ExternalRef.objects.create(
        account=feed,
        kind=RefKind.CONVERSATION,
        external_id="42",
        conversation=conversation,
        visitor=conversation.visitor,
        first_seen_at=started,
        last_seen_at=started,
    )
    DesktopPanel.objects.create(
        desktop=Desktop.CHATWOOT, enabled=True, allowed_origins=f"http://{DESKTOP}:{embed_host}"
    )
    # Only the company's provider is offered (the others are the refusal tests' own).
    IdentityProvider.objects.exclude(slug="outcomes").update(enabled=False)
    directory.directory({"ana": {**ANA, "groups": ["cc-agents"]}})
    Host.pages["/desk"] = HOST_PAGE % {
        "src": f"{live_server.url}/embed/chatwoot/",
        "width": PANEL_WIDTH,
        "chat": json.dumps(push_data(42, 9)),
    }
    return {"agent": ana, "conversation": conversation}


def test_an_agent_signs_the_chatwoot_panel_in_through_single_sign_on(
    blocked_browser, embed_host, desk
):
    page = blocked_browser.new_page()
    assert_third_party_cookies_blocked(page, embed_host)
    page.goto(f"http://{DESKTOP}:{embed_host}/desk")
    panel = page.frame_locator("#dashboard-app--frame-0-0")
    frame_box = page.locator("#dashboard-app--frame-0-0")
    panel.get_by_role("heading", name="Sign in to report outcomes").wait_for()

    with page.expect_popup() as popup_info:
        panel.get_by_role("button", name="Sign in").click()
    window = popup_info.value
    window.get_by_role("button", name="Sign in with Company SSO").wait_for()
    window.screenshot(path=str(SCREENSHOTS / "embed-sso-1-window.png"))
    window.get_by_role("button", name="Sign in with Company SSO").click()
    # The provider's own sign-in form, in the same window.
    window.locator("input[name=login]").fill("ana")
    window.locator("input[name=password]").fill("any")
    window.screenshot(path=str(SCREENSHOTS / "embed-sso-2-provider.png"))
    window.get_by_role("button", name="Sign-in").click()
    # Back from the provider, the window hands its code to the panel and closes, which needs
    # its link to the panel (window.opener) to have lived through the redirects on the way.
    window.wait_for_event("close", timeout=15_000)

    conversation = desk["conversation"]
    panel.get_by_role("heading", name=conversation.external_id).wait_for()
    panel.get_by_text("Ana Agent").wait_for()
    panel.get_by_label("Order total").wait_for()  # the Sales skill's form: from the directory
    frame_shot(frame_box, "embed-sso-3-widget")
    ana = User.objects.get(pk=desk["agent"].pk)
    assert list(ana.groups.values_list("name", flat=True)) == [Role.AGENT]
    assert ana.agent_group.name == "Sales team"
    assert list(ana.skills.values_list("name", flat=True)) == ["Sales"]
    assert ana.socialaccount_set.get().provider == "outcomes"

    # The panel's session is Ana's: what she reports there is hers.
    panel.get_by_label("Order total").fill("25.00")
    panel.get_by_label("Order number").fill("A-1001")
    panel.get_by_label("Order number").press("Enter")
    panel.get_by_text("Saved.").wait_for()
    frame_shot(frame_box, "embed-sso-4-reported")
    assert EngagementAttributeEvent.objects.get(conversation=conversation).reported_by == ana
