"""``Handled.peer_agent_id``: of a conversation handled by two agents, the other one (0 by three
or more), so that a team counts each conversation once by a sum over the rows instead of
grouping them. The existing rows of conversations handled by several get theirs; the day sums
do not change (they are not keyed by it)."""

from django.db import migrations, models

HANDLED = "workspace_handled"


def fill_peers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {HANDLED} SET peer_agent_id = CASE WHEN x.agents = 2
        THEN x.lo + x.hi - {HANDLED}.agent_id ELSE 0 END
FROM (SELECT conversation_id, COUNT(DISTINCT agent_id) AS agents, MIN(agent_id) AS lo,
        MAX(agent_id) AS hi
    FROM {HANDLED} WHERE shared = 1 GROUP BY conversation_id) x
WHERE x.conversation_id = {HANDLED}.conversation_id AND x.agents > 1"""  # noqa: S608  # nosec B608
        )


class Migration(migrations.Migration):
    dependencies = [("workspace", "0006_drop_repeated_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="handled", name="handled_shared_time"),
        migrations.AddField(
            model_name="handled", name="peer_agent_id", field=models.BigIntegerField(null=True)
        ),
        migrations.RunPython(fill_peers, migrations.RunPython.noop, elidable=True),
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
                    "repeat_row",
                    "peer_agent_id",
                ],
                name="handled_shared_peer",
            ),
        ),
    ]
