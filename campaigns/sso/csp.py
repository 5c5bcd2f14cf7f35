"""The browser policies of a sign-in through a provider.

The login page's content security policy lets its forms reach the enabled providers:
``form-action`` also governs where a form's redirects may go: the "Sign in with ..." forms post
here, and are redirected to the provider, which the site-wide ``form-action 'self'`` forbids.

The protocol views' redirects keep the window's opener (``keep_opener_on_redirect``)."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse

from campaigns.sso.models import IdentityProvider


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def provider_origins() -> list[str]:
    rows = IdentityProvider.objects.filter(enabled=True).values_list(
        "issuer", "idp_sso_url", "metadata_url"
    )
    return sorted({_origin(url) for row in rows for url in row} - {""})


def allow_provider_forms(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        origins = provider_origins()
        if origins:
            policy = dict(settings.SECURE_CSP)
            policy["form-action"] = [*policy.get("form-action", []), *origins]
            response._csp_config = policy
        return response

    return wrapped


def keep_opener_on_redirect(view):
    """The site-wide ``Cross-Origin-Opener-Policy: same-origin`` on a redirect of the sign-in
    round trip would cut the desktop panel's sign-in window off from the panel that opened it
    (a browser applies it at every hop), and the window could not hand the panel its code. A
    redirect shows no document to protect; the page it ends on still sends the site's policy,
    except the sign-in window, which relaxes it for that one purpose."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response: HttpResponse = view(request, *args, **kwargs)
        if 300 <= response.status_code < 400:
            response["Cross-Origin-Opener-Policy"] = "unsafe-none"
        return response

    return wrapped
