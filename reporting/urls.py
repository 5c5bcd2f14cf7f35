from django.urls import path

from reporting.views import drilldown, exports, goal_tracker, home, quality, subscriptions, targets

app_name = "reporting"

urlpatterns = [
    path("", home.home, name="home"),
    path("goal-tracker/", goal_tracker.goal_tracker, name="goal-tracker"),
    path("goal-tracker/targets/", goal_tracker.goal_tracker_targets, name="goal-tracker-targets"),
    path("my-summary/", goal_tracker.my_summary, name="my-summary"),
    path("events/", drilldown.event_list, name="event-list"),
    path("conversations/", drilldown.conversation_list, name="conversation-list"),
    path("duplicates/", drilldown.duplicate_list, name="duplicate-list"),
    path("surveys/", quality.survey_report, name="survey-report"),
    path("completeness/", quality.completeness, name="completeness"),
    path("targets/", targets.target_list, name="target-list"),
    path("targets/new/", targets.target_form, name="target-create"),
    path("targets/<int:pk>/", targets.target_form, name="target-update"),
    path("targets/<int:pk>/delete/", targets.target_remove, name="target-delete"),
    path("export/", exports.export_csv, name="export"),
    path("goal-tracker/export/", exports.goal_tracker_export, name="goal-tracker-export"),
    path("exports/", exports.export_create, name="export-create"),
    path("exports/<int:pk>/", exports.export_detail, name="export-detail"),
    path("exports/<int:pk>/download/", exports.export_download, name="export-download"),
    path("subscriptions/", subscriptions.subscription_list, name="subscription-list"),
    path("subscriptions/new/", subscriptions.subscription_new, name="subscription-create"),
    path(
        "subscriptions/<int:pk>/delete/",
        subscriptions.subscription_remove,
        name="subscription-delete",
    ),
    path(
        "subscriptions/unsubscribe/<str:token>/",
        subscriptions.subscription_unsubscribe,
        name="subscription-unsubscribe",
    ),
]
