"""Single sign-on through a real OpenID Connect provider (tests/sso/idp, Node's `oidc-provider`)
started on loopback: agents and managers sign in, their roles, team and skills follow the
directory's groups at each sign-in, and each bad answer ends on the refusal page with no
session and a security-log entry."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from campaigns.models import AuditEntry, Skill, User
from campaigns.roles import Role, roles_sync
from campaigns.sso.models import GroupMapping, IdentityProvider
from tests.factories import UserFactory
from tests.sso.saml_idp import SamlProvider, signing_pair

ANN = {"email": "ann@example.com", "email_verified": True, "name": "Ann Agent"}
MARIA = {"email": "maria@example.com", "email_verified": True, "name": "Maria Manager"}


def _sso_sign_in(page, live_server, button: str, login: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("button", name=f"Sign in with {button}", exact=True).click()
    login_box = page.locator("input[name=login]")
    if login_box.count():
        login_box.fill(login)
        if page.locator("input[name=password]").count():  # the OpenID provider's form
            page.locator("input[name=password]").fill("any")
        page.get_by_role("button", name="Sign-in").click()
    page.wait_for_load_state("networkidle")


def _sign_out(page) -> None:
    # RP-initiated logout with the ID token as the hint, which the provider checks.
    with page.expect_request(lambda request: "id_token_hint=" in request.url):
        page.get_by_role("button", name="Sign out").click()
    # RP-initiated logout: the provider asks, then sends the browser back to sign-in here.
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))


def _person(username_email: str) -> dict:
    user = User.objects.get(email=username_email)
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "agent_group": user.agent_group.name if user.agent_group else None,
        "manages": sorted(user.managed_groups.values_list("name", flat=True)),
        "skills": sorted(user.skills.values_list("name", flat=True)),
    }


def test_agent_and_manager_sign_in_and_follow_the_directory(directory, page, live_server, shot):
    directory.directory({"ann": {**ANN, "groups": ["cc-agents"]}})
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("button", name="Sign in with Company SSO")).to_be_visible()
    shot("sso-login-page")

    _sso_sign_in(page, live_server, "Company SSO", "ann")
    expect(page).to_have_url(re.compile(r"/workspace/"))
    shot("sso-agent-signed-in")
    assert _person("ann@example.com") == {
        "roles": [Role.AGENT],
        "agent_group": "Sales team",
        "manages": [],
        "skills": ["Sales"],
    }
    _sign_out(page)

    # Moved in the directory: at the next sign-in Ann is moved here too, and it is audited.
    directory.directory({"ann": {**ANN, "groups": ["cc-billing"]}})
    _sso_sign_in(page, live_server, "Company SSO", "ann")
    expect(page).to_have_url(re.compile(r"/workspace/"))
    assert _person("ann@example.com")["skills"] == ["Billing"]
    assert _person("ann@example.com")["agent_group"] == "Billing team"
    assert AuditEntry.objects.filter(action="sso.access_mapped").count() == 2
    _sign_out(page)

    directory.directory({"maria": {**MARIA, "groups": ["cc-managers"]}})
    _sso_sign_in(page, live_server, "Company SSO", "maria")
    expect(page).to_have_url(re.compile(r"/reports/"))
    assert _person("maria@example.com") == {
        "roles": [Role.AGENT_MANAGER],
        "agent_group": None,
        "manages": ["Billing team", "Sales team"],
        "skills": [],
    }
    _sign_out(page)

    # The admin sees the SSO people's roles and skills, read-only.
    UserFactory(username="root", password="pw", roles=[Role.ADMIN])
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"{live_server.url}/people/")
    ann_row = page.get_by_role("row").filter(has_text="Ann Agent")
    expect(ann_row.get_by_text("SSO", exact=True)).to_be_visible()
    ann_row.get_by_role("link").first.click()
    expect(page.get_by_role("checkbox", name="Billing", exact=True)).to_be_disabled()
    expect(page.get_by_role("checkbox", name="Billing team")).to_be_disabled()
    expect(page.get_by_label("Agent group")).to_be_disabled()
    expect(page.get_by_text("come from the identity provider")).to_be_visible()
    shot("sso-person-read-only")
    page.goto(f"{live_server.url}/settings/sso/")
    expect(page.get_by_role("link", name="Company SSO")).to_be_visible()
    shot("sso-settings")
    page.get_by_role("link", name="Company SSO").click()
    expect(page.get_by_role("heading", name="Group mapping")).to_be_visible()
    shot("sso-provider-mapping")


def _refused(page, live_server, before: int, caplog, reason: str) -> None:
    expect(page.get_by_role("heading", name="Not signed in")).to_be_visible()
    assert AuditEntry.objects.filter(action="auth.sso_refused").count() == before + 1
    logged = [r.getMessage() for r in caplog.records if r.name == "security"]
    assert f"reason={reason} " in logged[-1]
    page.goto(f"{live_server.url}/workspace/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))


def _only(slug: str) -> None:
    IdentityProvider.objects.update(enabled=False)
    IdentityProvider.objects.filter(slug=slug).update(enabled=True)


def test_each_bad_answer_ends_on_the_refusal_page_with_no_session(
    directory, browser, browser_context_args, live_server, caplog
):
    UserFactory(username="sam", email="sam@example.com", roles=[Role.AGENT])
    directory.directory(
        {
            "ann": {**ANN, "groups": ["cc-agents"]},
            "nora": {"email": "nora@example.com", "email_verified": True, "groups": ["staff"]},
            "sam": {"email": "sam@example.com", "email_verified": False, "groups": ["cc-agents"]},
        }
    )
    cases = [
        ("outcomes", "Company SSO", "nora", "no_role"),
        ("outcomes", "Company SSO", "sam", "unverified_email"),
        ("outcomes-swap", "Swap SSO", "ann", "InvalidAudienceError"),
        ("outcomes-slow", "Slow SSO", "ann", "ExpiredSignatureError"),
        ("outcomes-pinned", "Pinned SSO", "ann", "untrusted_key"),
    ]
    for slug, button, person, name in cases:
        _only(slug)
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        before = AuditEntry.objects.filter(action="auth.sso_refused").count()
        _sso_sign_in(page, live_server, button, person)
        page.screenshot(path=f"test-artifacts/screenshots/sso-refused-{name}.png")
        _refused(page, live_server, before, caplog, name)
        context.close()
    assert not User.objects.filter(email="nora@example.com").exists()

    # A response sent twice: someone who captured Ann's answer replays it in their browser.
    _only("outcomes")
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    callbacks = []
    page.on("request", lambda r: callbacks.append(r.url) if "/login/callback/" in r.url else None)
    _sso_sign_in(page, live_server, "Company SSO", "ann")
    expect(page).to_have_url(re.compile(r"/workspace/"))
    context.close()
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    before = AuditEntry.objects.filter(action="auth.sso_refused").count()
    page.goto(callbacks[0])
    page.screenshot(path="test-artifacts/screenshots/sso-refused-replayed.png")
    _refused(page, live_server, before, caplog, "state_mismatch")
    context.close()

    # A state that does not match the one this browser was given (login CSRF): the browser has
    # a sign-in pending at the provider, and is sent an answer carrying another state.
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("button", name="Sign in with Company SSO").click()
    expect(page.locator("input[name=login]")).to_be_visible()
    before = AuditEntry.objects.filter(action="auth.sso_refused").count()
    page.goto(re.sub(r"state=[^&]+", "state=forged", callbacks[0]))
    _refused(page, live_server, before, caplog, "state_mismatch")
    context.close()


@pytest.fixture(scope="module")
def saml_idp():
    provider = SamlProvider()
    yield provider
    provider.stop()


def test_saml_sign_in_follows_the_directory_and_refuses_bad_answers(
    transactional_db, saml_idp, browser, browser_context_args, live_server, caplog
):
    roles_sync()
    skill_sales = Skill.objects.create(name="Sales")
    corp = IdentityProvider.objects.create(
        slug="corp-saml",
        name="Corporate SAML",
        protocol="saml",
        idp_entity_id=saml_idp.entity_id,
        idp_sso_url=saml_idp.sso_url,
        idp_certificate=saml_idp.certificate,
    )
    GroupMapping.objects.create(
        provider=corp, external_group="cc-agents", role=Group.objects.get(name=Role.AGENT)
    ).skills.set([skill_sales])
    GroupMapping.objects.create(
        provider=corp, external_group="cc-leads", role=Group.objects.get(name=Role.AGENT_MANAGER)
    )
    saml_idp.trust(f"{live_server.url}/sso/saml/corp-saml/metadata/")
    saml_idp.directory = {"ann": {"email": "ann@example.com", "groups": ["cc-agents"]}}

    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    answers = []
    page.on(
        "request",
        lambda r: answers.append(r.post_data) if "/acs/" in r.url and r.method == "POST" else None,
    )
    _sso_sign_in(page, live_server, "Corporate SAML", "ann")
    expect(page).to_have_url(re.compile(r"/workspace/"))
    assert _person("ann@example.com")["skills"] == ["Sales"]
    context.close()

    # Moved in the directory: a team lead now.
    saml_idp.directory["ann"]["groups"] = ["cc-leads"]
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    _sso_sign_in(page, live_server, "Corporate SAML", "ann")
    expect(page).to_have_url(re.compile(r"/reports/"))
    assert _person("ann@example.com")["roles"] == [Role.AGENT_MANAGER]

    # The same answer sent again, from another browser.
    context.close()
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    before = AuditEntry.objects.filter(action="auth.sso_refused").count()
    response = context.request.post(
        f"{live_server.url}/sso/saml/corp-saml/acs/",
        data=answers[0],
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert "Not signed in" in response.text()
    assert AuditEntry.objects.filter(action="auth.sso_refused").count() == before + 1
    page.goto(f"{live_server.url}/workspace/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    context.close()

    # Signed with a key the app does not trust.
    corp.idp_certificate = saml_idp.other_certificate
    corp.save()
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    before = AuditEntry.objects.filter(action="auth.sso_refused").count()
    _sso_sign_in(page, live_server, "Corporate SAML", "ann")
    page.screenshot(path="test-artifacts/screenshots/sso-refused-saml-untrusted-key.png")
    _refused(page, live_server, before, caplog, "saml_invalid")
    context.close()


def test_saml_sign_out_ends_the_providers_session_too(
    transactional_db, saml_idp, browser, browser_context_args, live_server, tmp_path
):
    roles_sync()
    key_file, cert_file, _body = signing_pair(tmp_path, "sp")
    corp = IdentityProvider.objects.create(
        slug="corp-slo",
        name="Corporate SLO",
        protocol="saml",
        idp_entity_id=saml_idp.entity_id,
        idp_sso_url=saml_idp.sso_url,
        idp_certificate=saml_idp.certificate,
        idp_slo_url=saml_idp.slo_url,
        sp_private_key=key_file.read_text(),
        sp_certificate=cert_file.read_text(),
    )
    GroupMapping.objects.create(
        provider=corp, external_group="cc-agents", role=Group.objects.get(name=Role.AGENT)
    )
    saml_idp.trust(f"{live_server.url}/sso/saml/corp-slo/metadata/")
    saml_idp.directory = {"ann": {"email": "ann@example.com", "groups": ["cc-agents"]}}
    saml_idp.logouts.clear()
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    _sso_sign_in(page, live_server, "Corporate SLO", "ann")
    expect(page).to_have_url(re.compile(r"/workspace/"))

    # Signed out here, then at the provider (a LogoutRequest signed with this app's key), whose
    # signed answer brings the browser back to the sign-in page.
    with page.expect_request(lambda request: request.url.startswith(f"{saml_idp.slo_url}?")):
        page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    assert [logout["name_id"] for logout in saml_idp.logouts] == ["ann"]
    page.screenshot(path="test-artifacts/screenshots/sso-saml-signed-out.png")
    # The provider's session ended too: signing in again asks for credentials.
    page.get_by_role("button", name="Sign in with Corporate SLO").click()
    expect(page.locator("input[name=login]")).to_be_visible()

    # The control: without the provider's logout address, sign-out ends here only, and the
    # provider's session lets the next sign-in through without asking.
    corp.idp_slo_url = ""
    corp.save()
    page.locator("input[name=login]").fill("ann")
    page.get_by_role("button", name="Sign-in").click()
    expect(page).to_have_url(re.compile(r"/workspace/"))
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    assert len(saml_idp.logouts) == 1
    page.get_by_role("button", name="Sign in with Corporate SLO").click()
    expect(page).to_have_url(re.compile(r"/workspace/"))
    context.close()
