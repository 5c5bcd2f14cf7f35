"""The single sign-on settings page (admins) and the sign-out that also ends the provider's."""

import logging

from allauth.account.internal.decorators import login_not_required
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.sso.adapter import (
    SESSION_ID_TOKEN_KEY,
    SESSION_PROVIDER_KEY,
    SESSION_SAML_SUBJECT_KEY,
)
from campaigns.sso.forms import MappingForm, PolicyForm, ProviderForm
from campaigns.sso.models import GroupMapping, IdentityProvider, Protocol, SignInPolicy
from campaigns.sso.oidc import SignedTokenAdapter
from campaigns.sso.saml import logout_request_url
from campaigns.sso.selectors import providers_with_mappings
from campaigns.sso.services import mapping_delete, mapping_save, policy_save, provider_save

MANAGE_PEOPLE = "campaigns.manage_people"
logger = logging.getLogger(__name__)


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {"nav_section": "people", **context}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def settings_page(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None, instance=SignInPolicy.current())
    if request.method == "POST" and form.is_valid():
        policy_save(actor=request.user, policy=form.save(commit=False))
        messages.success(request, _("Sign-in policy saved."))
        return redirect("sso:settings")
    context = {"policy_form": form, "providers": providers_with_mappings()}
    return _page(request, "sso/settings.html", context, 422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def provider_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, pk=pk) if pk else IdentityProvider()
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        provider_save(actor=request.user, provider=form.save(commit=False))
        messages.success(request, _("Saved %(name)s.") % {"name": provider})
        return redirect("sso:settings")
    mapping_form = MappingForm() if provider.pk else None
    context = {"form": form, "provider": provider, "mapping_form": mapping_form}
    return _page(request, "sso/provider_form.html", context, 422 if form.errors else 200)


@require_POST
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def mapping_create(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, pk=pk)
    mapping = GroupMapping(provider=provider)
    form = MappingForm(request.POST, instance=mapping)
    if form.is_valid():
        mapping_save(actor=request.user, mapping=mapping, form=form)
        messages.success(request, _("Mapping added."))
        return redirect("sso:provider-update", pk=provider.pk)
    context = {"form": ProviderForm(instance=provider), "provider": provider, "mapping_form": form}
    return _page(request, "sso/provider_form.html", context, 422)


@require_POST
@permission_required(MANAGE_PEOPLE, raise_exception=True)
def mapping_remove(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = get_object_or_404(GroupMapping.objects.select_related("provider"), pk=pk)
    mapping_delete(actor=request.user, mapping=mapping)
    messages.success(request, _("Mapping removed."))
    return redirect("sso:provider-update", pk=mapping.provider_id)


@login_not_required
@require_GET
def sign_in_refused(request: HttpRequest) -> HttpResponse:
    message = _("The identity provider's answer could not be accepted, so you are not signed in.")
    template = "sso/sign_in_refused.html"
    if request.htmx:  # an htmx request gets the message, not a page swapped into a fragment
        template += "#refusal-message"
    return render(request, template, {"message": message}, status=403)


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """After sign-out here, on to the provider to end its session too: its end-session endpoint
    (OpenID Connect RP-initiated logout) or its single logout address (SAML).

    A page that moves on by itself rather than a redirect from the sign-out form: the site's
    ``form-action 'self'`` forbids a form's redirect to another origin."""
    provider = IdentityProvider.objects.filter(
        slug=request.GET.get("provider", ""), enabled=True
    ).first()
    id_token = request.session.pop(SESSION_ID_TOKEN_KEY, "")
    saml_subject = request.session.pop(SESSION_SAML_SUBJECT_KEY, None)
    if provider is None:
        url = ""
    elif provider.protocol == Protocol.OIDC:
        url = _end_session_url(request, provider, id_token)
    else:
        url = logout_request_url(request, provider, saml_subject)
    if not url:
        return redirect("login")
    return render(request, "sso/signed_out.html", {"provider": provider, "url": url})


def _end_session_url(request: HttpRequest, provider: IdentityProvider, id_token: str) -> str:
    try:
        config = SignedTokenAdapter(request, provider.slug).openid_config
    except Exception:  # the provider is down: the session here is ended all the same
        logger.warning("sso end-session discovery failed provider=%s", provider.slug)
        return ""
    endpoint = config.get("end_session_endpoint")
    if not endpoint:
        return ""
    back = request.build_absolute_uri(reverse("login"))
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": back}
    if id_token:
        params["id_token_hint"] = id_token
    joiner = "&" if "?" in endpoint else "?"
    return f"{endpoint}{joiner}{urlencode(params)}"


class SignOutView(auth_views.LogoutView):
    """Django's sign-out; after a sign-in through a provider it then goes on to end the
    provider's session too (``signed_out``)."""

    def post(self, request, *args, **kwargs):
        self.sso_provider = request.session.get(SESSION_PROVIDER_KEY)
        kept = {
            key: request.session[key]
            for key in (SESSION_ID_TOKEN_KEY, SESSION_SAML_SUBJECT_KEY)
            if key in request.session
        }
        response = super().post(request, *args, **kwargs)
        if self.sso_provider:
            # Into the fresh, signed-out session, for the message to the provider only.
            request.session.update(kept)
        return response

    def get_success_url(self):
        slug = getattr(self, "sso_provider", None)
        if not slug:
            return super().get_success_url()
        return f"{reverse('sso:signed-out')}?{urlencode({'provider': slug})}"
