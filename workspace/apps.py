from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "workspace"
    verbose_name = _("Agent Workspace")

    def ready(self) -> None:
        from campaigns import money
        from workspace.services.credit import currencies_by_use
        from workspace.services.credit_rebuild import connect_signals

        connect_signals()
        money.currency_usage = currencies_by_use
