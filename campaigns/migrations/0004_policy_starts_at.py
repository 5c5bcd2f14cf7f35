"""Each attribution policy's start as an instant, computed from its date in the account's report
time zone as it is now, so that a later change of zone no longer moves past credit."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models


def fill_starts(apps, schema_editor):
    AccountSettings = apps.get_model("campaigns", "AccountSettings")
    AttributionPolicy = apps.get_model("campaigns", "AttributionPolicy")
    account = AccountSettings.objects.filter(pk=1).first()
    zone = ZoneInfo((account.report_time_zone if account else "") or settings.TIME_ZONE)
    for policy in AttributionPolicy.objects.all():
        policy.starts_at = datetime.combine(policy.effective_from, time.min, tzinfo=zone)
        policy.save(update_fields=["starts_at"])


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_config_stamp")]

    operations = [
        migrations.AddField(
            model_name="attributionpolicy",
            name="starts_at",
            field=models.DateTimeField(null=True, verbose_name="takes effect at"),
        ),
        migrations.RunPython(fill_starts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attributionpolicy",
            name="starts_at",
            field=models.DateTimeField(verbose_name="takes effect at"),
        ),
    ]
