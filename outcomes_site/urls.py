from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("campaigns.urls")),
    path("workspace/", include("workspace.urls")),
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
