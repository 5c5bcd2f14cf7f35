"""allauth's SAML answer view, with a foreign or already used answer ending like every other
refusal (allauth raises ``PermissionDenied`` when the answer's ``InResponseTo`` matches no
sign-in this browser started: a replayed or forwarded answer)."""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.saml.views import finish_acs as allauth_finish_acs
from allauth.socialaccount.providers.saml.views import login as allauth_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from campaigns.sso.adapter import refusal_page


@login_not_required
def finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    try:
        return allauth_finish_acs(request, organization_slug=organization_slug)
    except PermissionDenied:
        return refusal_page(
            request,
            slug=organization_slug,
            code="state_mismatch",
            message=_(
                "The identity provider's answer could not be accepted, so you are not signed in."
            ),
            detail="SAML answer to no sign-in started in this browser",
        ).response


@login_not_required
def login(request: HttpRequest, organization_slug: str) -> HttpResponse:
    if request.method != "POST":  # the login page's buttons post; nothing to show here
        return redirect("login")
    return allauth_login(request, organization_slug=organization_slug)
