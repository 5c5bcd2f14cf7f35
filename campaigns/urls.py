from django.urls import path

from campaigns.views import audit, builder, data_sources, goals, people, status, surveys

app_name = "campaigns"

urlpatterns = [
    # People (admins)
    path("people/", people.user_list, name="user-list"),
    path("people/new/", people.user_form, name="user-create"),
    path("people/<int:pk>/", people.user_form, name="user-update"),
    path("people/skills/", people.skill_list, name="skill-list"),
    path("people/skills/new/", people.skill_form, name="skill-create"),
    path("people/skills/<int:pk>/", people.skill_form, name="skill-update"),
    path("people/groups/", people.group_list, name="group-list"),
    path("people/groups/new/", people.group_form, name="group-create"),
    path("people/groups/<int:pk>/", people.group_form, name="group-update"),
    path("people/status/", status.system_status, name="system-status"),
    # Campaign Builder (admins and campaign managers)
    path("campaign-builder/", builder.builder, name="builder"),
    path("campaign-builder/campaigns/new/", goals.campaign_form, name="campaign-create"),
    path("campaign-builder/campaigns/<int:pk>/", goals.campaign_form, name="campaign-update"),
    path(
        "campaign-builder/campaigns/<int:pk>/default/",
        goals.campaign_default,
        name="campaign-default",
    ),
    path("campaign-builder/goals/", goals.goal_list, name="goal-list"),
    path("campaign-builder/goals/new/", goals.goal_form, name="goal-create"),
    path("campaign-builder/goals/<int:pk>/", goals.goal_form, name="goal-update"),
    path("campaign-builder/goals/<int:pk>/delete/", goals.goal_remove, name="goal-delete"),
    path("campaign-builder/settings/", builder.account_settings, name="account-settings"),
    path("campaign-builder/settings/attribution/", builder.policy_create, name="policy-create"),
    path(
        "campaign-builder/settings/attribution/<int:pk>/delete/",
        builder.policy_delete,
        name="policy-delete",
    ),
    # Data Sources
    path("campaign-builder/data-sources/", data_sources.data_sources, name="data-sources"),
    path(
        "campaign-builder/data-sources/catalogue/",
        data_sources.data_sources_catalogue,
        name="data-sources-catalogue",
    ),
    path(
        "campaign-builder/data-sources/connectors/",
        data_sources.connector_add,
        name="connector-create",
    ),
    path(
        "campaign-builder/data-sources/connectors/<int:pk>/revoke/",
        data_sources.connector_remove,
        name="connector-revoke",
    ),
    path(
        "campaign-builder/data-sources/engagement-attributes/<str:category>/",
        data_sources.category_configure,
        name="category-configure",
    ),
    # Agent survey library
    path("campaign-builder/surveys/", surveys.survey_list, name="survey-list"),
    path("campaign-builder/surveys/new/", surveys.survey_form, name="survey-create"),
    path(
        "campaign-builder/surveys/predefined-lists/",
        surveys.predefined_lists,
        name="predefined-lists",
    ),
    path("campaign-builder/surveys/<int:pk>/", surveys.survey_form, name="survey-update"),
    path(
        "campaign-builder/surveys/<int:pk>/preview/", surveys.survey_preview, name="survey-preview"
    ),
    path("campaign-builder/surveys/<int:pk>/active/", surveys.survey_active, name="survey-active"),
    path(
        "campaign-builder/surveys/<int:pk>/default/", surveys.survey_default, name="survey-default"
    ),
    path("campaign-builder/surveys/<int:pk>/delete/", surveys.survey_remove, name="survey-delete"),
    path(
        "campaign-builder/surveys/<int:pk>/questions/new/",
        surveys.question_form,
        name="question-create",
    ),
    path(
        "campaign-builder/surveys/<int:pk>/questions/<int:question_pk>/",
        surveys.question_form,
        name="question-update",
    ),
    path(
        "campaign-builder/surveys/<int:pk>/questions/<int:question_pk>/move/",
        surveys.question_reorder,
        name="question-move",
    ),
    path(
        "campaign-builder/surveys/<int:pk>/questions/<int:question_pk>/delete/",
        surveys.question_remove,
        name="question-delete",
    ),
    # Audit log (admins)
    path("audit-log/", audit.audit_log, name="audit-log"),
]
