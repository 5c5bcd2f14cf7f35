from django.contrib import admin

from reporting.models import ReportExport, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = (
        "month",
        "agent",
        "group",
        "goal_type",
        "count_target",
        "value_target",
        "currency",
    )
    list_filter = ("month", "goal_type")
    list_select_related = ("agent", "group")


@admin.register(ReportExport)
class ReportExportAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "requested_by",
        "dataset",
        "status",
        "rows_done",
        "rows_total",
        "created_at",
    )
    list_filter = ("status", "dataset")
    readonly_fields = ("params", "error", "task_id")
