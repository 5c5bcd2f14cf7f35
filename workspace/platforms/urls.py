from django.urls import path

from workspace.platforms import receivers, views

app_name = "platforms"

BASE = "campaign-builder/data-sources/platforms/"

urlpatterns = [
    path(BASE, views.platform_list, name="platform-list"),
    path(f"{BASE}new/", views.platform_create, name="platform-create"),
    path(f"{BASE}<int:pk>/", views.platform_detail, name="platform-detail"),
    path(f"{BASE}<int:pk>/secret/", views.platform_secret, name="platform-secret"),
    path(f"{BASE}<int:pk>/remove/", views.platform_remove, name="platform-remove"),
    path(f"{BASE}<int:pk>/mappings/<int:ref_pk>/", views.mapping_save, name="mapping-save"),
    # Receivers: called by the platforms, not by people.
    path("receive/chatwoot/<slug:slug>/", receivers.chatwoot_receive, name="chatwoot-receive"),
    path(
        "receive/chatwoot/<slug:slug>/<str:token>/",
        receivers.chatwoot_receive,
        name="chatwoot-receive-secret",
    ),
    path(
        "receive/liveperson/<slug:slug>/", receivers.liveperson_receive, name="liveperson-receive"
    ),
]
