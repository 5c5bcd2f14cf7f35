from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "workspace.webhooks"
    label = "webhooks"
    verbose_name = _("Outgoing webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from campaigns.config_stamp import config_changed
        from workspace.webhooks.models import Endpoint
        from workspace.webhooks.signals import connect_signals

        connect_signals()
        # Who subscribes is read under the configuration stamp (services/outbox.py).
        post_save.connect(config_changed, sender=Endpoint, dispatch_uid="stamp.endpoint.save")
        post_delete.connect(config_changed, sender=Endpoint, dispatch_uid="stamp.endpoint.delete")
