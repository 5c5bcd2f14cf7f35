"""Report tables as spreadsheets: typed cells (numbers, money, dates) instead of screen text.

A ``Sheet`` is a table whose rows hold Python values (``str``, ``int``, ``Decimal``, ``date``,
``None``); ``sheet_csv_bytes`` and ``sheet_xlsx_bytes`` write it for Excel, LibreOffice and Google
Sheets. Builders such as ``goal_tracker_sheet`` take their numbers from the report's selector, so
a downloaded table always equals the page it came from.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from campaigns.money import minor_units
from reporting.filters import Breakdown
from reporting.selectors.context import ReportContext
from reporting.selectors.goal_tracker import Measures, TrackerRow, goal_tracker_rows
from reporting.sorting import SUB_LABELS, sort_tracker

SUB_KEYS = tuple(SUB_LABELS)

KINDS = ("text", "count", "money", "date", "percent")
BOM = "\ufeff"
# A text cell starting with one of these would run as a formula when a spreadsheet opens it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COUNT_PLACES = Decimal("0.01")
MIN_WIDTH, MAX_WIDTH = 8, 45


@dataclass(frozen=True)
class Column:
    """One column: its (translated) title and what its cells hold.

    ``kind`` is one of ``KINDS``: ``count`` cells are ``int`` or ``Decimal`` (shared credit),
    ``money`` cells ``Decimal`` in ``currency``, ``date`` cells ``date`` (or a naive local
    ``datetime``), ``percent`` cells a ``Decimal`` ratio (0.25 is 25 %)."""

    title: str
    kind: str = "text"
    currency: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}")
        if self.kind == "money" and not self.currency:
            raise ValueError("A money column names its currency")


@dataclass
class Sheet:
    """A titled table. The last ``total_rows`` rows are totals (bold in the workbook);
    ``notes`` are lines the workbook shows under the title (the CSV has the table only)."""

    title: str
    subtitle: str
    columns: list[Column]
    rows: list[list]
    name: str = ""
    period_start: date | None = None
    period_end: date | None = None
    time_zone: str = ""
    total_rows: int = 0
    notes: list[str] = field(default_factory=list)


# The goal tracker -------------------------------------------------------------------------------

COUNT_KEYS = ("handled", "interactions", "conversions", "in_session", "cross_session")
PERCENT_PLACES = Decimal("0.0001")


def goal_tracker_sheet(context: ReportContext, *, sort: str = "") -> Sheet:
    """The goal tracker's table as on screen: the same rows (one per agent, or per agent and
    skill, campaign or goal) in the same order (``sort`` as the page's URL parameter), the same
    columns and titles (``reporting.sorting.tracker_columns``), and the totals rows below."""
    tracker = goal_tracker_rows(context)
    f = context.filters
    sorting = sort_tracker(tracker, sort)
    columns = sorting.columns
    sheet_columns = [_sheet_column(column.key, str(column.label)) for column in columns]
    rows = []
    for row in tracker.rows:
        rows.append([_row_value(column.key, row) for column in columns])
    totals = [(_("Sum of rows"), tracker.total)] if tracker.rows else []
    if tracker.rows and tracker.each_once_differs:
        label = f"{_('Each event once')} {_('(de-duplicated total)')}"
        totals.append((label, tracker.distinct_total))
    for label, measures in totals:
        rows.append([_total_value(column.key, label, measures) for column in columns])
    return Sheet(
        title=_("Agent goal tracker"),
        subtitle=_report_subtitle(context, tracker.by),
        columns=sheet_columns,
        rows=rows,
        name="goal-tracker",
        period_start=f.start,
        period_end=f.end,
        time_zone=f.tz_key,
        total_rows=len(totals),
        notes=[sorting.error] if sorting.error else [],
    )


def _sheet_column(key: str, title: str) -> Column:
    if key in COUNT_KEYS or key.startswith("service_"):
        return Column(title, "count")
    if key == "rate":
        return Column(title, "percent")
    for prefix in ("revenue_", "lead_value_"):
        if key.startswith(prefix):
            return Column(title, "money", key.removeprefix(prefix))
    return Column(title)


def _row_value(key: str, row: TrackerRow):
    if key == "agent":
        return row.agent_name if row.agent_id is not None else _("Unattributed")
    if key in SUB_KEYS:
        return row.sub_name or "—"
    return _measure_value(key, row.measures)


def _total_value(key: str, label: str, measures: Measures):
    if key == "agent":
        return label
    if key in SUB_KEYS:
        return None
    return _measure_value(key, measures)


def _measure_value(key: str, m: Measures):
    if key in COUNT_KEYS:
        return _count(getattr(m, key))
    if key == "rate":
        rate = m.conversion_rate
        return None if rate is None else Decimal(rate).quantize(PERCENT_PLACES)
    for prefix, amounts in (("revenue_", m.revenue), ("lead_value_", m.lead_value)):
        if key.startswith(prefix):
            return amounts.get(key.removeprefix(prefix))
    if key.startswith("service_"):
        value = m.service.get(int(key.removeprefix("service_")))
        return None if value is None else _count(value)
    raise ValueError(f"No value for the column {key!r}")


def _count(value) -> int | Decimal:
    """As the page shows a count: whole numbers as integers, shared credit to two decimals."""
    number = Decimal(value).quantize(COUNT_PLACES)
    return int(number) if number == number.to_integral_value() else number


def _report_subtitle(context: ReportContext, by: str) -> str:
    f = context.filters
    start = formats.date_format(f.start, "DATE_FORMAT")
    end = formats.date_format(f.end, "DATE_FORMAT")
    parts = [
        f"{_('Period')}: {start} \N{EN DASH} {end}",
        _("times in %(zone)s") % {"zone": f.tz_key},
    ]
    if by:
        parts.append(f"{_('Rows')}: {dict(Breakdown.CHOICES)[by]}")
    return " · ".join(parts)


# Writers ----------------------------------------------------------------------------------------


def sheet_csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads the accents), one header row of the column
    titles, numbers written plainly with a point (``1234.5``), dates as ``YYYY-MM-DD``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_title(column) for column in sheet.columns])
    for row in sheet.rows:
        writer.writerow(
            [_csv_cell(value, column) for value, column in zip(row, sheet.columns, strict=True)]
        )
    return (BOM + buffer.getvalue()).encode("utf-8")


def _csv_title(column: Column) -> str:
    title = column.title
    if column.kind == "money" and column.currency not in title:
        title = f"{title} ({column.currency})"
    if column.kind == "percent" and "%" not in title:
        title = f"{title} (%)"
    return _safe_text(title)


def _csv_cell(value, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, Decimal)) and column.kind == "percent":
        return format((Decimal(value) * 100).quantize(Decimal("0.1")), "f")
    if isinstance(value, (int, Decimal)):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return _safe_text(str(value))


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def sheet_xlsx_bytes(sheet: Sheet) -> bytes:
    """An Excel workbook: a title row, the period and time zone (dates as date cells), a bold
    header row frozen above numeric, money, date and percent cells with their number formats."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = _sheet_tab_name(sheet.title)
    ws.append([_xlsx_text(sheet.title)])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append([_xlsx_text(sheet.subtitle)])
    if sheet.period_start and sheet.period_end:
        ws.append(
            [_("From"), sheet.period_start, _("To"), sheet.period_end]
            + ([_("Time zone"), sheet.time_zone] if sheet.time_zone else [])
        )
        for column in (2, 4):
            ws.cell(row=ws.max_row, column=column).number_format = "yyyy-mm-dd"
    for note in sheet.notes:
        ws.append([_xlsx_text(note)])
    ws.append([])
    ws.append([_xlsx_text(column.title) for column in sheet.columns])
    header_row = ws.max_row
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8ECF1")
    for index in range(1, len(sheet.columns) + 1):
        cell = ws.cell(row=header_row, column=index)
        cell.font, cell.fill = bold, fill
    first_total = len(sheet.rows) - sheet.total_rows
    # Cells by position: ``ws.max_row`` scans every cell, which made 5,000 rows take minutes.
    for index, row in enumerate(sheet.rows):
        for number, (value, column) in enumerate(zip(row, sheet.columns, strict=True), start=1):
            cell = ws.cell(row=header_row + 1 + index, column=number, value=_xlsx_value(value))
            _format_cell(cell, column)
            if index >= first_total:
                cell.font = bold
    ws.freeze_panes = f"A{header_row + 1}"  # set last: naming a cell earlier moves append()
    _fit_widths(ws, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_tab_name(title: str) -> str:
    # Excel refuses these characters in a tab name and more than 31 characters.
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return name[:31] or "Report"


def _xlsx_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _xlsx_value(value):
    if isinstance(value, str):
        return _xlsx_text(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: the caller gives local times; an aware one is shown as is.
        return value.replace(tzinfo=None)
    return value


def _format_cell(cell, column: Column) -> None:
    value = cell.value
    if isinstance(value, str):
        # openpyxl takes a string starting with "=" for a formula; a name is never one.
        cell.data_type = "s"
        return
    if value is None:
        return
    if column.kind == "money":
        places = minor_units(column.currency)
        decimals = "." + "0" * places if places else ""
        cell.number_format = f'#,##0{decimals} "{column.currency}"'
    elif column.kind == "count":
        cell.number_format = "#,##0" if isinstance(value, int) else "#,##0.00"
    elif column.kind == "percent":
        cell.number_format = "0.0%"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"


def _fit_widths(ws, sheet: Sheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        longest = max(
            [len(column.title)]
            + [len(_csv_cell(row[index - 1], column)) + 4 for row in sheet.rows],
        )
        width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(index)].width = width


def sheet_file_name(sheet: Sheet, extension: str) -> str:
    """``goal-tracker-2026-03-01-to-2026-03-31.xlsx``: the report and its period, ASCII only."""
    stem = slugify(sheet.name or sheet.title) or "report"
    if sheet.period_start and sheet.period_end:
        stem += f"-{sheet.period_start.isoformat()}-to-{sheet.period_end.isoformat()}"
    return f"{stem}.{extension.lstrip('.')}"
