from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaign Builder")

    def ready(self) -> None:
        from campaigns.config_stamp import stamp_on_change
        from campaigns.roles import roles_sync

        stamp_on_change()

        post_migrate.connect(roles_sync, sender=self, dispatch_uid="campaigns.roles_sync")
