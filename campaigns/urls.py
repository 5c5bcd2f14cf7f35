from django.urls import path

from campaigns.views import builder, people

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
    # Campaign Builder (admins and campaign managers)
    path("campaign-builder/", builder.builder, name="builder"),
]
