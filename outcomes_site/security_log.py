"""The security log: sign-ins, failed sign-ins, lockouts, sign-outs and refused requests.

Each event goes to the ``security`` logger (one line: what, who, from where, which path), and
sign-in events also to the audit log, so an admin reads them beside configuration changes. The
receivers are connected by ``SecurityLogConfig.ready`` (listed in ``INSTALLED_APPS``); the error
handlers in ``outcomes_site.views`` call ``access_refused``.
"""

import logging
import unicodedata

from django.apps import AppConfig
from django.http import HttpRequest

from outcomes_site.client_address import client_address

logger = logging.getLogger("security")
MAX_NAME = 150


def _printable(text: object, limit: int = MAX_NAME) -> str:
    """Attacker-typed text made safe for a log line and a database column: control and format
    characters (NUL, newlines, bidi overrides) are replaced, and the length is capped."""
    return "".join(
        "?" if unicodedata.category(char) in ("Cc", "Cf", "Cs") else char
        for char in str(text)[:limit]
    )


def _client_address(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    address = getattr(request, "axes_ip_address", "") or client_address(request) or "-"
    return _printable(address)


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "anonymous"
    return f"{_printable(user.get_username())} (id {user.pk})"


def _audit(action: str, *, user=None, name: str = "", request: HttpRequest | None = None):
    """An audit entry about a sign-in attempt on ``user`` (when the name matched someone).

    Only for attempts made through an HTTP request: a sign-in by code (a script, the test
    client's ``force_login``) is no person signing in, and is logged but not audited."""
    if request is None or not request.META.get("REQUEST_METHOD"):
        return
    # Imported here: this module is loaded while the app registry is still being populated.
    from campaigns.services.audit import audit_record

    audit_record(
        actor=user,
        action=action,
        obj=user,
        object_type="" if user is not None else "campaigns.User",
        after={"username": _printable(name), "address": _client_address(request)},
    )


def signed_in(sender, request=None, user=None, **kwargs) -> None:
    logger.info(
        "sign-in user=%s address=%s", _printable(user.get_username()), _client_address(request)
    )
    _audit("auth.sign_in", user=user, name=user.get_username(), request=request)


def sign_in_failed(sender, credentials=None, request=None, **kwargs) -> None:
    name = _printable((credentials or {}).get("username", ""))
    logger.warning("failed sign-in user=%r address=%s", name, _client_address(request))
    _audit("auth.sign_in_failed", name=name, request=request)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    name = _printable(username or "")
    logger.warning("lockout user=%r address=%s", name, _printable(ip_address or "-"))
    _audit("auth.lockout", name=name, request=request)


def signed_out(sender, request=None, user=None, **kwargs) -> None:
    if user is None:
        return
    logger.info(
        "sign-out user=%s address=%s", _printable(user.get_username()), _client_address(request)
    )
    _audit("auth.sign_out", user=user, name=user.get_username(), request=request)


def access_refused(request: HttpRequest, status: int) -> None:
    """A 403 or 404 answered by the product's error handlers: who asked for which path."""
    logger.warning(
        "refused status=%s user=%s method=%s path=%r address=%s",
        status,
        _who(request),
        _printable(request.method, 10),
        _printable(request.path, 300),
        _client_address(request),
    )


class SecurityLogConfig(AppConfig):
    """Not an app with models: the hook that connects the receivers once apps are ready."""

    name = "outcomes_site"
    label = "outcomes_site"
    verbose_name = "Security log"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        user_logged_in.connect(signed_in, dispatch_uid="security_log.signed_in")
        user_login_failed.connect(sign_in_failed, dispatch_uid="security_log.sign_in_failed")
        user_locked_out.connect(locked_out, dispatch_uid="security_log.locked_out")
        user_logged_out.connect(signed_out, dispatch_uid="security_log.signed_out")

        from django.core import checks

        from outcomes_site.secret_box import check_keys

        checks.register(check_keys, checks.Tags.security, deploy=True)
