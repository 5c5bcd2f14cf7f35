from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from campaigns import models
from campaigns.roles import ROLE_LABELS
from campaigns.sso.forms import (
    DIRECTORY_HELP,
    LockedOptionsWidget,
    directory_fields_lock,
    people_choices_lock,
)
from campaigns.sso.selectors import sso_managed_user_ids
from campaigns.sso.services import break_glass_refusals


class BackOfficeUserForm(UserChangeForm):
    """The People pages' rules in the back office too: for a person who signs in through a
    provider, their groups (roles here), skills and agent group are read-only; the break-glass
    admin stays active and an admin while password sign-in is off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if directory_fields_lock(self, self.instance) and "groups" in self.fields:
            self.fields["groups"].disabled = True  # the People pages' "roles"
            self.fields["groups"].help_text = DIRECTORY_HELP

    def clean(self) -> dict:
        data = super().clean()
        groups = data.get("groups", self.instance.groups.all() if self.instance.pk else [])
        refusals = break_glass_refusals(
            user=self.instance,
            is_active=data.get("is_active", self.instance.is_active),
            roles=[group for group in groups if group.name in ROLE_LABELS],
        )
        for name, message in refusals.items():
            field = "groups" if name == "roles" else name
            if field in data:
                self.add_error(field, message)
        return data


@admin.register(models.User)
class UserAdmin(DjangoUserAdmin):
    form = BackOfficeUserForm
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Contact centre", {"fields": ("skills", "agent_group")}),
    )
    filter_horizontal = ("groups", "user_permissions", "skills")
    list_display = ("username", "first_name", "last_name", "agent_group", "is_active")
    list_select_related = ("agent_group",)


class BackOfficeAgentGroupForm(forms.ModelForm):
    """As on the People pages: the groups a person who signs in through a provider manages
    come from the provider, so they are shown but cannot be added or removed here."""

    class Meta:
        model = models.AgentGroup
        fields = ["name", "managers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["managers"]
        field.widget = LockedOptionsWidget(choices=field.choices)
        field.widget.locked = frozenset(sso_managed_user_ids())
        if field.widget.locked:
            field.help_text = _(
                "Greyed out: people who sign in through single sign-on. The groups they manage "
                "come from the identity provider."
            )

    def clean_managers(self) -> list[models.User]:
        current = list(self.instance.managers.all()) if self.instance.pk else []
        return people_choices_lock(self, "managers", current)


@admin.register(models.AgentGroup)
class AgentGroupAdmin(admin.ModelAdmin):
    form = BackOfficeAgentGroupForm


admin.site.register(models.Skill)
admin.site.register(models.Campaign)
admin.site.register(models.Goal)


class SurveyQuestionInline(admin.TabularInline):
    model = models.SurveyQuestion
    extra = 0
    fields = ("position", "text", "kind", "predefined", "required", "max_chars")


@admin.register(models.AgentSurvey)
class AgentSurveyAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "is_default", "timeout_minutes")
    inlines = [SurveyQuestionInline]


class AttributeFieldInline(admin.TabularInline):
    model = models.AttributeField
    extra = 0


@admin.register(models.AttributeConfig)
class AttributeConfigAdmin(admin.ModelAdmin):
    list_display = ("attribute_type", "submit_by_agent", "required_before_close", "version")
    filter_horizontal = ("skills",)
    inlines = [AttributeFieldInline]


admin.site.register(models.AccountSettings)
admin.site.register(models.AttributionPolicy)


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by services and never edited."""

    list_display = ("at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    list_select_related = ("actor",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Connector)
class ConnectorAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_digest", "key_prefix", "created_at", "last_used_at")
