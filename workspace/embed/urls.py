from django.urls import path

from workspace.embed import views

app_name = "embed"

SETTINGS = "campaign-builder/data-sources/platforms/desktops/"

urlpatterns = [
    path(SETTINGS, views.desktop_settings, name="desktop-settings"),
    path(f"{SETTINGS}<str:desktop>/", views.desktop_save, name="desktop-save"),
    # Under /embed/ the panel's own cookies are used (workspace.embed.middleware).
    path("embed/chatwoot/", views.chatwoot_panel, name="chatwoot-panel"),
    path("embed/chatwoot/context/", views.chatwoot_context, name="chatwoot-context"),
    path("embed/liveperson/", views.liveperson_panel, name="liveperson-panel"),
    path("embed/liveperson/context/", views.liveperson_context, name="liveperson-context"),
    path("embed/zendesk/", views.zendesk_panel, name="zendesk-panel"),
    path("embed/zendesk/context/", views.zendesk_context, name="zendesk-context"),
    path("embed/zendesk/save-check/", views.zendesk_save_check, name="zendesk-save-check"),
    path("embed/session/", views.session_start, name="session-start"),
    path("embed/session/end/", views.session_end, name="session-end"),
    # First party, with the app's own cookies: the window the panel opens to sign in.
    path("desktop-sign-in/", views.sign_in_window, name="sign-in-window"),
]
