"""Roles are Django groups. This module is the one place that says what each role may do.

``roles_sync`` runs after every ``migrate`` (a ``post_migrate`` handler), creating permissions
first, because on a fresh database Django creates them only after migrations have run.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _


class Role:
    ADMIN = "Admin"
    CAMPAIGN_MANAGER = "Campaign manager"
    AGENT_MANAGER = "Agent manager"
    AGENT = "Agent"


ROLE_LABELS = {
    Role.ADMIN: _("Admin"),
    Role.CAMPAIGN_MANAGER: _("Campaign manager"),
    Role.AGENT_MANAGER: _("Agent manager"),
    Role.AGENT: _("Agent"),
}

# "app_label.codename" per role. Later features add their permissions here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [
        "campaigns.manage_people",
        "campaigns.configure_campaigns",
        "campaigns.view_audit_log",
        "campaigns.view_all_reports",
        "campaigns.act_for_team",
        "campaigns.set_targets",
        "platforms.manage_platforms",
    ],
    Role.CAMPAIGN_MANAGER: [
        "campaigns.configure_campaigns",
        "campaigns.view_all_reports",
    ],
    Role.AGENT_MANAGER: [
        "campaigns.view_team_reports",
        "campaigns.act_for_team",
        "campaigns.set_targets",
    ],
    Role.AGENT: [
        "campaigns.work_conversations",
    ],
}


def roles_sync(using: str = "default", **_kwargs) -> None:
    """Create the role groups and give each exactly its permissions."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
