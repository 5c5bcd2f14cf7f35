import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0002_rollup'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportSubscription',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('report', models.CharField(choices=[('goal_tracker', 'Agent goal tracker')], default='goal_tracker', max_length=30, verbose_name='report')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                ('frequency', models.CharField(choices=[('daily', 'Daily, for the day before'), ('weekly', 'Weekly, for the week before (Monday to Sunday)')], max_length=10, verbose_name='frequency')),
                ('created_at', models.DateTimeField(verbose_name='created')),
                ('last_sent_for', models.DateField(blank=True, null=True, verbose_name='last period sent')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_subscriptions', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'report subscription',
                'verbose_name_plural': 'report subscriptions',
                'ordering': ['created_at', 'pk'],
                'indexes': [models.Index(condition=models.Q(('active', True)), fields=['frequency', 'last_sent_for'], name='subscription_due')],
            },
        ),
    ]
