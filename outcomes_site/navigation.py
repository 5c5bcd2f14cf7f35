"""The navigation bar and each role's landing page, in one place."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str
    section: str


# Order is the order in the bar; the first item a user may use is their landing page.
NAV_ITEMS = (
    NavItem(_("People"), "campaigns:user-list", "campaigns.manage_people", "people"),
    NavItem(_("Campaign Builder"), "campaigns:builder", "campaigns.configure_campaigns", "builder"),
    NavItem(_("Reports"), "reporting:home", "campaigns.view_all_reports", "reports"),
    NavItem(_("Reports"), "reporting:home", "campaigns.view_team_reports", "reports"),
    NavItem(
        _("Agent Workspace"),
        "workspace:conversation-list",
        "campaigns.work_conversations",
        "workspace",
    ),
    NavItem(_("My summary"), "reporting:my-summary", "campaigns.work_conversations", "summary"),
    NavItem(
        _("My report e-mails"),
        "reporting:subscription-list",
        "campaigns.view_all_reports",
        "subscriptions",
    ),
    NavItem(
        _("My report e-mails"),
        "reporting:subscription-list",
        "campaigns.view_team_reports",
        "subscriptions",
    ),
)


def nav_items_for(user) -> list[NavItem]:
    """The items ``user`` may use, without repeating a destination."""
    items: list[NavItem] = []
    for item in NAV_ITEMS:
        if user.has_perm(item.permission) and all(i.url_name != item.url_name for i in items):
            items.append(item)
    return items


def landing_url_for(user) -> str | None:
    items = nav_items_for(user)
    return reverse(items[0].url_name) if items else None
