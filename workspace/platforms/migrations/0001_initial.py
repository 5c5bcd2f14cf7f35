
import django.db.models.deletion
import outcomes_site.secret_box
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('campaigns', '0004_policy_starts_at'),
        ('workspace', '0003_credit'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PlatformAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('platform', models.CharField(choices=[('chatwoot', 'Chatwoot'), ('liveperson', 'LivePerson')], max_length=16, verbose_name='platform')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('account_ref', models.CharField(help_text="Chatwoot: the number in the account's address. LivePerson: the site ID.", max_length=40, verbose_name='account ID on the platform')),
                ('slug', models.SlugField(editable=False, max_length=32, unique=True)),
                ('auth', models.CharField(choices=[('signature', 'Signed deliveries (HMAC secret)'), ('secret_path', 'Secret receiver URL (for versions that do not sign)')], default='signature', max_length=16, verbose_name='how deliveries are trusted')),
                ('signing_secret', outcomes_site.secret_box.EncryptedTextField(blank=True, editable=False)),
                ('path_token', outcomes_site.secret_box.EncryptedTextField(blank=True, editable=False)),
                ('client_id', models.CharField(blank=True, help_text="LivePerson: the installed application's client ID (sent with each call).", max_length=80, verbose_name='client ID')),
                ('is_active', models.BooleanField(default=True)),
                ('created_at', models.DateTimeField()),
                ('last_delivery_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'platform account',
                'verbose_name_plural': 'platform accounts',
                'ordering': ['platform', 'name'],
                'permissions': [('manage_platforms', 'Connect chat platforms and agent desktops')],
            },
        ),
        migrations.CreateModel(
            name='ExternalRef',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('conversation', 'Conversation'), ('visitor', 'Contact'), ('agent', 'Agent'), ('inbox', 'Inbox'), ('team', 'Team'), ('skill', 'Skill')], max_length=16)),
                ('external_id', models.CharField(max_length=200)),
                ('sequence', models.PositiveIntegerField(default=1)),
                ('label', models.CharField(blank=True, max_length=200)),
                ('email', models.EmailField(blank=True, max_length=254)),
                ('ignored', models.BooleanField(default=False)),
                ('state_version', models.BigIntegerField(blank=True, null=True)),
                ('first_seen_at', models.DateTimeField()),
                ('last_seen_at', models.DateTimeField()),
                ('agent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('conversation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspace.conversation')),
                ('skill', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='campaigns.skill')),
                ('visitor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspace.visitor')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='refs', to='platforms.platformaccount')),
            ],
            options={
                'ordering': ['kind', 'label', 'external_id'],
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200)),
                ('event', models.CharField(max_length=80)),
                ('outcome', models.CharField(choices=[('applied', 'Applied'), ('ignored', 'Ignored'), ('rejected', 'Refused')], max_length=10)),
                ('detail', models.CharField(blank=True, max_length=300)),
                ('received_at', models.DateTimeField()),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='platforms.platformaccount')),
            ],
            options={
                'ordering': ['-received_at', '-id'],
            },
        ),
        migrations.AddConstraint(
            model_name='platformaccount',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('platform', 'account_ref'), name='platform_account_once'),
        ),
        migrations.AddConstraint(
            model_name='externalref',
            constraint=models.UniqueConstraint(fields=('account', 'kind', 'external_id', 'sequence'), name='external_ref_once'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['account', '-received_at'], name='delivery_recent'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.UniqueConstraint(fields=('account', 'key'), name='delivery_once'),
        ),
    ]
