"""The table of the shared cache (``outcomes_site.cache``), created by ``migrate`` so that no
deployment step can be forgotten: without it the API rate limit would count nothing."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "outcomes_cache"  # outcomes_site.cache.TABLE, written out: migrations import no app code


def create_table(apps, schema_editor):
    # Django's own command builds the table; it does nothing when the table already exists.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_table, drop_table)]
