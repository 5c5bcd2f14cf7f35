"""Every URL of the product, for every role: GET and POST, plain and htmx, and POST without a
CSRF token. The table below has one entry per URL pattern; a pattern without an entry fails
``test_every_url_pattern_has_an_entry``, so a new URL cannot ship untested.

Posts carry one unknown field unless an entry gives other data: a role that may act then
gets 422 (the form's errors) or its success answer, a role that may not gets 403 or 404 before any
validation. Each cell runs in a savepoint that is rolled back, so cells do not see each other's
writes. Django admin (``back-office/``) is checked separately at the end.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from reporting.models import ReportSubscription
from reporting.services.subscriptions import unsubscribe_token
from tests.security.conftest import API_ROLES, WEB_ROLES, World
from workspace.platforms.models import ExternalRef, PlatformAccount, RefKind
from workspace.platforms.services.accounts import platform_account_create

pytestmark = pytest.mark.django_db

LOGIN = "login"  # 302 to the login page; for htmx a 200 with HX-Redirect to it
SIGNED_IN = WEB_ROLES[1:]
Expected = dict[str, int | str]


def roles(default: int | str, *, anonymous: int | str = LOGIN, **overrides: int) -> Expected:
    """An expectation for every web role: ``default`` unless overridden."""
    return {"anonymous": anonymous, **{r: overrides.get(r, default) for r in SIGNED_IN}}


GET_ONLY = roles(405)  # require_GET answers 405 to signed-in roles; anonymous goes to login
POST_ONLY = roles(405)


def people(status: int) -> Expected:
    """People pages, the audit log and visitor erasure: admins only."""
    return roles(403, admin=status)


def builder(status: int) -> Expected:
    """Campaign Builder: admins and campaign managers."""
    return roles(403, admin=status, campaign_manager=status)


def reports(status: int) -> Expected:
    """Reports: admins, campaign managers and agent managers (any group)."""
    return roles(
        403, admin=status, campaign_manager=status, agent_manager=status, other_manager=status
    )


def conversation(*, agent: int, manager: int) -> Expected:
    """The agent's conversation: the agent, their group's manager and admins may open it;
    another agent, another group's manager and campaign managers get 404 (ids leak nothing)."""
    return roles(404, agent=agent, agent_manager=manager, admin=manager)


def api(*, no_key: int, revoked_key: int, valid_key: int, web: int) -> Expected:
    """API answers by key; a browser session (any web role) is no key at all."""
    keys = {"no_key": no_key, "revoked_key": revoked_key, "valid_key": valid_key}
    return {**keys, **dict.fromkeys(WEB_ROLES, web)}


@dataclass(frozen=True)
class Entry:
    get: Expected
    post: Expected
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    # A field no form has: the form is bound (``request.POST or None``) yet invalid.
    data: Callable[[World], dict[str, Any]] = lambda w: {"matrix": "1"}
    json_body: Callable[[World], Any] | None = None  # API: POST this as application/json
    # Where htmx gets another answer than a plain request (a fragment instead of a redirect).
    htmx_get: Expected = field(default_factory=dict)
    htmx_post: Expected = field(default_factory=dict)
    csrf: bool = True  # POSTs need a CSRF token (everything but the key-authenticated API)

    @property
    def is_api(self) -> bool:
        return self.json_body is not None


def pk(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": _attr(w, name).pk}


def _attr(w: World, dotted: str) -> Any:
    value: Any = w
    for part in dotted.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def _admin_subscription(w: World) -> ReportSubscription:
    return ReportSubscription.objects.create(
        user=w.users["admin"], frequency="daily", created_at=timezone.now()
    )


def conv(**extra: Callable[[World], Any]) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.conversation.pk, **{k: f(w) for k, f in extra.items()}}


def _platform(w: World, platform: str = "chatwoot", auth: str = "signature"):
    """One account per kind for the whole world (kwargs may be asked for outside a cell's
    rolled-back savepoint, so the account must be made once)."""
    made = w.__dict__.setdefault("_matrix_platforms", {})
    key = (platform, auth)
    if key in made and PlatformAccount.objects.filter(pk=made[key].pk).exists():
        return made[key]
    account, token = platform_account_create(
        actor=w.users["admin"],
        platform=platform,
        name=f"Matrix {platform}",
        account_ref=f"matrix-{auth}",
        auth=auth,
        secret="matrix-secret",
        now=timezone.now(),
    )
    account.new_token = token
    made[key] = account
    return account


def _platform_pk(w: World) -> dict[str, Any]:
    return {"pk": _platform(w).pk}


def _platform_ref(w: World) -> ExternalRef:
    now = timezone.now()
    return ExternalRef.objects.create(
        account=PlatformAccount.objects.filter(is_active=True).latest("pk"),
        kind=RefKind.AGENT,
        external_id="matrix-agent",
        first_seen_at=now,
        last_seen_at=now,
    )


def _webhook(w: World):
    from workspace.webhooks.models import Endpoint

    return Endpoint.objects.create(
        url="https://crm.example.com/hooks", event_types=["outcome.reported"],
        secret="whsec_bWF0cml4LXNlY3JldC1tYXRyaXgtc2VjcmV0", created_at=timezone.now(),
    )  # fmt: skip


def _webhook_delivery(w: World) -> dict[str, Any]:
    from workspace.webhooks.models import Delivery, OutboxMessage

    endpoint, now = _webhook(w), timezone.now()
    message = OutboxMessage.objects.create(
        event_type="conversation.closed", created_at=now, conversation=w.conversation
    )
    delivery = Delivery.objects.create(message=message, endpoint=endpoint, next_attempt_at=now)
    return {"pk": endpoint.pk, "delivery_pk": delivery.pk}


def _secret_receiver(w: World) -> dict[str, Any]:
    account = _platform(w, auth="secret_path")
    return {"slug": account.slug, "token": account.new_token}


BUILDER_FRAGMENT = {"admin": 200, "campaign_manager": 200}
INGEST_BODY = {
    "visitorId": "matrix-visitor",
    "engagementAttributes": [
        {"type": "purchase", "total": "1.00", "currency": "USD", "orderId": "MX-1"}
    ],
}
FEED_BODY = {"conversationId": "matrix-conversation", "visitorId": "matrix-visitor"}


def _sso_provider(w: World) -> dict[str, Any]:
    from campaigns.sso.models import IdentityProvider

    provider, _ = IdentityProvider.objects.get_or_create(
        slug="matrix", defaults={"name": "Matrix", "protocol": "saml"}
    )
    return {"pk": provider.pk}


def _sso_mapping(w: World) -> dict[str, Any]:
    from campaigns.sso.models import GroupMapping, IdentityProvider

    provider = IdentityProvider.objects.get(pk=_sso_provider(w)["pk"])
    return {"pk": GroupMapping.objects.create(provider=provider, external_group="g").pk}


def _nobody(key: str) -> Callable[[World], dict[str, Any]]:
    """A protocol endpoint asked for a provider that does not exist."""
    return lambda w: {key: "nobody"}


MATRIX: dict[str, Entry] = {
    # Site
    "home": Entry(get=roles(302), post=GET_ONLY),
    "health": Entry(get=roles(200, anonymous=200), post=roles(405, anonymous=405)),
    "ready": Entry(get=roles(200, anonymous=200), post=roles(405, anonymous=405)),
    # The test client connects from loopback, which METRICS_ALLOWED_NETWORKS admits by default;
    # other addresses and tokens: tests/test_operations.py.
    "metrics": Entry(get=roles(200, anonymous=200), post=roles(405, anonymous=405)),
    "login": Entry(get=roles(302, anonymous=200), post=roles(302, anonymous=200)),
    "logout": Entry(get=roles(405), post=roles(302)),
    # Each person's own time zone and number format: every signed-in role.
    "preferences": Entry(get=roles(200), post=roles(422)),
    # People (admins)
    "campaigns:user-list": Entry(get=people(200), post=GET_ONLY),
    "campaigns:user-create": Entry(get=people(200), post=people(422)),
    "campaigns:user-update": Entry(get=people(200), post=people(422), kwargs=pk("users.agent")),
    "campaigns:skill-list": Entry(get=people(200), post=GET_ONLY),
    "campaigns:skill-create": Entry(get=people(200), post=people(422)),
    "campaigns:skill-update": Entry(
        get=people(200), post=people(422), kwargs=pk("conversation.skill")
    ),
    "campaigns:group-list": Entry(get=people(200), post=GET_ONLY),
    "campaigns:group-create": Entry(get=people(200), post=people(422)),
    "campaigns:group-update": Entry(
        get=people(200), post=people(422), kwargs=pk("users.agent.agent_group")
    ),
    "workspace:visitor-erase": Entry(get=people(200), post=people(422)),
    "campaigns:audit-log": Entry(get=people(200), post=GET_ONLY),
    "campaigns:system-status": Entry(get=people(200), post=GET_ONLY),
    # Campaign Builder (admins, campaign managers)
    "campaigns:builder": Entry(get=builder(200), post=GET_ONLY),
    "campaigns:campaign-create": Entry(get=builder(200), post=builder(422)),
    "campaigns:campaign-update": Entry(get=builder(200), post=builder(422), kwargs=pk("campaign")),
    "campaigns:campaign-default": Entry(
        get=POST_ONLY, post=builder(302), kwargs=pk("campaign"), htmx_post=BUILDER_FRAGMENT
    ),
    "campaigns:goal-list": Entry(get=builder(200), post=GET_ONLY),
    "campaigns:goal-create": Entry(get=builder(200), post=builder(422)),
    "campaigns:goal-update": Entry(get=builder(200), post=builder(422), kwargs=pk("goal")),
    "campaigns:goal-delete": Entry(get=POST_ONLY, post=builder(302), kwargs=pk("goal")),
    "campaigns:account-settings": Entry(get=builder(200), post=builder(422)),
    "campaigns:policy-create": Entry(get=POST_ONLY, post=builder(422)),
    "campaigns:policy-delete": Entry(get=POST_ONLY, post=builder(302), kwargs=pk("policy")),
    "campaigns:data-sources": Entry(get=builder(200), post=GET_ONLY),
    "campaigns:data-sources-catalogue": Entry(get=builder(200), post=GET_ONLY),
    "campaigns:connector-create": Entry(get=POST_ONLY, post=builder(422)),
    "campaigns:connector-revoke": Entry(
        get=POST_ONLY, post=builder(302), kwargs=pk("connector"), htmx_post=BUILDER_FRAGMENT
    ),
    # Platforms and desktops (admins); the receivers answer the platforms, not sessions.
    "platforms:platform-list": Entry(get=people(200), post=GET_ONLY),
    "platforms:platform-create": Entry(get=POST_ONLY, post=people(422)),
    "platforms:platform-detail": Entry(get=people(200), post=GET_ONLY, kwargs=_platform_pk),
    "platforms:platform-secret": Entry(get=POST_ONLY, post=people(422), kwargs=_platform_pk),
    "platforms:platform-remove": Entry(get=POST_ONLY, post=people(302), kwargs=_platform_pk),
    "platforms:mapping-save": Entry(
        get=POST_ONLY,
        post=people(302),
        kwargs=lambda w: {"pk": _platform(w).pk, "ref_pk": _platform_ref(w).pk},
    ),
    "platforms:chatwoot-receive": Entry(
        get=roles(405, anonymous=405),
        post=roles(401, anonymous=401),  # unsigned
        kwargs=lambda w: {"slug": _platform(w).slug},
        csrf=False,
    ),
    "platforms:chatwoot-receive-secret": Entry(
        get=roles(405, anonymous=405),
        post=roles(400, anonymous=400),  # the path is the credential; the form body is no JSON
        kwargs=_secret_receiver,
        csrf=False,
    ),
    "platforms:liveperson-receive": Entry(
        get=roles(405, anonymous=405),
        post=roles(401, anonymous=401),
        kwargs=lambda w: {"slug": _platform(w, platform="liveperson").slug},
        csrf=False,
    ),
    # Outgoing webhooks (admins: the platforms permission)
    "webhooks:endpoint-list": Entry(get=people(200), post=GET_ONLY),
    "webhooks:endpoint-create": Entry(get=people(200), post=people(422)),
    "webhooks:endpoint-detail": Entry(
        get=people(200), post=GET_ONLY, kwargs=lambda w: {"pk": _webhook(w).pk}
    ),
    "webhooks:endpoint-update": Entry(
        get=POST_ONLY, post=people(422), kwargs=lambda w: {"pk": _webhook(w).pk}
    ),
    "webhooks:endpoint-rotate": Entry(
        get=POST_ONLY, post=people(302), kwargs=lambda w: {"pk": _webhook(w).pk}
    ),
    "webhooks:delivery-replay": Entry(get=POST_ONLY, post=people(302), kwargs=_webhook_delivery),
    "campaigns:category-configure": Entry(
        get=builder(200),
        post=builder(422),
        kwargs=lambda w: {"category": "ecommerce"},
        data=lambda w: {"attribute": "purchase", "purchase-submit_by_agent": "on"},
    ),
    "campaigns:survey-list": Entry(get=builder(200), post=GET_ONLY),
    "campaigns:survey-create": Entry(get=builder(200), post=builder(422)),
    "campaigns:predefined-lists": Entry(get=builder(200), post=builder(302)),
    "campaigns:survey-update": Entry(get=builder(200), post=builder(422), kwargs=pk("survey")),
    "campaigns:survey-preview": Entry(get=builder(200), post=GET_ONLY, kwargs=pk("survey")),
    "campaigns:survey-active": Entry(
        get=POST_ONLY, post=builder(302), kwargs=pk("survey"), htmx_post=BUILDER_FRAGMENT
    ),
    "campaigns:survey-default": Entry(
        get=POST_ONLY, post=builder(302), kwargs=pk("survey"), htmx_post=BUILDER_FRAGMENT
    ),
    "campaigns:survey-delete": Entry(get=POST_ONLY, post=builder(302), kwargs=pk("survey")),
    "campaigns:question-create": Entry(get=builder(200), post=builder(422), kwargs=pk("survey")),
    "campaigns:question-update": Entry(
        get=builder(200),
        post=builder(422),
        kwargs=lambda w: {"pk": w.survey.pk, "question_pk": w.questions[0].pk},
    ),
    "campaigns:question-move": Entry(
        get=POST_ONLY,
        post=builder(302),
        kwargs=lambda w: {"pk": w.survey.pk, "question_pk": w.questions[1].pk},
        data=lambda w: {"direction": "up"},
        htmx_post=BUILDER_FRAGMENT,
    ),
    "campaigns:question-delete": Entry(
        get=POST_ONLY,
        post=builder(302),
        kwargs=lambda w: {"pk": w.survey.pk, "question_pk": w.questions[1].pk},
        htmx_post=BUILDER_FRAGMENT,
    ),
    # Agent Workspace
    "workspace:conversation-list": Entry(get=roles(403, agent=200, other_agent=200), post=GET_ONLY),
    "workspace:conversation-detail": Entry(
        get=conversation(agent=200, manager=200), post=GET_ONLY, kwargs=conv()
    ),
    # The lead is required before close and not reported: the agent's close is refused, in
    # place for htmx (422) and by a redirect to the page that lists what is missing otherwise.
    # A GET (a reload of the address) goes back to the conversation, which checks access.
    "workspace:conversation-close": Entry(
        get=roles(302),
        post=conversation(agent=302, manager=403),
        kwargs=conv(),
        htmx_post={"agent": 422},
    ),
    "workspace:conversation-transfer": Entry(
        get=roles(302), post=conversation(agent=422, manager=403), kwargs=conv()
    ),
    # The transcript poll: new messages (or 204 when none) for those who may open the page.
    "workspace:conversation-transcript": Entry(
        get=conversation(agent=200, manager=200), post=GET_ONLY, kwargs=conv()
    ),
    "workspace:outcome-create": Entry(
        get=POST_ONLY,
        post=conversation(agent=422, manager=422),
        kwargs=conv(attribute_type=lambda w: "purchase"),
    ),
    "workspace:no-outcome-create": Entry(
        get=POST_ONLY,
        post=conversation(agent=302, manager=422),
        kwargs=conv(attribute_type=lambda w: "lead"),
        htmx_post={"agent": 200},
    ),
    "workspace:outcome-update": Entry(
        get=POST_ONLY,
        post=conversation(agent=422, manager=422),
        kwargs=conv(event_pk=lambda w: w.event.pk),
    ),
    # A panel of one outcome: htmx gets the form (or history); a plain GET goes to the page.
    "workspace:outcome-part": Entry(
        get=conversation(agent=302, manager=302),
        post=GET_ONLY,
        kwargs=conv(event_pk=lambda w: w.event.pk, part=lambda w: "correct"),
        htmx_get={"agent": 200, "agent_manager": 200, "admin": 200},
    ),
    "workspace:outcome-retract": Entry(
        get=POST_ONLY,
        post=conversation(agent=422, manager=422),
        kwargs=conv(event_pk=lambda w: w.event.pk),
    ),
    "workspace:survey-submit": Entry(
        get=POST_ONLY,
        post=conversation(agent=302, manager=422),
        kwargs=conv(),
        htmx_post={"agent": 200},
    ),
    # A dismiss without the confirmation answers with the question "Dismiss for good?".
    "workspace:survey-dismiss": Entry(
        get=POST_ONLY,
        post=conversation(agent=200, manager=422),
        kwargs=conv(),
        htmx_post={"agent": 200},
    ),
    # Single sign-on (campaigns.sso). Protocol endpoints are asked for an unknown provider:
    # 404 for everyone; their GET sign-in starts go back to the login page (the buttons POST).
    "sso:settings": Entry(get=people(200), post=people(422)),
    "sso:provider-create": Entry(get=people(200), post=people(422)),
    "sso:provider-update": Entry(get=people(200), post=people(422), kwargs=_sso_provider),
    "sso:mapping-create": Entry(get=POST_ONLY, post=people(422), kwargs=_sso_provider),
    "sso:mapping-delete": Entry(get=POST_ONLY, post=people(302), kwargs=_sso_mapping),
    "sso:refused": Entry(get=roles(403, anonymous=403), post=roles(405, anonymous=405)),
    "sso:signed-out": Entry(get=roles(302, anonymous=302), post=roles(405, anonymous=405)),
    "account_login": Entry(get=roles(302, anonymous=302), post=roles(302, anonymous=302)),
    "account_inactive": Entry(get=roles(403, anonymous=403), post=roles(405, anonymous=405)),
    "socialaccount_login_error": Entry(
        get=roles(403, anonymous=403), post=roles(405, anonymous=405)
    ),
    "socialaccount_login_cancelled": Entry(
        get=roles(403, anonymous=403), post=roles(405, anonymous=405)
    ),
    "socialaccount_signup": Entry(get=roles(403, anonymous=403), post=roles(405, anonymous=405)),
    "openid_connect_login": Entry(
        get=roles(302, anonymous=302),
        post=roles(404, anonymous=404),
        kwargs=_nobody("provider_id"),
    ),
    "openid_connect_callback": Entry(
        get=roles(404, anonymous=404),
        post=roles(404, anonymous=404),
        kwargs=_nobody("provider_id"),
    ),
    "saml_login": Entry(
        get=roles(302, anonymous=302),
        post=roles(404, anonymous=404),
        kwargs=_nobody("organization_slug"),
    ),
    # allauth's ACS keeps the answer and redirects to its finish step, which answers 404.
    # CSRF-exempt: the identity provider posts the signed answer from its own site.
    "saml_acs": Entry(
        get=roles(302, anonymous=302),
        post=roles(302, anonymous=302),
        kwargs=_nobody("organization_slug"),
        csrf=False,
    ),
    "saml_finish_acs": Entry(
        get=roles(404, anonymous=404),
        post=roles(404, anonymous=404),
        kwargs=_nobody("organization_slug"),
    ),
    "saml_sls": Entry(
        get=roles(404, anonymous=404),
        post=roles(404, anonymous=404),
        kwargs=_nobody("organization_slug"),
    ),
    "saml_metadata": Entry(
        get=roles(404, anonymous=404),
        post=roles(404, anonymous=404),
        kwargs=_nobody("organization_slug"),
    ),
    # Agent-desktop panels (workspace.embed); saving with nothing filled in turns a desktop off.
    # No desktop is turned on here, so the panel and its context answer 404 to everyone;
    # workspace/embed's own tests cover a panel that is on.
    "embed:desktop-settings": Entry(get=people(200), post=GET_ONLY),
    "embed:desktop-save": Entry(
        get=POST_ONLY, post=people(302), kwargs=lambda w: {"desktop": "chatwoot"}
    ),
    "embed:chatwoot-panel": Entry(get=roles(404, anonymous=404), post=roles(405, anonymous=405)),
    "embed:chatwoot-context": Entry(get=roles(405, anonymous=405), post=roles(404, anonymous=404)),
    "embed:liveperson-panel": Entry(get=roles(404, anonymous=404), post=roles(405, anonymous=405)),
    "embed:liveperson-context": Entry(
        get=roles(405, anonymous=405), post=roles(404, anonymous=404)
    ),
    "embed:zendesk-panel": Entry(get=roles(404, anonymous=404), post=roles(405, anonymous=405)),
    "embed:zendesk-context": Entry(get=roles(405, anonymous=405), post=roles(404, anonymous=404)),
    "embed:zendesk-save-check": Entry(
        get=roles(405, anonymous=405), post=roles(404, anonymous=404)
    ),
    # The code exchange is the credential: a bad code is 400 for everyone.
    "embed:session-start": Entry(
        get=roles(405, anonymous=405), post=roles(400, anonymous=400), csrf=False
    ),
    "embed:session-end": Entry(get=POST_ONLY, post=roles(200)),
    # The sign-in window: its form for anonymous, a one-time code for the signed-in.
    "embed:sign-in-window": Entry(get=roles(200, anonymous=200), post=roles(200, anonymous=422)),
    # Reports
    "reporting:home": Entry(get=reports(200), post=GET_ONLY),
    "reporting:goal-tracker": Entry(get=reports(200), post=GET_ONLY),
    "reporting:goal-tracker-targets": Entry(get=reports(200), post=GET_ONLY),
    "reporting:my-summary": Entry(get=roles(403, agent=200, other_agent=200), post=GET_ONLY),
    "reporting:event-list": Entry(get=reports(200), post=GET_ONLY),
    "reporting:conversation-list": Entry(get=reports(200), post=GET_ONLY, query="family=handled"),
    "reporting:duplicate-list": Entry(get=reports(200), post=GET_ONLY),
    "reporting:survey-report": Entry(get=reports(200), post=GET_ONLY),
    "reporting:completeness": Entry(get=reports(200), post=GET_ONLY),
    "reporting:target-list": Entry(get=reports(200), post=GET_ONLY),
    "reporting:target-create": Entry(
        get=roles(403, admin=200, agent_manager=200, other_manager=200),
        post=roles(403, admin=422, agent_manager=422, other_manager=422),
    ),
    # The target is for ``agent``: another group's manager does not see it (404).
    "reporting:target-update": Entry(
        get=roles(403, admin=200, agent_manager=200, other_manager=404),
        post=roles(403, admin=422, agent_manager=422, other_manager=404),
        kwargs=pk("target"),
    ),
    "reporting:target-delete": Entry(
        get=POST_ONLY,
        post=roles(403, admin=302, agent_manager=302, other_manager=404),
        kwargs=pk("target"),
    ),
    "reporting:export": Entry(get=reports(200), post=GET_ONLY),
    "reporting:goal-tracker-export": Entry(get=reports(200), post=GET_ONLY),
    "reporting:export-create": Entry(get=POST_ONLY, post=reports(302)),
    # The export is the admin's own: every other reader gets 404.
    "reporting:export-detail": Entry(
        get=roles(403, admin=200, campaign_manager=404, agent_manager=404, other_manager=404),
        post=GET_ONLY,
        kwargs=pk("export"),
    ),
    "reporting:export-download": Entry(
        get=roles(403, admin=200, campaign_manager=404, agent_manager=404, other_manager=404),
        post=GET_ONLY,
        kwargs=pk("export"),
    ),
    # Reports by e-mail: each reader's own list; the subscription below is the admin's.
    "reporting:subscription-list": Entry(get=reports(200), post=GET_ONLY),
    "reporting:subscription-create": Entry(get=reports(200), post=reports(422)),
    "reporting:subscription-delete": Entry(
        get=POST_ONLY,
        post=roles(403, admin=302, campaign_manager=404, agent_manager=404, other_manager=404),
        kwargs=lambda w: {"pk": _admin_subscription(w).pk},
    ),
    # The unsubscribe link needs no sign-in: the signed token is the credential.
    "reporting:subscription-unsubscribe": Entry(
        get=roles(200, anonymous=200),
        post=roles(302, anonymous=302),
        kwargs=lambda w: {"token": unsubscribe_token(_admin_subscription(w))},
    ),
    # Ingest API: connector keys, never sessions; its documentation is public.
    "api:engagement-attributes": Entry(
        get=api(no_key=405, revoked_key=405, valid_key=405, web=405),
        post=api(no_key=401, revoked_key=401, valid_key=201, web=401),
        json_body=lambda w: INGEST_BODY,
        csrf=False,
    ),
    "api:conversations": Entry(
        get=api(no_key=405, revoked_key=405, valid_key=405, web=405),
        post=api(no_key=401, revoked_key=401, valid_key=201, web=401),
        json_body=lambda w: FEED_BODY,
        csrf=False,
    ),
    "api:openapi": Entry(
        get=api(no_key=200, revoked_key=200, valid_key=200, web=200),
        post=api(no_key=405, revoked_key=405, valid_key=405, web=405),
        json_body=lambda w: {},
        csrf=False,
    ),
    "api:docs": Entry(
        get=api(no_key=200, revoked_key=200, valid_key=200, web=200),
        post=api(no_key=405, revoked_key=405, valid_key=405, web=405),
        json_body=lambda w: {},
        csrf=False,
    ),
}

# The panel serves the workspace's own pages again under /embed/w/ (namespace embed-widget),
# with the panel's own session cookie: every role answers there exactly as in the workspace.
MATRIX.update(
    {
        name.replace("workspace:", "embed-widget:", 1): entry
        for name, entry in list(MATRIX.items())
        if name.startswith("workspace:")
    }
)
EMBED_PREFIX = "/embed/"

ADMIN_PREFIX = "back-office/"


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, name) of every URL pattern of the project, Django admin aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(ADMIN_PREFIX):
            continue
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from url_patterns(pattern.url_patterns, route, joined)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or route
            yield route, f"{namespace}:{name}" if namespace and pattern.name else name


def test_every_url_pattern_has_an_entry(security_figures):
    found = {name: route for route, name in url_patterns()}
    missing = sorted(f"{name} ({route})" for name, route in found.items() if name not in MATRIX)
    stale = sorted(set(MATRIX) - set(found))
    security_figures.setdefault("matrix", {})["url_patterns"] = len(found)
    assert not missing, f"URL patterns without an authorization matrix entry: {missing}"
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


@dataclass
class Cell:
    name: str
    role: str
    variant: str
    expected: int | str
    status: int
    detail: str = ""

    def ok(self) -> bool:
        return self.detail == ""


def _request(world: World, name: str, entry: Entry, role: str, method: str, htmx: bool):
    url = reverse(name, kwargs=entry.kwargs(world)) + (f"?{entry.query}" if entry.query else "")
    headers = {"HX-Request": "true"} if htmx else {}
    if role in API_ROLES:
        client = Client()
        if world.api_keys[role]:
            headers["Authorization"] = f"Bearer {world.api_keys[role]}"
    else:
        client = world.client_for(role)
        if url.startswith(EMBED_PREFIX):
            _as_panel(client)
    if method == "get":
        return client.get(url, headers=headers)
    if entry.is_api:
        body = json.dumps(entry.json_body(world))
        return client.post(url, body, content_type="application/json", headers=headers)
    return client.post(url, entry.data(world), headers=headers)


def _as_panel(client: Client) -> None:
    """Under /embed/ the session travels in the panel's own cookie (workspace.embed)."""
    from workspace.embed.middleware import SESSION_COOKIE

    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:
        client.cookies[SESSION_COOKIE] = session.value


def _judge(response, expected: int | str, htmx: bool) -> str:
    """Empty when the response is what was expected, else what differed."""
    if expected == LOGIN:
        login = reverse("login")
        if htmx:
            target = response.headers.get("HX-Redirect", "")
            if response.status_code == 200 and target.startswith(login):
                return ""
            # A panel reloads itself (and offers its sign-in window) instead.
            if response.status_code == 200 and response.headers.get("HX-Refresh") == "true":
                return ""
            return f"expected HX-Redirect to login, got {response.status_code} {target!r}"
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location.startswith(login):
            return ""
        return f"expected 302 to login, got {response.status_code} {location!r}"
    if response.status_code != expected:
        return f"expected {expected}, got {response.status_code}"
    if htmx and expected in (403, 404) and b"<html" in response.content:
        return "an htmx error answered with a whole page"
    return ""


def _expected(entry: Entry, role: str, method: str, htmx: bool) -> int | str:
    plain = (entry.get if method == "get" else entry.post)[role]
    if htmx:
        overrides = entry.htmx_get if method == "get" else entry.htmx_post
        return overrides.get(role, plain)
    return plain


def _cell(world: World, name: str, entry: Entry, role: str, method: str, htmx: bool) -> Cell:
    expected = _expected(entry, role, method, htmx)
    with transaction.atomic():
        response = _request(world, name, entry, role, method, htmx)
        # Not response.close(): it sends request_finished, whose handler closes a database
        # connection found inside a transaction (the test's), breaking the rest of the test.
        if (stream := getattr(response, "file_to_stream", None)) is not None:
            stream.close()
        transaction.set_rollback(True)
    variant = f"{method.upper()}{' htmx' if htmx else ''}"
    return Cell(
        name, role, variant, expected, response.status_code, _judge(response, expected, htmx)
    )


def _csrf_cell(world: World, name: str, entry: Entry) -> Cell | None:
    """A POST without a CSRF token, by a role whose POST would otherwise be accepted: 403."""
    if not entry.csrf:
        return None
    role = next((r for r in WEB_ROLES if entry.post[r] not in (LOGIN, 403, 404, 405)), None)
    if role is None:
        return None
    url = reverse(name, kwargs=entry.kwargs(world))
    with transaction.atomic():
        client = world.client_for(role, enforce_csrf=True)
        if url.startswith(EMBED_PREFIX):
            _as_panel(client)
        response = client.post(url, entry.data(world))
        transaction.set_rollback(True)
    detail = "" if response.status_code == 403 else f"expected 403, got {response.status_code}"
    return Cell(name, role, "POST without CSRF token", 403, response.status_code, detail)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_expected(world, name, security_figures):
    entry = MATRIX[name]
    personas = [*API_ROLES, *WEB_ROLES] if entry.is_api else WEB_ROLES
    cells = [
        _cell(world, name, entry, role, method, htmx)
        for role in personas
        for method in ("get", "post")
        for htmx in (False, True)
    ]
    if (csrf := _csrf_cell(world, name, entry)) is not None:
        cells.append(csrf)
    figures = security_figures.setdefault("matrix", {})
    figures.setdefault("urls_covered", [])
    if name not in figures["urls_covered"]:
        figures["urls_covered"].append(name)
    figures["cells_checked"] = figures.get("cells_checked", 0) + len(cells)
    violations = [c for c in cells if not c.ok()]
    figures["violations"] = figures.get("violations", 0) + len(violations)
    assert not violations, "\n".join(
        f"{c.name} {c.variant} as {c.role}: {c.detail}" for c in violations
    )


def test_django_admin_is_for_staff_only(world, client, security_figures):
    """The back office: anonymous people are sent to sign in (the admin's login, or for model
    pages the product's, which returns them to the admin), and signed-in people who are not
    staff, product admins included, are sent to the admin's own login instead of being let in."""
    admin_login, login = reverse("admin:login"), reverse("login")
    paths = [
        reverse("admin:index"),
        reverse("admin:campaigns_auditentry_changelist"),
        reverse("admin:campaigns_user_changelist"),
    ]
    for path in paths:
        anonymous = client.get(path)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith((login, admin_login))
        for role in ("agent", "admin"):
            response = world.client_for(role).get(path)
            assert response.status_code == 302, (role, path)
            assert response["Location"].startswith(admin_login)
    figures = security_figures.setdefault("matrix", {})
    figures["admin_checks"] = len(paths) * 3
