"""Sorting the goal tracker and the completeness table by any of their columns, asked for in the
URL: ``sort=conversions`` (ascending) or ``sort=-conversions`` (descending), so a sorted table can
be shared and reloaded.

A table holds at most a few hundred aggregated rows, so they are sorted here in Python after
the aggregate, not in SQL. Without ``sort`` the rows keep the selector's order (agents by name,
the unattributed row last). Whatever the order, the unattributed row stays last (it is not an
agent to rank) and empty cells (no money in that currency, no rate without conversations
handled) go below the filled ones; ties keep the default order.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.filters import Breakdown
from reporting.selectors.goal_tracker import GoalTracker, TrackerRow

ASCENDING = "ascending"
DESCENDING = "descending"
SUB_LABELS = {
    Breakdown.SKILL: gettext_lazy("Skill"),
    Breakdown.CAMPAIGN: gettext_lazy("Campaign"),
    Breakdown.GOAL: gettext_lazy("Goal"),
}


@dataclass(frozen=True)
class SortRequest:
    """What the URL asked for: a column key and a direction."""

    key: str
    descending: bool

    @classmethod
    def parse(cls, value: str | None) -> "SortRequest | None":
        """``"-revenue_usd"`` -> descending on ``revenue_USD``; None for nothing asked."""
        value = (value or "").strip()
        descending = value.startswith("-")
        key = value.removeprefix("-").strip().lower()
        if not key:
            return None
        for prefix in ("revenue_", "lead_value_"):
            if key.startswith(prefix):  # currency codes are upper case
                key = prefix + key.removeprefix(prefix).upper()
        return cls(key=key, descending=descending)


@dataclass(frozen=True)
class Column:
    """One sortable column of a table: its key in the URL, its title, and the value it sorts
    by (None for an empty cell)."""

    key: str
    label: str
    numeric: bool
    value: Callable[[object], object]
    state: str = ""  # "ascending", "descending" or "" (not the sorted column)

    @property
    def next_sort(self) -> str:
        """The ``sort`` parameter of this column's link: the other direction when it is the
        sorted column, otherwise the natural first direction (numbers biggest first)."""
        if self.state == ASCENDING:
            return f"-{self.key}"
        if self.state == DESCENDING:
            return self.key
        return f"-{self.key}" if self.numeric else self.key

    @property
    def next_descending(self) -> bool:
        return self.next_sort.startswith("-")

    @property
    def arrow(self) -> str:
        return {ASCENDING: "▲", DESCENDING: "▼"}.get(self.state, "↕")


@dataclass(frozen=True)
class TableSort:
    """The columns with their sort state, the ``sort`` parameter to carry in links, and a
    message when the URL asked for a column the table does not have."""

    columns: list[Column]
    param: str
    error: str = ""


def _money(kind: str, currency: str) -> Callable[[TrackerRow], object]:
    return lambda row: getattr(row.measures, kind).get(currency)


def _service(status: int) -> Callable[[TrackerRow], object]:
    return lambda row: row.measures.service.get(status)


def tracker_columns(tracker: GoalTracker) -> list[Column]:
    """The table's columns, in the order the template draws them."""
    columns = [Column("agent", _("Agent"), False, lambda row: row.agent_name.casefold())]
    if tracker.by in SUB_LABELS:
        columns.append(
            Column(tracker.by, str(SUB_LABELS[tracker.by]), False, lambda r: r.sub_name.casefold())
        )
    columns.append(
        Column("handled", _("Conversations handled"), True, lambda r: r.measures.handled)
    )
    if tracker.total.interactions:
        columns.append(
            Column("interactions", _("Interactions"), True, lambda r: r.measures.interactions)
        )
    columns += [
        Column("conversions", _("Conversions"), True, lambda r: r.measures.conversions),
        Column("rate", _("Conversion rate"), True, lambda r: r.measures.conversion_rate),
        Column("in_session", _("In-session"), True, lambda r: r.measures.in_session),
        Column("cross_session", _("Cross-session"), True, lambda r: r.measures.cross_session),
    ]
    for currency in tracker.revenue_currencies:
        label = _("Revenue (%(currency)s)") % {"currency": currency}
        columns.append(Column(f"revenue_{currency}", label, True, _money("revenue", currency)))
    for currency in tracker.lead_currencies:
        label = _("Lead value (%(currency)s)") % {"currency": currency}
        columns.append(
            Column(f"lead_value_{currency}", label, True, _money("lead_value", currency))
        )
    for status, status_label in tracker.statuses:
        label = _("Service: %(status)s") % {"status": status_label}
        columns.append(Column(f"service_{status}", label, True, _service(status)))
    return columns


def _ordered(rows: list, column: Column, descending: bool) -> list:
    agents = [row for row in rows if row.agent_id is not None]
    filled = [row for row in agents if column.value(row) is not None]
    empty = [row for row in agents if column.value(row) is None]
    # Python's sort is stable, also with reverse=True: ties keep the default order.
    filled.sort(key=lambda row: _comparable(column.value(row)), reverse=descending)
    return filled + empty + [row for row in rows if row.agent_id is None]


def _comparable(value):
    return Decimal(value) if isinstance(value, int | Decimal) else value


def completeness_columns() -> list[Column]:
    """The completeness table's columns, in the order the template draws them."""
    return [
        Column("agent", _("Agent"), False, lambda row: row.agent_name.casefold()),
        Column("ended", _("Conversations ended"), True, lambda row: row.ended),
        Column("complete", _("With an outcome or survey"), True, lambda row: row.complete),
        Column("incomplete", _("Without"), True, lambda row: row.incomplete),
        Column("rate", _("Rate"), True, lambda row: row.rate),
        Column("not_reported", _("No outcome: not reported"), True, lambda r: r.not_reported),
    ]


def sort_rows(rows: list, columns: list[Column], requested: str | None) -> TableSort:
    """Sort ``rows`` in place as ``requested`` (the ``sort`` URL parameter) and say which
    column is sorted. An unknown column leaves the default order, with a message."""
    request = SortRequest.parse(requested)
    by_key = {column.key: column for column in columns}
    if request is None or request.key not in by_key:
        error = ""
        if request is not None:
            error = _("The table cannot be sorted by “%(key)s”: rows are in the usual order.") % {
                "key": (requested or "").strip()[:40]
            }
        # The default order is by agent name, ascending.
        sorted_columns = [replace(c, state=ASCENDING) if c.key == "agent" else c for c in columns]
        return TableSort(columns=sorted_columns, param="", error=error)
    column = by_key[request.key]
    rows[:] = _ordered(rows, column, request.descending)
    state = DESCENDING if request.descending else ASCENDING
    return TableSort(
        columns=[replace(c, state=state) if c is column else c for c in columns],
        param=f"-{column.key}" if request.descending else column.key,
    )


def sort_tracker(tracker: GoalTracker, requested: str | None) -> TableSort:
    """Sort ``tracker.rows`` in place as ``requested`` (see ``sort_rows``)."""
    return sort_rows(tracker.rows, tracker_columns(tracker), requested)


def sort_completeness(rows: list, requested: str | None) -> TableSort:
    """Sort the completeness rows in place as ``requested`` (see ``sort_rows``)."""
    return sort_rows(rows, completeness_columns(), requested)
