"""The login page's content security policy lets its forms reach the enabled providers.

``form-action`` also governs where a form's redirects may go: the "Sign in with ..." forms post
here, and are redirected to the provider, which the site-wide ``form-action 'self'`` forbids."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings

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
