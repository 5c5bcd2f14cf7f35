from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedConfig(AppConfig):
    name = "workspace.embed"
    label = "embed"
    verbose_name = _("Desktop panels")

    def ready(self) -> None:
        from workspace.embed.takeover import provisional_takeover
        from workspace.platforms.services import conversations

        if provisional_takeover not in conversations.takeovers:
            conversations.takeovers.append(provisional_takeover)
