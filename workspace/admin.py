from django.contrib import admin

from workspace import models


@admin.register(models.Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("external_id", "visitor", "skill", "agent", "started_at", "ended_at")
    list_select_related = ("visitor", "skill", "agent")
    raw_id_fields = ("visitor", "agent", "campaign")
    search_fields = ("external_id", "visitor__external_id")


@admin.register(models.EngagementAttributeEvent)
class EventAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "attribute_type",
        "source",
        "conversation",
        "agent",
        "occurred_at",
        "retracted_at",
    )
    list_select_related = ("conversation", "agent")
    raw_id_fields = ("conversation", "visitor", "agent", "reported_by", "connector")
    list_filter = ("attribute_type", "source")


admin.site.register(models.Visitor)
