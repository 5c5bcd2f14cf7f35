"""django-allauth hooks: providers come from ``IdentityProvider`` rows (secrets decrypted only
here), every sign-in passes the link and mapping rules, and every refusal ends on one page."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from campaigns.sso.models import IdentityProvider, Protocol
from campaigns.sso.services import (
    SignInRefused,
    access_apply,
    access_for_groups,
    link_target,
    sign_in_refused_log,
)

SESSION_BACKEND = "outcomes_site.auth_backends.OneQueryModelBackend"
SESSION_PROVIDER_KEY = "sso_provider"
# The raw ID token, sent back as ``id_token_hint`` at sign-out (some providers, such as Okta,
# need it to end their session and return the browser here).
SESSION_ID_TOKEN_KEY = "sso_id_token"  # noqa: S105  # a session key, not a secret
# The SAML assertion's NameID (with its format and qualifiers) and SessionIndex, which a
# LogoutRequest must name at sign-out for the provider to end that session.
SESSION_SAML_SUBJECT_KEY = "sso_saml_subject"
# Plain names first, then allauth's defaults (OIDs, Entra's claim URIs). No "uid" mapping: a
# SAML person is their NameID.
SAML_ATTRIBUTES = {
    "uid": [],
    "email": [
        "email",
        "mail",
        "urn:mace:dir:attribute-def:email",
        "urn:mace:dir:attribute-def:mail",
        *SAMLProvider.default_attribute_mapping["email"],
    ],
    "email_verified": ["email_verified", *SAMLProvider.default_attribute_mapping["email_verified"]],
    "first_name": [
        "first_name",
        "givenName",
        "urn:mace:dir:attribute-def:givenName",
        *SAMLProvider.default_attribute_mapping["first_name"],
    ],
    "last_name": [
        "last_name",
        "sn",
        "urn:mace:dir:attribute-def:sn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        *SAMLProvider.default_attribute_mapping["last_name"],
    ],
}


def social_app(provider: IdentityProvider) -> SocialApp:
    """The allauth app for ``provider``, never saved: allauth's own table would hold the secret
    in plain text, ours keeps it encrypted."""
    if provider.protocol == Protocol.OIDC:
        app_settings = {
            "server_url": provider.issuer,
            "oauth_pkce_enabled": True,
            "scope": provider.scopes.split(),
        }
        if provider.signing_keys_url:
            app_settings["openid_configuration_overrides"] = {"jwks_uri": provider.signing_keys_url}
        client_id = provider.client_id
    else:
        idp = {"entity_id": provider.idp_entity_id}
        if provider.metadata_url:
            idp["metadata_url"] = provider.metadata_url
        else:
            idp.update(sso_url=provider.idp_sso_url, x509cert=provider.idp_certificate)
            if provider.idp_slo_url:
                idp["slo_url"] = provider.idp_slo_url
        advanced = {
            "want_assertion_signed": True,
            "reject_idp_initiated_sso": True,
            "strict": True,
            "allow_single_label_domains": True,
        }
        if provider.sp_private_key:
            # The certificate goes into this app's metadata as its signing key; the provider
            # checks the logout requests (and answers to its own) with it.
            advanced.update(
                private_key=provider.sp_private_key,
                x509cert=provider.sp_certificate,
                logout_request_signed=True,
                logout_response_signed=True,
            )
        app_settings = {"idp": idp, "attribute_mapping": SAML_ATTRIBUTES, "advanced": advanced}
        client_id = provider.slug
    return SocialApp(
        provider=provider.protocol,
        provider_id=provider.slug,
        name=provider.name,
        client_id=client_id,
        secret=provider.client_secret,
        settings=app_settings,
    )


def refusal_page(request: HttpRequest, *, slug: str, code: str, message: str, detail: str = ""):
    sign_in_refused_log(request=request, provider_slug=slug, code=code, detail=detail)
    response = render(request, "sso/sign_in_refused.html", {"message": message}, status=403)
    return ImmediateHttpResponse(response)


def claims_of(sociallogin: SocialLogin) -> dict:
    """OpenID Connect: the ID token's claims over the userinfo ones; SAML: the attributes."""
    data = sociallogin.account.extra_data or {}
    if "id_token" in data or "userinfo" in data:
        return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}
    return data


def groups_of(claims: dict, claim: str) -> list[str]:
    value = claims.get(claim) or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        rows = IdentityProvider.objects.filter(enabled=True)
        apps = [social_app(row) for row in rows]
        if provider:
            apps = [a for a in apps if provider in (a.provider, a.provider_id)]
        if client_id:
            apps = [a for a in apps if a.client_id == client_id]
        return apps

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        slug = sociallogin.account.provider
        provider = IdentityProvider.objects.get(slug=slug)
        try:
            self._admit(request, sociallogin, provider)
        except SignInRefused as refusal:
            raise refusal_page(
                request, slug=slug, code=refusal.code, message=refusal.message
            ) from refusal
        request.session[SESSION_PROVIDER_KEY] = slug
        if id_token := getattr(request, "sso_id_token", ""):
            request.session[SESSION_ID_TOKEN_KEY] = id_token
        if saml_subject := getattr(request, "sso_saml_subject", None):
            request.session[SESSION_SAML_SUBJECT_KEY] = saml_subject

    def _admit(self, request, sociallogin: SocialLogin, provider: IdentityProvider) -> None:
        access = access_for_groups(
            provider=provider, groups=groups_of(claims_of(sociallogin), provider.groups_claim)
        )
        if not access.roles:
            raise SignInRefused("no_role", _("None of your groups gives you a role here."))
        if not sociallogin.is_existing:
            address = next(iter(sociallogin.email_addresses), None)
            target = link_target(
                provider=provider,
                email=address.email if address else "",
                email_verified=bool(address and address.verified),
            )
            if target is not None:
                if not target.is_active:
                    raise SignInRefused("inactive", _("This account is deactivated."))
                sociallogin.connect(request, target)
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                raise SignInRefused("inactive", _("This account is deactivated."))
            access_apply(user=sociallogin.user, access=access, provider=provider)
        else:
            # Same request: auto sign-up runs save_user right after this hook.
            sociallogin.sso_access = access

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        provider = IdentityProvider.objects.get(slug=sociallogin.account.provider)
        access_apply(user=user, access=sociallogin.sso_access, provider=provider)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        raise refusal_page(
            request,
            slug=getattr(provider, "sub_id", "") or "",
            code=refusal_code(error, exception, extra_context or {}),
            message=_(
                "The identity provider's answer could not be accepted, so you are not signed in."
            ),
            detail=f"{exception!r} cause={getattr(exception, '__cause__', None)!r} "
            f"{(extra_context or {}).get('saml_last_error_reason', '')}",
        )


def refusal_code(error, exception, context: dict) -> str:
    """A short name for the security log: what was wrong with the provider's answer."""
    if str(error) == "cancelled":
        return "cancelled"
    if "state_id" in context and exception is None:
        return "state_mismatch"  # unknown, already used, or another browser's state
    if context.get("saml_last_error_reason"):
        return "saml_invalid"
    if "Invalid 'kid'" in str(exception):
        return "untrusted_key"  # signed with a key the provider's (or pinned) key set lacks
    cause = getattr(exception, "__cause__", None)
    return type(cause or exception).__name__ if (cause or exception) else "unknown"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Only SSO creates users (just in time); there is no sign-up page.
        return False

    def login(self, request, user) -> None:
        # allauth would pick the first backend with get_user, which is django-axes' and knows
        # no users: the session must name the model backend.
        user.backend = SESSION_BACKEND
        super().login(request, user)
