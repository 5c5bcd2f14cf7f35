from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from campaigns import models


@admin.register(models.User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Contact centre", {"fields": ("skills", "agent_group")}),
    )
    filter_horizontal = ("groups", "user_permissions", "skills")
    list_display = ("username", "first_name", "last_name", "agent_group", "is_active")
    list_select_related = ("agent_group",)


admin.site.register(models.Skill)
admin.site.register(models.AgentGroup)
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
