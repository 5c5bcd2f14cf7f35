from django.urls import path

from workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.conversation_list, name="conversation-list"),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation-detail"),
]
