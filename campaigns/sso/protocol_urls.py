"""The protocol endpoints, under the names django-allauth reverses (not namespaced)."""

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.saml.views import acs as allauth_acs
from django.urls import include, path
from django.views.generic import RedirectView

from campaigns.sso import oidc, saml, views
from campaigns.sso.csp import keep_opener_on_redirect as kept

_to_login = login_not_required(RedirectView.as_view(pattern_name="login"))

urlpatterns = [
    path("oidc/<str:provider_id>/login/", kept(oidc.login), name="openid_connect_login"),
    path(
        "oidc/<str:provider_id>/login/callback/",
        kept(oidc.callback),
        name="openid_connect_callback",
    ),
    path("saml/<str:organization_slug>/acs/", kept(allauth_acs), name="saml_acs"),
    path("saml/<str:organization_slug>/acs/finish/", kept(saml.finish_acs), name="saml_finish_acs"),
    path("saml/<str:organization_slug>/login/", kept(saml.login), name="saml_login"),
    path("saml/<str:organization_slug>/sls/", saml.single_logout, name="saml_sls"),
    path("", include("allauth.socialaccount.providers.saml.urls")),
    # Pages allauth may send a browser to; here each is the sign-in or the refusal page.
    path("login/", _to_login, name="account_login"),
    path("inactive/", views.sign_in_refused, name="account_inactive"),
    path("error/", views.sign_in_refused, name="socialaccount_login_error"),
    path("cancelled/", views.sign_in_refused, name="socialaccount_login_cancelled"),
    path("signup/", views.sign_in_refused, name="socialaccount_signup"),
]
