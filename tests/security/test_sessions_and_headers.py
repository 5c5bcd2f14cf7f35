"""Sign-in and sessions (password rules, logout ends the session on the server) and the
security headers of real responses of every kind, with development and production settings."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from tests.security.conftest import ROOT, World

pytestmark = pytest.mark.django_db


# Sign-in and sessions ----------------------------------------------------------------------


def test_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    for weak in ("password", "12345678", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)


def test_people_page_refuses_a_weak_password(admin_client, django_user_model):
    response = admin_client.post(
        reverse("campaigns:user-create"),
        {"username": "weak", "first_name": "W", "last_name": "P", "password": "password"},
    )
    assert response.status_code == 422
    assert "too common" in response.content.decode()
    assert not django_user_model.objects.filter(username="weak").exists()


def test_logout_ends_the_session_on_the_server(agent):
    browser = Client()
    browser.post(reverse("login"), {"username": "agent", "password": "pw"})
    old_key = browser.cookies["sessionid"].value
    assert Session.objects.filter(session_key=old_key).exists()
    assert browser.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()  # someone who copied the cookie before the logout
    replay.cookies["sessionid"] = old_key
    response = replay.get(reverse("workspace:conversation-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_rotates_the_session_key(agent):
    browser = Client()
    browser.get(reverse("login"))
    browser.cookies["sessionid"] = "attacker-chosen-session-key-0123456789"
    browser.post(reverse("login"), {"username": "agent", "password": "pw"})
    assert browser.cookies["sessionid"].value != "attacker-chosen-session-key-0123456789"


# Headers on real responses -----------------------------------------------------------------

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def _responses(world: World) -> dict[str, object]:
    anonymous, agent = Client(), world.client_for("agent")
    detail = reverse("workspace:conversation-detail", args=[world.conversation.pk])
    key = world.api_keys["valid_key"]
    return {
        "login page": anonymous.get(reverse("login")),
        "page": agent.get(reverse("workspace:conversation-list")),
        "htmx fragment": agent.get(
            detail, headers={"HX-Request": "true", "HX-Target": "summary-outcomes"}
        ),
        "API JSON": Client().post(
            reverse("api:conversations"),
            json.dumps({"conversationId": "headers-1", "visitorId": "v"}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        ),
        "API error JSON": Client().post(reverse("api:conversations"), "{}", "application/json"),
        "404 page": agent.get("/no/such/page/"),
        "403 page": agent.get(reverse("campaigns:builder")),
        "health": anonymous.get(reverse("health")),
    }


PAGES = ("login page", "page", "404 page", "403 page")


def test_every_kind_of_response_carries_the_security_headers(world):
    for kind, response in _responses(world).items():
        assert response.status_code in (200, 201, 401, 403, 404), (kind, response.status_code)
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (kind, header)
        policy = response.headers.get("Content-Security-Policy", "")
        # Django adds the nonce only when the response used it: pages do, fragments and
        # JSON do not (so they allow even less).
        nonce = r" 'nonce-[\w+/=-]+'" if kind in PAGES else ""
        assert re.search(rf"script-src 'self'{nonce}(;|$)", policy), (kind, policy)
        assert "unsafe-inline" not in policy, kind
        assert "unsafe-eval" not in policy, kind
        assert "frame-ancestors 'none'" in policy, kind
        assert "default-src 'self'" in policy, kind
        assert "object-src 'none'" in policy, kind


def test_pages_use_the_nonce_of_their_own_policy(world):
    for kind in PAGES:
        response = _responses(world)[kind]
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
        assert scripts, kind
        for tag in scripts:
            assert f'nonce="{nonce}"' in tag, (kind, tag)
            assert "src=" in tag, (kind, tag)


PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "SECRET_KEY": "production-like-secret-key-for-the-header-check-0123456789-abcdefgh",
    "DEBUG": "0",
    "PRODUCTION": "1",
    "ALLOWED_HOSTS": "outcomes.example.com",
    "DJANGO_SETTINGS_MODULE": "outcomes_site.settings",
}
PRODUCTION_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "DEBUG",
)


@pytest.fixture(scope="module")
def production_settings() -> dict:
    """The security settings as ``outcomes_site/settings.py`` computes them with PRODUCTION=1."""
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_turn_on_https_only_behaviour(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True


def test_production_responses_have_hsts_and_secure_cookies(production_settings, agent):
    values = {k: v for k, v in production_settings.items() if k != "DEBUG"}
    with override_settings(**values, ALLOWED_HOSTS=["outcomes.example.com"]):
        browser = Client(HTTP_HOST="outcomes.example.com")
        plain = browser.get(reverse("login"))
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://outcomes.example.com/")
        https = {"HTTP_X_FORWARDED_PROTO": "https"}
        page = browser.get(reverse("login"), **https)
        assert page.status_code == 200
        assert page["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
        assert page.cookies["csrftoken"]["secure"] is True
        token = page.cookies["csrftoken"].value
        signed_in = browser.post(
            reverse("login"),
            {"username": "agent", "password": "pw", "csrfmiddlewaretoken": token},
            headers={"Referer": "https://outcomes.example.com/login/"},
            **https,
        )
        assert signed_in.status_code == 302
        session = signed_in.cookies["sessionid"]
        assert session["secure"] is True
        assert session["httponly"] is True
        assert session["samesite"] == "Lax"


# Templates ---------------------------------------------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HX_ON = re.compile(r"\bhx-on", re.IGNORECASE)


def _templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_templates_have_no_inline_script_style_or_hx_on():
    templates = _templates()
    assert len(templates) > 40
    problems = []
    for path in templates:
        text = path.read_text()
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (STYLE_ATTRIBUTE, "style= attribute"),
            (HX_ON, "hx-on"),
        ):
            if pattern.search(text):
                problems.append(f"{path.relative_to(ROOT)}: {what}")
    assert not problems, problems


@pytest.mark.parametrize(
    "snippet", ["<script>alert(1)</script>", '<p style="color: red">', '<a hx-on:click="x">']
)
def test_the_template_check_catches_each_pattern(snippet):
    assert any(p.search(snippet) for p in (INLINE_SCRIPT, STYLE_ATTRIBUTE, HX_ON))
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js" nonce="n"></script>')
