from django.urls import path

from workspace.api import views

app_name = "api"

urlpatterns = [
    path("engagement-attributes", views.engagement_attributes, name="engagement-attributes"),
    path("conversations", views.conversations, name="conversations"),
    path("openapi.json", views.openapi_json, name="openapi"),
    path("docs", views.api_docs, name="docs"),
]
