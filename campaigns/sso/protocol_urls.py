"""The protocol endpoints, under the names django-allauth reverses (not namespaced)."""

from allauth.account.internal.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from campaigns.sso import oidc, saml, views

_to_login = login_not_required(RedirectView.as_view(pattern_name="login"))

urlpatterns = [
    path("oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    path("saml/<str:organization_slug>/acs/finish/", saml.finish_acs, name="saml_finish_acs"),
    path("saml/<str:organization_slug>/login/", saml.login, name="saml_login"),
    path("", include("allauth.socialaccount.providers.saml.urls")),
    # Pages allauth may send a browser to; here each is the sign-in or the refusal page.
    path("login/", _to_login, name="account_login"),
    path("inactive/", views.sign_in_refused, name="account_inactive"),
    path("error/", views.sign_in_refused, name="socialaccount_login_error"),
    path("cancelled/", views.sign_in_refused, name="socialaccount_login_cancelled"),
    path("signup/", views.sign_in_refused, name="socialaccount_signup"),
]
