"""allauth's SAML views: the answer view, with a foreign or already used answer ending like
every other refusal (allauth raises ``PermissionDenied`` when the answer's ``InResponseTo``
matches no sign-in this browser started: a replayed or forwarded answer), and keeping the
assertion's subject for single logout; the LogoutRequest sent at sign-out; and the single
logout address, which takes signed logout messages only."""

import logging

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from allauth.socialaccount.providers.saml.utils import build_auth, get_app_or_404
from allauth.socialaccount.providers.saml.views import FinishACSView
from allauth.socialaccount.providers.saml.views import login as allauth_login
from allauth.socialaccount.providers.saml.views import sls as allauth_sls
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from campaigns.sso.adapter import refusal_page, social_app
from campaigns.sso.models import IdentityProvider, Protocol
from outcomes_site.security_log import _client_address, _printable

logger = logging.getLogger(__name__)
security_logger = logging.getLogger("security")
# The ID of the LogoutRequest sent at sign-out: its answer must name it (``InResponseTo``).
SESSION_LOGOUT_REQUEST_KEY = "sso_saml_logout_request"


class SubjectKeepingProvider(SAMLProvider):
    """allauth's SAML provider, leaving the assertion's subject on the request; the adapter
    keeps it in the session once the sign-in is admitted (``SESSION_SAML_SUBJECT_KEY``)."""

    def sociallogin_from_response(self, request, response):
        request.sso_saml_subject = {
            "name_id": response.get_nameid(),
            "name_id_format": response.get_nameid_format(),
            "name_qualifier": response.get_nameid_nq(),
            "sp_name_qualifier": response.get_nameid_spnq(),
            "session_index": response.get_session_index(),
        }
        return super().sociallogin_from_response(request, response)


class SubjectKeepingFinishACSView(FinishACSView):
    def get_provider(self, organization_slug):
        return SubjectKeepingProvider(self.request, app=self.get_app(organization_slug))


subject_keeping_finish_acs = SubjectKeepingFinishACSView.as_view()


@login_not_required
def finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    try:
        return subject_keeping_finish_acs(request, organization_slug=organization_slug)
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


def logout_request_url(request: HttpRequest, provider: IdentityProvider, subject: dict) -> str:
    """The provider's single logout address with a signed LogoutRequest for ``subject`` (kept
    at sign-in), its ID noted in the session for the answer; "" when the provider publishes no
    single logout address, this app has no key to sign with (Okta, Keycloak and most others
    refuse unsigned ones), or the provider's metadata cannot be fetched."""
    if not (subject and provider.sp_private_key):
        return ""
    try:
        auth = build_auth(request, social_app(provider).get_provider(request))
    except Exception:  # the provider is down: the session here is ended all the same
        logger.warning("saml logout metadata failed provider=%s", provider.slug)
        return ""
    if not auth.get_slo_url():
        return ""
    url = auth.logout(
        return_to=request.build_absolute_uri(reverse("login")),
        name_id=subject["name_id"],
        name_id_format=subject["name_id_format"],
        nq=subject["name_qualifier"],
        spnq=subject["sp_name_qualifier"],
        session_index=subject["session_index"],
    )
    request.session[SESSION_LOGOUT_REQUEST_KEY] = auth.get_last_request_id()
    return url


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
    if "SAMLResponse" in request.GET:
        return _logout_answer(request, organization_slug)
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


def _logout_answer(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """The provider's answer to the LogoutRequest sent at sign-out (the session here ended
    before it was sent). Taken only in the browser that sent that request and as its answer
    (``InResponseTo``), once: a captured answer cannot be replayed."""
    request_id = request.session.pop(SESSION_LOGOUT_REQUEST_KEY, "")
    auth = build_auth(request, get_app_or_404(request, organization_slug).get_provider(request))
    if request_id:
        auth.process_slo(keep_local_session=True, request_id=request_id)
    if not request_id or auth.get_errors():
        security_logger.warning(
            "saml logout refused provider=%s reason=%s detail=%r address=%s",
            _printable(organization_slug, 40),
            "invalid_answer" if request_id else "unsolicited_answer",
            _printable(auth.get_last_error_reason() or "", 300),
            _client_address(request),
        )
        return HttpResponseBadRequest(_("The provider's logout answer could not be accepted."))
    return redirect("login")
