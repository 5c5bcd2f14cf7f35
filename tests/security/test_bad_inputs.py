"""Bad input, table-driven, over the widget forms, the configuration forms and the ingest API.

Each case sends one hostile value through a real request and says what must happen:
``REJECT`` (the form answers 422 with the error beside its field, the API 400, and no row is
written anywhere), ``ACCEPT`` (stored as typed, names without their bidirectional controls,
and on every page that shows it rendered escaped: HTML stays text, template syntax is not
evaluated), or an exact status (400, 413, 415 for bodies the server refuses before any view
logic). No case may answer 5xx.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from campaigns.models import QuestionKind, SurveyQuestion
from outcomes_site.names import strip_bidi_controls
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

REJECT, ACCEPT = "reject", "accept"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HTML_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
TEMPLATE = "{{ 7|add:1 }}"
BIDI = "Order \u202eFDP.exe\u202c \u2067x\u2069"
NUL = "before\x00after"
MONEY = {
    "negative": "-1",
    "nan": "NaN",
    "infinity": "Infinity",
    "huge-exponent": "1e9999",
    "exponent": "1E+2",
    "underscore": "1_000",
    "full-width-digits": "\uff11\uff12\uff13",
    "too-many-decimals": "1.234",
    "over-long": "1" * 40,
}
# Whole numbers (minutes, characters): Django's IntegerField reads "1_000" and full-width
# digits as the number they spell; that is allowed only if exactly that number is kept.
WHOLE_REJECTED = {
    "negative": "-1",
    "nan": "NaN",
    "infinity": "Infinity",
    "huge-exponent": "1e9999",
    "decimals": "1.5",
    "over-long": "9" * 40,
}
WHOLE_SPELLED = {"underscore": ("1_000", 1000), "full-width-digits": ("\uff11\uff10", 10)}


def text_values(max_length: int) -> dict[str, tuple[str, str]]:
    return {
        "over-long": ("x" * (max_length + 1), REJECT),
        "nul": (NUL, REJECT),
        "html": (HTML, ACCEPT),
        "template-syntax": (TEMPLATE, ACCEPT),
        "bidi-controls": (BIDI, ACCEPT),
    }


@dataclass(frozen=True)
class FormTarget:
    """Where a value is typed: the page that takes it, who types it, the rest of a valid form,
    and the pages (role, URL) that show the stored value."""

    url: Callable[[World], str]
    role: str
    data: Callable[[World, str], dict[str, Any]]
    shown_at: Callable[[World], list[tuple[str, str]]] = lambda w: []
    stored: Callable[[World], Any] | None = None  # reads the stored value back
    htmx: bool = False


def _detail(w: World) -> str:
    return reverse("workspace:conversation-detail", args=[w.conversation.pk])


def _survey_fields(w: World, question: str, value: str) -> dict[str, Any]:
    return {f"survey-q{w.extra[question].pk}": value, "survey-seen": "0", "survey-token": uuid4()}


def _survey_report_after_close(w: World) -> str:
    """The survey report lists answers of ended conversations: end this one first."""
    w.conversation.__class__.objects.filter(pk=w.conversation.pk).update(
        ended_at=w.conversation.started_at + timedelta(minutes=5)
    )
    return reverse("reporting:survey-report")


def _goal(value_field: str, value: str) -> dict[str, Any]:
    data = {
        "name": "Bad input goal",
        "goal_type": "sell",
        "sell_condition": "more_than",
        "sell_more_than": "10",
        "sell_currency": "USD",
        "boxes-TOTAL_FORMS": "3",
        "boxes-INITIAL_FORMS": "0",
    }
    return {**data, value_field: value}


def _purchase(**values: str) -> dict[str, Any]:
    data = {"add-purchase-total": "5", "add-purchase-currency": "USD", "add-purchase-orderId": "B"}
    return {**data, **{f"add-purchase-{k}": v for k, v in values.items()}}


def _latest(model_label: str, field: str) -> Callable[[World], Any]:
    def read(w: World) -> Any:
        model = apps.get_model(model_label)
        row = model.objects.order_by("-pk").first()
        return getattr(row, field) if row is not None else None

    return read


WIDGET = {
    "widget.transaction.total": FormTarget(
        url=lambda w: reverse("workspace:outcome-create", args=[w.conversation.pk, "purchase"]),
        role="agent",
        data=lambda w, v: _purchase(total=v),
        htmx=True,
    ),
    "widget.transaction.orderId": FormTarget(
        url=lambda w: reverse("workspace:outcome-create", args=[w.conversation.pk, "purchase"]),
        role="agent",
        data=lambda w, v: _purchase(orderId=v),
        shown_at=lambda w: [("agent", _detail(w)), ("admin", reverse("reporting:event-list"))],
        stored=_latest("workspace.EngagementAttributeEvent", "action_id"),
        htmx=True,
    ),
    "widget.retract.reason": FormTarget(
        url=lambda w: reverse("workspace:outcome-retract", args=[w.conversation.pk, w.event.pk]),
        role="agent",
        data=lambda w, v: {
            f"retract-{w.event.pk}-version": "1",
            f"retract-{w.event.pk}-reason": v,
        },
        shown_at=lambda w: [("agent", _detail(w))],
        stored=_latest("workspace.EventRevision", "reason"),
        htmx=True,
    ),
    "widget.survey.free-text": FormTarget(
        url=lambda w: reverse("workspace:survey-submit", args=[w.conversation.pk]),
        role="agent",
        data=lambda w, v: _survey_fields(w, "notes", v),
        shown_at=lambda w: [("agent", _detail(w)), ("admin", _survey_report_after_close(w))],
        stored=_latest("workspace.SurveyAnswer", "value_text"),
        htmx=True,
    ),
    "widget.survey.number": FormTarget(
        url=lambda w: reverse("workspace:survey-submit", args=[w.conversation.pk]),
        role="agent",
        data=lambda w, v: _survey_fields(w, "number", v),
        htmx=True,
    ),
}
CONFIGURATION = {
    "config.goal.amount": FormTarget(
        url=lambda w: reverse("campaigns:goal-create"),
        role="campaign_manager",
        data=lambda w, v: _goal("sell_more_than", v),
    ),
    "config.goal.name": FormTarget(
        url=lambda w: reverse("campaigns:goal-create"),
        role="campaign_manager",
        data=lambda w, v: _goal("name", v),
        shown_at=lambda w: [("campaign_manager", reverse("campaigns:goal-list"))],
        stored=_latest("campaigns.Goal", "name"),
    ),
    "config.account.outcome-window": FormTarget(
        url=lambda w: reverse("campaigns:account-settings"),
        role="admin",
        data=lambda w, v: {
            "default_currency": "USD",
            "report_time_zone": "",
            "agent_outcome_window_minutes": v,
        },
        stored=lambda w: (
            apps.get_model("campaigns.AccountSettings").load().agent_outcome_window_minutes
        ),
    ),
    "config.skill.name": FormTarget(
        url=lambda w: reverse("campaigns:skill-create"),
        role="admin",
        data=lambda w, v: {"name": v, "survey_timeout_minutes": ""},
        shown_at=lambda w: [("admin", reverse("campaigns:skill-list"))],
        stored=_latest("campaigns.Skill", "name"),
    ),
    "config.skill.survey-timeout": FormTarget(
        url=lambda w: reverse("campaigns:skill-create"),
        role="admin",
        data=lambda w, v: {"name": "Timeout skill", "survey_timeout_minutes": v},
        stored=_latest("campaigns.Skill", "survey_timeout_minutes"),
    ),
    "config.connector.name": FormTarget(
        url=lambda w: reverse("campaigns:connector-create"),
        role="admin",
        data=lambda w, v: {"name": v},
        shown_at=lambda w: [("admin", reverse("campaigns:data-sources"))],
        stored=_latest("campaigns.Connector", "name"),
    ),
    "config.survey.description": FormTarget(
        url=lambda w: reverse("campaigns:survey-create"),
        role="campaign_manager",
        data=lambda w, v: {"name": "Bad survey", "description": v, "timeout_minutes": "30"},
        shown_at=lambda w: [("campaign_manager", reverse("campaigns:survey-list"))],
        stored=_latest("campaigns.AgentSurvey", "description"),
    ),
    "config.question.text": FormTarget(
        url=lambda w: reverse("campaigns:question-create", args=[w.survey.pk]),
        role="campaign_manager",
        data=lambda w, v: {"text": v, "kind": "free_text", "max_chars": "200", "predefined": ""},
        shown_at=lambda w: [
            ("agent", _detail(w)),
            ("campaign_manager", reverse("campaigns:survey-preview", args=[w.survey.pk])),
        ],
        stored=_latest("campaigns.SurveyQuestion", "text"),
    ),
    "config.question.max-chars": FormTarget(
        url=lambda w: reverse("campaigns:question-create", args=[w.survey.pk]),
        role="campaign_manager",
        data=lambda w, v: {"text": "Why?", "kind": "free_text", "max_chars": v, "predefined": ""},
        stored=_latest("campaigns.SurveyQuestion", "max_chars"),
    ),
    "config.attribute.display-name": FormTarget(
        url=lambda w: reverse("campaigns:category-configure", args=["ecommerce"]),
        role="campaign_manager",
        data=lambda w, v: {
            "attribute": "purchase",
            "purchase-submit_by_agent": "on",
            "purchase-skills": [str(w.conversation.skill_id)],
            "purchase-added": ["total"],
            "purchase-display_name_total": v,
            "purchase-version": "",
        },
        shown_at=lambda w: [("agent", _detail(w))],
        stored=lambda w: (
            apps.get_model("campaigns.AttributeField")
            .objects.get(config__attribute_type="purchase", property_key="total")
            .display_name
        ),
    ),
    "config.user.first-name": FormTarget(
        url=lambda w: reverse("campaigns:user-create"),
        role="admin",
        data=lambda w, v: {
            "username": "new-person",
            "first_name": v,
            "last_name": "Person",
            "email": "new@example.com",
            "password": "a-long-unusual-passphrase-91",
            "is_active": "on",
        },
        shown_at=lambda w: [("admin", reverse("campaigns:user-list"))],
        stored=_latest("campaigns.User", "first_name"),
    ),
    "config.target.value": FormTarget(
        url=lambda w: reverse("reporting:target-create"),
        role="admin",
        data=lambda w, v: {
            "month": date.today().strftime("%Y-%m"),
            "who": f"agent:{w.users['agent'].pk}",
            "goal_type": "leads",
            "value_target": v,
            "currency": "USD",
        },
    ),
}
TEXT_LIMITS = {
    "widget.transaction.orderId": 100,
    "widget.retract.reason": 500,
    "widget.survey.free-text": 500,
    "config.goal.name": 120,
    "config.skill.name": 80,
    "config.connector.name": 80,
    "config.survey.description": 1000,
    "config.question.text": 300,
    "config.attribute.display-name": 60,
    "config.user.first-name": 150,
}
MONEY_TARGETS = ("widget.transaction.total", "config.goal.amount", "config.target.value")
DECIMAL_TARGETS = ("widget.survey.number",)  # signed numbers: a negative one is a value
WHOLE_TARGETS = (
    "config.account.outcome-window",
    "config.skill.survey-timeout",
    "config.question.max-chars",
)
TARGETS = {**WIDGET, **CONFIGURATION}
# Names lose their bidirectional controls when saved (outcomes_site/names.py, tests/test_names.py);
# every other text is stored as typed.
NAME_TARGETS = (
    "config.goal.name",
    "config.skill.name",
    "config.connector.name",
    "config.question.text",
    "config.attribute.display-name",
    "config.user.first-name",
)


@dataclass(frozen=True)
class Case:
    id: str
    target: str | None = None
    value: Any = None
    expect: str | int = REJECT
    spelled: Any = None  # for whole numbers typed unusually: the only value that may be kept
    run: Callable[[World], Any] | None = None  # a case that sends its own request
    may_write: tuple[str, ...] = ()  # models a refused request may still write (the audit log)


def _form_cases() -> list[Case]:
    cases = []
    for name, limit in TEXT_LIMITS.items():
        for label, (value, expect) in text_values(limit).items():
            cases.append(Case(f"{name}:{label}", name, value, expect))
    for name in MONEY_TARGETS:
        cases += [Case(f"{name}:{label}", name, value) for label, value in MONEY.items()]
    for name in DECIMAL_TARGETS:
        numbers = {k: v for k, v in MONEY.items() if k not in ("negative", "too-many-decimals")}
        numbers["too-many-decimals"] = "1.23456"
        cases += [Case(f"{name}:{label}", name, value) for label, value in numbers.items()]
    for name in WHOLE_TARGETS:
        cases += [Case(f"{name}:{label}", name, v) for label, v in WHOLE_REJECTED.items()]
        cases += [
            Case(f"{name}:{label}", name, text, "spelled", spelled=number)
            for label, (text, number) in WHOLE_SPELLED.items()
        ]
    return cases


# The API ---------------------------------------------------------------------------------


def _api(w: World, route: str, body: bytes | str, content_type: str = "application/json"):
    headers = {"Authorization": f"Bearer {w.api_keys['valid_key']}"}
    return Client().generic(
        "POST", reverse(route), body, content_type=content_type, headers=headers
    )


def _purchase_sde(w: World, **fields: str) -> dict[str, Any]:
    sde = {"type": "purchase", "total": "5.00", "currency": "USD", "orderId": "API-1", **fields}
    return {"conversationId": w.conversation.external_id, "engagementAttributes": [sde]}


def _ingest(body: Callable[[World], Any]) -> Callable[[World], Any]:
    return lambda w: _api(w, "api:engagement-attributes", json.dumps(body(w)))


def _ingest_raw(text: str) -> Callable[[World], Any]:
    def send(w: World):
        sde = f'{{"type": "purchase", "total": {text}, "currency": "USD", "orderId": "R"}}'
        conversation = w.conversation.external_id
        body = f'{{"conversationId": "{conversation}", "engagementAttributes": [{sde}]}}'
        return _api(w, "api:engagement-attributes", body)

    return send


def _feed_message(text: str) -> Callable[[World], Any]:
    def send(w: World):
        body = {
            "conversationId": w.conversation.external_id,
            "messages": [{"sentBy": "consumer", "text": text, "time": "2026-01-01T10:00:00Z"}],
        }
        return _api(w, "api:conversations", json.dumps(body))

    return send


def _nested(depth: int) -> str:
    return '{"visitorId": "v", "engagementAttributes": ' + "[" * depth + "]" * depth + "}"


API_CASES = [
    Case("api.total:json-nan", run=_ingest_raw("NaN"), expect=400),
    Case("api.total:json-infinity", run=_ingest_raw("Infinity"), expect=400),
    Case("api.total:json-huge-exponent", run=_ingest_raw("1e9999"), expect=400),
    Case("api.total:json-negative", run=_ingest_raw("-1"), expect=400),
    Case("api.total:json-too-many-decimals", run=_ingest_raw("1.234"), expect=400),
    *[
        Case(f"api.total:string-{label}", run=_ingest(lambda w, v=value: _purchase_sde(w, total=v)))
        for label, value in MONEY.items()
    ],
    *[
        Case(
            f"api.orderId:{label}",
            run=_ingest(lambda w, v=value: _purchase_sde(w, orderId=v)),
            expect=400 if expect == REJECT else ACCEPT,
            value=value,
        )
        for label, (value, expect) in text_values(100).items()
    ],
    *[
        Case(
            f"api.message:{label}",
            run=_feed_message(value),
            expect=400 if expect == REJECT else ACCEPT,
            value=value,
        )
        for label, (value, expect) in text_values(10_000).items()
    ],
    Case(
        "api:malformed-json",
        run=lambda w: _api(w, "api:engagement-attributes", '{"a": '),
        expect=400,
    ),
    Case(
        "api:duplicate-keys",
        run=lambda w: _api(
            w,
            "api:engagement-attributes",
            '{"visitorId": "a", "visitorId": "b", "engagementAttributes": [{"type": "lead"}]}',
        ),
        expect=400,
    ),
    Case(
        "api:deep-nesting",
        run=lambda w: _api(w, "api:engagement-attributes", _nested(40)),
        expect=400,
    ),
    Case(
        "api:very-deep-nesting",
        run=lambda w: _api(w, "api:engagement-attributes", _nested(100_000)),
        expect=400,
    ),
    Case(
        "api:oversized-body",
        run=lambda w: _api(w, "api:engagement-attributes", '{"v": "' + "x" * 1_100_000 + '"}'),
        expect=413,
    ),
    Case(
        "api:not-json-media-type",
        run=lambda w: _api(w, "api:engagement-attributes", "visitorId=a", "text/plain"),
        expect=415,
    ),
    Case(
        "api:not-utf8",
        run=lambda w: _api(w, "api:engagement-attributes", b'{"visitorId": "\xff\xfe"}'),
        expect=400,
    ),
    Case("api:blank-body", run=lambda w: _api(w, "api:engagement-attributes", "  "), expect=400),
    Case("api:bare-number", run=lambda w: _api(w, "api:conversations", "5"), expect=400),
    Case(
        "api:too-many-sdes",
        run=_ingest(lambda w: {"visitorId": "v", "engagementAttributes": [{"type": "lead"}] * 101}),
        expect=400,
    ),
]


# Whole requests the server refuses before a view reads a field -----------------------------


def _many_fields(w: World, role: str, url: str, *, csrf_header: bool = False):
    client = w.client_for(role, enforce_csrf=csrf_header)
    headers = {}
    if csrf_header:
        client.get(reverse("login") if role == "anonymous" else _detail(w))
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value
    data = {f"field{i}": "x" for i in range(1001)}
    return client.post(url, data, headers=headers)


def _sign_in(username: str, **extra: str):
    return Client().post(reverse("login"), {"username": username, "password": "x"}, **extra)


def _oversized_form(w: World):
    data = {**_purchase(), "add-purchase-orderId": "x" * (3 * 1024 * 1024)}
    url = reverse("workspace:outcome-create", args=[w.conversation.pk, "purchase"])
    return w.client_for("agent").post(url, data)


REQUEST_CASES = [
    Case(
        "form:1001-fields-widget",
        run=lambda w: _many_fields(
            w, "agent", reverse("workspace:outcome-create", args=[w.conversation.pk, "purchase"])
        ),
        expect=400,
    ),
    Case(
        "form:1001-fields-widget-with-csrf",
        run=lambda w: _many_fields(
            w,
            "agent",
            reverse("workspace:outcome-create", args=[w.conversation.pk, "purchase"]),
            csrf_header=True,
        ),
        expect=400,
    ),
    Case(
        "form:1001-fields-configuration",
        run=lambda w: _many_fields(w, "admin", reverse("campaigns:goal-create")),
        expect=400,
    ),
    Case(
        "form:1001-fields-login",
        run=lambda w: _many_fields(w, "anonymous", reverse("login"), csrf_header=True),
        expect=400,
    ),
    Case("form:oversized-body", run=_oversized_form, expect=400),
    # Sign-in: refused as form errors (200, the form again), never reaching the lockout store.
    Case("login:over-long-username", run=lambda w: _sign_in("x" * 300), expect=200),
    Case("login:nul-in-username", run=lambda w: _sign_in(NUL), expect=200),
    Case(
        "login:over-long-user-agent",
        run=lambda w: _sign_in("nobody", HTTP_USER_AGENT="u" * 5000),
        expect=200,
        may_write=("campaigns.AuditEntry",),  # the failed sign-in is audited
    ),
]

CASES = _form_cases() + API_CASES + REQUEST_CASES


# Running a case --------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    counts = {}
    for label in ("campaigns", "workspace", "reporting"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model.objects.count()
    return counts


def _persisted(before: dict[str, int]) -> dict[str, int]:
    after = _row_counts()
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def _send(world: World, case: Case):
    if case.run is not None:
        return case.run(world)
    target = TARGETS[case.target]
    headers = {"HX-Request": "true"} if target.htmx else {}
    return world.client_for(target.role).post(
        target.url(world), target.data(world, case.value), headers=headers
    )


def _unescaped(world: World, case: Case, shown_at: list[tuple[str, str]]) -> list[str]:
    """Pages where the accepted value shows other than as escaped, literal text."""
    wanted = HTML_ESCAPED if case.value == HTML else case.value
    bad = []
    for role, url in shown_at:
        html = world.client_for(role).get(url).content.decode()
        if case.value == HTML and (HTML in html or "<script>alert" in html):
            bad.append(f"{url} (raw HTML)")
        elif case.value in (HTML, TEMPLATE) and wanted not in html:
            bad.append(f"{url} (value missing or evaluated)")
    return bad


@pytest.fixture
def bad_input_world(world: World) -> World:
    survey = world.survey
    world.extra = {
        "notes": next(q for q in world.questions if q.kind == QuestionKind.FREE_TEXT),
        "number": SurveyQuestion.objects.create(
            survey=survey, position=9, text="How many?", kind=QuestionKind.NUMBER
        ),
    }
    return world


@pytest.fixture(scope="module")
def bad_input_figures(security_figures):
    figures = security_figures.setdefault(
        "bad_inputs", {"cases": 0, "server_errors": 0, "rows_persisted": 0, "unescaped": 0}
    )
    return figures


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(bad_input_world, case, bad_input_figures):
    world = bad_input_world
    before = _row_counts()
    response = _send(world, case)
    status = response.status_code
    problems = []
    bad_input_figures["cases"] += 1
    if status >= 500:
        bad_input_figures["server_errors"] += 1
        problems.append(f"answered {status}")
    target = TARGETS.get(case.target) if case.target else None
    if case.expect == REJECT or isinstance(case.expect, int):
        wanted = case.expect if isinstance(case.expect, int) else (400 if case.run else 422)
        if status != wanted:
            problems.append(f"expected {wanted}, got {status}")
        if (
            case.expect == REJECT
            and target is not None
            and b"field__errors" not in response.content
        ):
            problems.append("no error shown beside a field")
        persisted = {k: v for k, v in _persisted(before).items() if k not in case.may_write}
        if persisted:
            bad_input_figures["rows_persisted"] += sum(persisted.values())
            problems.append(f"rejected input wrote rows: {persisted}")
    elif case.expect == "spelled":
        stored = target.stored(world)
        if status == 422:
            if _persisted(before):
                problems.append("rejected input wrote rows")
        elif stored != case.spelled:
            problems.append(f"accepted {case.value!r} and kept {stored!r}")
    else:  # ACCEPT
        if status not in (200, 201, 302):
            problems.append(f"expected the value to be accepted, got {status}")
        if target is not None and target.stored is not None:
            stored = target.stored(world)
            kept = strip_bidi_controls(case.value) if case.target in NAME_TARGETS else case.value
            if stored != kept:
                problems.append(f"stored {stored!r} instead of {kept!r}")
        shown_at = target.shown_at(world) if target is not None else []
        if case.run is not None:  # the API's values show on the conversation page
            shown_at = [("agent", _detail(world))]
        if case.value in (HTML, TEMPLATE) and status in (200, 201):
            shown_at.append(("response", ""))
        unescaped = _unescaped(world, case, [s for s in shown_at if s[0] != "response"])
        if case.value == HTML and status == 200 and HTML in response.content.decode():
            unescaped.append("the response itself")
        bad_input_figures["unescaped"] += len(unescaped)
        problems += [f"rendered unescaped on {page}" for page in unescaped]
    assert not problems, problems


# Open redirects after sign-in ------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "/%09/evil.example",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(agent, target, bad_input_figures):
    client = Client()
    response = client.post(
        reverse("login") + "?next=" + target,
        {"username": "agent", "password": "pw", "next": target},
    )
    bad_input_figures["cases"] += 1
    if response.status_code >= 500:
        bad_input_figures["server_errors"] += 1
    assert response.status_code == 302
    location = response["Location"]
    parts = urlsplit(location)
    assert parts.scheme == "", location
    assert parts.netloc == "", location
    assert location.startswith("/"), location
    assert not location.startswith(("//", "/\\")), location


def test_login_page_renders_a_hostile_next_escaped(client, bad_input_figures):
    response = client.get(reverse("login"), {"next": '/x"><script>alert(1)</script>'})
    bad_input_figures["cases"] += 1
    html = response.content.decode()
    if "<script>alert(1)" in html:
        bad_input_figures["unescaped"] += 1
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
