"""``Handled.first_row`` and ``repeat_row`` (and the day sums keyed by them), so that the reports
count each conversation once, overall or per agent, from the day sums instead of reading the
rows of every transferred conversation. The existing rows get their flags and the handled day
sums are summed again from the rows."""

from django.conf import settings
from django.db import migrations, models

HANDLED = "workspace_handled"
HANDLED_DAYS = "workspace_handledday"


def _report_zone(cursor) -> str:
    cursor.execute("SELECT report_time_zone FROM campaigns_accountsettings ORDER BY id LIMIT 1")
    row = cursor.fetchone()
    return (row and row[0]) or settings.TIME_ZONE


def flag_rows_and_sum_days(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {HANDLED} SET first_row = x.first_row, repeat_row = x.repeat_row
FROM (SELECT id,
        CASE WHEN ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY agent_id, skill_id) = 1
            THEN 1 ELSE 0 END AS first_row,
        CASE WHEN ROW_NUMBER() OVER (PARTITION BY conversation_id, agent_id ORDER BY skill_id) > 1
            THEN 1 ELSE 0 END AS repeat_row
    FROM {HANDLED}) x
WHERE x.id = {HANDLED}.id AND (x.first_row = 1 OR x.repeat_row = 1)"""  # noqa: S608  # nosec B608
        )
        day, params = connection.ops.datetime_cast_date_sql("started_at", (), _report_zone(cursor))
        cursor.execute(f"DELETE FROM {HANDLED_DAYS}")  # noqa: S608  # nosec B608
        cursor.execute(
            f"""INSERT INTO {HANDLED_DAYS} (day, agent_id, skill_id, campaign_id, goal_id,
    goal_type, shared, first_row, repeat_row, n)
SELECT {day}, COALESCE(agent_id, 0), COALESCE(skill_id, 0), COALESCE(campaign_id, 0),
    COALESCE(goal_id, 0), COALESCE(goal_type, ''), shared, first_row, repeat_row, COUNT(*)
FROM {HANDLED} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9""",  # noqa: S608  # nosec B608
            params,
        )


class Migration(migrations.Migration):
    dependencies = [("workspace", "0004_report_rows"), ("campaigns", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="handledday", name="handledday_key"),
        migrations.RemoveIndex(model_name="handled", name="handled_shared_time"),
        migrations.AddField(
            model_name="handled",
            name="first_row",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="handled",
            name="repeat_row",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="handledday",
            name="first_row",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="handledday",
            name="repeat_row",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(flag_rows_and_sum_days, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="handled",
            index=models.Index(
                condition=models.Q(("shared", 1)),
                fields=[
                    "started_at",
                    "agent",
                    "conversation",
                    "skill_id",
                    "campaign_id",
                    "goal_id",
                    "goal_type",
                ],
                name="handled_shared_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="handledday",
            constraint=models.UniqueConstraint(
                fields=(
                    "day",
                    "agent_id",
                    "skill_id",
                    "campaign_id",
                    "goal_id",
                    "goal_type",
                    "shared",
                    "first_row",
                    "repeat_row",
                ),
                name="handledday_key",
            ),
        ),
    ]
