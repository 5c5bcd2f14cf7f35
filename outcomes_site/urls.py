from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns.sso.csp import allow_provider_forms
from campaigns.sso.views import SignOutView
from campaigns.views.preferences import preferences
from outcomes_site import views
from outcomes_site.env import env_bool
from outcomes_site.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("ready/", views.ready, name="ready"),
    path("metrics", views.metrics, name="metrics"),
    path(
        "login/",
        allow_provider_forms(
            auth_views.LoginView.as_view(
                authentication_form=LoginForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    # Django's sign-out, which also ends an OpenID Connect provider's session (campaigns.sso).
    path("logout/", SignOutView.as_view(), name="logout"),
    path("preferences/", preferences, name="preferences"),
    path("", include("campaigns.urls")),
    path("", include("campaigns.sso.urls")),
    path("sso/", include("campaigns.sso.protocol_urls")),
    path("workspace/", include("workspace.urls")),
    path("", include("workspace.platforms.urls")),
    path("", include("workspace.webhooks.urls")),
    path("", include("workspace.embed.urls")),
    # The widget's actions again, under the desktop panel's cookies (workspace.embed).
    path("embed/w/", include("workspace.urls", namespace="embed-widget")),
    path("reports/", include("reporting.urls")),
    path("api/v1/", include("workspace.api.urls")),
    path("back-office/", admin.site.urls),
]

if env_bool("BENCH_REFERENCES"):
    # The benchmark's reference views (bench/README.md); never mounted in production.
    urlpatterns.append(path("bench/", include("bench.urls")))

handler403 = "outcomes_site.views.permission_denied"
handler404 = "outcomes_site.views.page_not_found"
handler500 = "outcomes_site.views.server_error"
