from django.urls import path

from workspace.webhooks import views

app_name = "webhooks"

BASE = "campaign-builder/data-sources/webhooks/"

urlpatterns = [
    path(BASE, views.endpoint_list, name="endpoint-list"),
    path(f"{BASE}new/", views.endpoint_add, name="endpoint-create"),
    path(f"{BASE}<int:pk>/", views.endpoint_detail, name="endpoint-detail"),
    path(f"{BASE}<int:pk>/change/", views.endpoint_change, name="endpoint-update"),
    path(f"{BASE}<int:pk>/secret/", views.endpoint_rotate, name="endpoint-rotate"),
    path(
        f"{BASE}<int:pk>/deliveries/<int:delivery_pk>/replay/",
        views.delivery_resend,
        name="delivery-replay",
    ),
]
