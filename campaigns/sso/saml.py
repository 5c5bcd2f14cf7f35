"""allauth's SAML views: the answer view, with a foreign or already used answer ending like
every other refusal (allauth raises ``PermissionDenied`` when the answer's ``InResponseTo``
matches no sign-in this browser started: a replayed or forwarded answer); and the single logout
address, which takes signed logout messages only."""

import logging

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.saml.views import finish_acs as allauth_finish_acs
from allauth.socialaccount.providers.saml.views import login as allauth_login
from allauth.socialaccount.providers.saml.views import sls as allauth_sls
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from campaigns.sso.adapter import refusal_page
from campaigns.sso.models import IdentityProvider, Protocol
from outcomes_site.security_log import _client_address, _printable

security_logger = logging.getLogger("security")


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


@csrf_exempt
@login_not_required
def single_logout(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """A provider's logout request (or its answer to one) ends the session in this browser, so
    any site could send an unsigned one and sign a person out (logout CSRF). python3-saml checks
    a message's signature whenever there is one, but demands one only with
    ``wantMessagesSigned``, which would also demand a signature on the whole sign-in answer,
    where Microsoft Entra ID and AD FS sign only the assertion. So the demand is made here,
    for logout messages alone, and python3-saml checks the signature against the provider's
    certificate."""
    if not IdentityProvider.objects.filter(
        slug=organization_slug, protocol=Protocol.SAML, enabled=True
    ).exists():
        raise Http404
    if "Signature" not in request.GET or "SigAlg" not in request.GET:
        security_logger.warning(
            "saml logout refused provider=%s reason=unsigned address=%s",
            _printable(organization_slug, 40),
            _client_address(request),
        )
        return HttpResponseBadRequest(_("Logout messages must be signed by the provider."))
    try:
        return allauth_sls(request, organization_slug=organization_slug)
    except AssertionError:
        # python3-saml asserts the provider's own logout address when it answers a logout
        # request; a provider entered by hand (no metadata) has none. The signed request was
        # honoured (the session has ended); there is only nowhere to send the answer.
        if request.user.is_authenticated:
            raise
        security_logger.info(
            "saml logout answered locally provider=%s reason=no_idp_logout_address",
            _printable(organization_slug, 40),
        )
        return redirect("account_login")
