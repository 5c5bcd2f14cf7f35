from django.urls import path

from workspace import views
from workspace.views import conversations, outcomes, privacy, surveys, transcript

app_name = "workspace"

urlpatterns = [
    path("", views.conversation_list, name="conversation-list"),
    path(
        "conversations/<int:pk>/",
        views.conversation_detail,
        name="conversation-detail",
    ),
    path(
        "conversations/<int:pk>/transcript/",
        transcript.transcript_poll,
        name="conversation-transcript",
    ),
    path(
        "conversations/<int:pk>/close/",
        conversations.conversation_close_view,
        name="conversation-close",
    ),
    path(
        "conversations/<int:pk>/transfer/",
        conversations.conversation_transfer_view,
        name="conversation-transfer",
    ),
    path(
        "conversations/<int:pk>/outcomes/<str:attribute_type>/",
        outcomes.outcome_create,
        name="outcome-create",
    ),
    path(
        "conversations/<int:pk>/outcomes/<str:attribute_type>/no-outcome/",
        outcomes.no_outcome_create,
        name="no-outcome-create",
    ),
    path(
        "conversations/<int:pk>/events/<int:event_pk>/",
        outcomes.outcome_update,
        name="outcome-update",
    ),
    path(
        "conversations/<int:pk>/events/<int:event_pk>/panels/<str:part>/",
        outcomes.outcome_part,
        name="outcome-part",
    ),
    path(
        "conversations/<int:pk>/events/<int:event_pk>/retract/",
        outcomes.outcome_retract_view,
        name="outcome-retract",
    ),
    path("conversations/<int:pk>/survey/", surveys.survey_submit_view, name="survey-submit"),
    path(
        "conversations/<int:pk>/survey/dismiss/",
        surveys.survey_dismiss_view,
        name="survey-dismiss",
    ),
    path("people/visitor-erasure/", privacy.visitor_erase_view, name="visitor-erase"),
]
