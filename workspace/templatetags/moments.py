"""``{{ moment|ago:now }}``: "just now", "5 minutes ago", never "0 minutes ago"."""

from datetime import datetime

from django import template
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(moment: datetime | None, now: datetime) -> str:
    """How long ago ``moment`` was at ``now``: under a minute (or a clock a little ahead) reads
    "just now", where Django's ``timesince`` would say "0 minutes"."""
    if moment is None:
        return ""
    if (now - moment).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment, now, depth=1)}
