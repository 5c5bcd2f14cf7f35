"""What a report is asked for (the filters) and whose data it may show (the scope).

Both are plain values built once per request by the view and passed to every selector, so each
number on a page, its drill-down and its CSV export answer the same question.
"""

import re
import zoneinfo
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import AccountSettings, AgentGroup, User

DEFAULT_DAYS = 30
# A skill, campaign or goal filter of ``NONE`` selects rows without one ("none" in the URL),
# so that a row such as "No skill" drills down to exactly its own events.
NONE = 0
NONE_PARAM = "none"
OFFSET = re.compile(r"UTC([+-])(\d{2}):(\d{2})")


class Source:
    BOTH = ""
    AGENT = "agent"
    CUSTOMER = "customer"

    CHOICES = (
        (BOTH, _("Agent- and customer-reported")),
        (AGENT, _("Agent-reported")),
        (CUSTOMER, _("Customer-reported")),
    )


class Breakdown:
    AGENT = ""
    SKILL = "skill"
    CAMPAIGN = "campaign"
    GOAL = "goal"

    CHOICES = (
        (AGENT, _("Agent")),
        (SKILL, _("Agent and skill")),
        (CAMPAIGN, _("Agent and campaign")),
        (GOAL, _("Agent and goal")),
    )


def time_zone_for(key: str) -> tzinfo:
    """A zone from its key (``time_zone_key``): an IANA name, ``UTC`` or ``UTC+05:30``."""
    match = OFFSET.fullmatch(key)
    if match:
        sign = 1 if match[1] == "+" else -1
        offset = timedelta(hours=int(match[2]), minutes=int(match[3]))
        return UTC if not offset else timezone(sign * offset, key)
    return zoneinfo.ZoneInfo(key)


# What people type for a zone: "UTC", "Z", "+05:30", "-0300", "UTC+5", "GMT+05:30". In a URL a
# typed "+" arrives as a space (" 05:30"), so a space where the sign goes counts as a plus.
TYPED_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
TYPED_PLUS = re.compile(r"^(UTC|GMT)?\s+(?=\d)", re.IGNORECASE)
UTC_NAMES = frozenset({"utc", "z", "gmt", "etc/utc", "etc/gmt", "uct", "zulu", "universal"})
MAX_OFFSET = timedelta(hours=14)
MAX_TYPED = 64


def time_zone_key(text: str) -> str:
    """The key of the zone someone typed, or ``ValueError``: ``UTC`` for UTC (``utc``, ``Z``,
    ``+00:00``), ``UTC+05:30`` for an offset (``+05:30``, ``+0530``, ``UTC+5``), the IANA name
    for a zone name in any letter case (``europe/paris`` -> ``Europe/Paris``)."""
    text = (text or "")[:MAX_TYPED]
    typed = TYPED_PLUS.sub(lambda m: (m[1] or "") + "+", text).strip()
    if typed.casefold() in UTC_NAMES:
        return "UTC"
    match = TYPED_OFFSET.fullmatch(typed)
    if match:
        hours, minutes = int(match[2]), int(match[3] or 0)
        offset = timedelta(hours=hours, minutes=minutes)
        if minutes >= 60 or offset > MAX_OFFSET:
            raise ValueError(text)
        if not offset:
            return "UTC"
        return f"UTC{match[1]}{hours:02d}:{minutes:02d}"
    names = _zone_names()
    name = typed if typed in names["exact"] else names["folded"].get(typed.casefold())
    if not name:
        raise ValueError(text)
    return name


@cache
def _zone_names() -> dict:
    """IANA names, and each name by its case-folded spelling (with spaces for underscores, as
    the list shows them); a spelling two zones share is left out rather than guessed."""
    exact = frozenset(zoneinfo.available_timezones())
    folded: dict[str, str | None] = {}
    for name in exact:
        for spelling in {name.casefold(), name.replace("_", " ").casefold()}:
            folded[spelling] = None if folded.get(spelling, name) != name else name
    return {"exact": exact, "folded": {k: v for k, v in folded.items() if v}}


def account_time_zone_key(account: AccountSettings) -> str:
    return account.report_time_zone or settings.TIME_ZONE


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Hour offsets first (people often think in them), then the IANA zones by name."""
    minutes = sorted(
        {h * 60 for h in range(-12, 15)} | {-570, -210, 210, 270, 330, 345, 390, 570, 630, 765}
    )
    offsets = []
    for total in minutes:
        sign = "+" if total >= 0 else "-"
        key = f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}" if total else "UTC"
        offsets.append((key, key))
    zones = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix", "right"))
    )
    return offsets + [(name, name.replace("_", " ")) for name in zones]


@dataclass(frozen=True)
class Scope:
    """Whose data a person may read: everyone's, their managed groups' current members', or
    only their own (an agent's summary)."""

    ALL = "all"
    TEAM = "team"
    SELF = "self"
    NONE = "none"

    kind: str
    user_id: int | None = None

    @classmethod
    def for_reports(cls, user: User) -> "Scope":
        if user.has_perm("campaigns.view_all_reports"):
            return cls(cls.ALL, user.pk)
        if user.has_perm("campaigns.view_team_reports"):
            return cls(cls.TEAM, user.pk)
        return cls(cls.NONE, user.pk)

    @classmethod
    def own(cls, user: User) -> "Scope":
        return cls(cls.SELF, user.pk)

    @property
    def sees_all(self) -> bool:
        return self.kind == self.ALL

    def agents_q(self, prefix: str = "") -> Q:
        """A ``Q`` limiting an agent foreign key (``prefix`` names it, e.g. ``agent``)."""
        path = f"{prefix}__" if prefix else ""
        if self.kind == self.ALL:
            return Q()
        if self.kind == self.TEAM:
            return Q(**{f"{path}agent_group__managers": self.user_id})
        if self.kind == self.SELF:
            return Q(**{prefix or "pk": self.user_id})
        return Q(pk__in=[])

    def groups(self):
        groups = AgentGroup.objects.order_by("name")
        if self.kind == self.ALL:
            return groups
        if self.kind == self.TEAM:
            return groups.filter(managers=self.user_id)
        return groups.none()

    def agents(self):
        agents = User.objects.agents().order_by("first_name", "last_name", "username")
        if self.kind == self.ALL:
            return agents
        if self.kind == self.TEAM:
            return agents.managed_by(self.user_id)
        if self.kind == self.SELF:
            return agents.filter(pk=self.user_id)
        return agents.none()


@dataclass(frozen=True)
class ReportFilters:
    """The filters of SPEC section 7. Dates are whole days in ``tz``; ``end`` is inclusive."""

    start: date
    end: date
    tz: tzinfo = UTC
    tz_key: str = "UTC"
    tz_is_default: bool = True
    skill_id: int | None = None
    group_id: int | None = None
    agent_id: int | None = None
    campaign_id: int | None = None
    goal_id: int | None = None
    goal_type: str = ""
    source: str = Source.BOTH
    by: str = Breakdown.AGENT

    @classmethod
    def default(cls, *, today: date, tz_key: str = "UTC") -> "ReportFilters":
        return cls(
            start=today - timedelta(days=DEFAULT_DAYS - 1),
            end=today,
            tz=time_zone_for(tz_key),
            tz_key=tz_key,
        )

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.tz)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.tz)

    def with_(self, **changes) -> "ReportFilters":
        return replace(self, **changes)

    def params(self) -> dict[str, str]:
        """The filters as URL parameters (defaults left out), for links and exports."""

        def key(value):
            return NONE_PARAM if value == NONE else value

        values = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "tz": "" if self.tz_is_default else self.tz_key,
            "skill": key(self.skill_id),
            "group": self.group_id,
            "agent": self.agent_id,
            "campaign": key(self.campaign_id),
            "goal": key(self.goal_id),
            "goal_type": self.goal_type,
            "source": self.source,
            "by": self.by,
        }
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    def query(self, **extra) -> str:
        """``params()`` plus ``extra`` (``None`` drops a key), URL-encoded."""
        values = self.params()
        for key, value in extra.items():
            if value is None or value == "":
                values.pop(key, None)
            else:
                values[key] = str(value)
        return urlencode(values)
