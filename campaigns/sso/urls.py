from django.urls import path

from campaigns.sso import views

app_name = "sso"

urlpatterns = [
    path("settings/sso/", views.settings_page, name="settings"),
    path("settings/sso/providers/new/", views.provider_form, name="provider-create"),
    path("settings/sso/providers/<int:pk>/", views.provider_form, name="provider-update"),
    path(
        "settings/sso/providers/<int:pk>/mappings/",
        views.mapping_create,
        name="mapping-create",
    ),
    path("settings/sso/mappings/<int:pk>/delete/", views.mapping_remove, name="mapping-delete"),
    path("sso/refused/", views.sign_in_refused, name="refused"),
    path("sso/signed-out/", views.signed_out, name="signed-out"),
]
