"""allauth's OpenID Connect views, with the ID token's signature always checked.

allauth skips the signature of an ID token it fetched itself from the token endpoint (the
specification allows that over TLS); checking it anyway costs one cached key fetch and lets an
admin pin the keys a provider may sign with (``IdentityProvider.signing_keys_url``)."""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest
from django.shortcuts import redirect


class SignedTokenAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        claims = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        # Kept for the adapter, which keeps it in the session once the sign-in is admitted.
        self.request.sso_id_token = id_token
        return claims


@login_not_required
def login(request: HttpRequest, provider_id: str):
    if request.method != "POST":  # the login page's buttons post; nothing to show here
        return redirect("login")
    try:
        return OAuth2LoginView.adapter_view(SignedTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request: HttpRequest, provider_id: str):
    try:
        return OAuth2CallbackView.adapter_view(SignedTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
