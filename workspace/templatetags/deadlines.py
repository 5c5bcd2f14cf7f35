"""``{% deadline_countdown closes_at now lead %}``: "You can report outcomes until 04:26 CET,
23 min left", in the zone the request activated (the person's own on workspace pages). The
words for what is left are handed to ``static/js/countdown.js`` as data attributes, so that a
page left open keeps counting down in the person's language without asking the server."""

from datetime import datetime

from django import template
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

register = template.Library()


def _phrases() -> dict[str, str]:
    # Placeholders in braces, filled in by Python here and by countdown.js in the browser.
    return {
        "minutes": _("{minutes} min left"),
        "hours": _("{hours} h {minutes} min left"),
        "soon": _("less than a minute left"),
        "over": _("time is up"),
    }


def time_left(seconds: float) -> str:
    """What is left, read at a glance: "23 min left", "2 h 05 min left", "time is up"."""
    phrases, minutes = _phrases(), int(seconds // 60)
    if seconds <= 0:
        return phrases["over"]
    if minutes < 1:
        return phrases["soon"]
    if minutes < 60:
        return phrases["minutes"].format(minutes=minutes)
    return phrases["hours"].format(hours=minutes // 60, minutes=f"{minutes % 60:02d}")


@register.inclusion_tag("workspace/_deadline.html")
def deadline_countdown(closes_at: datetime, now: datetime, lead: str = "") -> dict:
    """``lead`` (already translated) starts the sentence: "You can report outcomes"."""
    local = localtime(closes_at)
    same_day = local.date() == localtime(now).date()
    return {
        "lead": lead,
        "iso": closes_at.isoformat(),
        "clock": date_format(local, "H:i T" if same_day else "j M, H:i T"),
        "left": time_left((closes_at - now).total_seconds()),
        "phrases": _phrases(),
    }
