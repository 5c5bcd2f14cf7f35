"""CSV exports with the screen's filters: every row, a header row of translated column titles,
UTF-8 with a byte order mark, times as ``YYYY-MM-DD HH:MM:SS`` in the report's time zone (named in
the column title) so that a spreadsheet reads them as times. Up to ``STREAM_LIMIT`` rows stream in
the response; larger exports are built by a background task (``reporting.tasks``) into a file
that the requester downloads when ready. Exports never run on invalid filters: the views answer
400 and the task fails, naming the parameter (``invalid_export_params``)."""

import csv
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import User
from reporting.forms import DrillForm, ReportFilterForm, form_problems, report_context
from reporting.models import ReportExport
from reporting.selectors.context import ReportContext
from reporting.selectors.conversations import conversation_set
from reporting.selectors.events import EventRow, event_count, event_rows_iter

STREAM_LIMIT = 50_000
PROGRESS_EVERY = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


class Dataset:
    EVENTS = "events"
    CONVERSATIONS = "conversations"
    ALL = (EVENTS, CONVERSATIONS)


class Echo:
    """A file-like object whose ``write`` hands the line back, for streaming ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def _text(value) -> str:
    """Plain text for a cell; a leading formula character is neutralised for spreadsheets."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _local_time(value: datetime | None, tz) -> str:
    """A time a spreadsheet recognises (no ``T``, no offset, no microseconds): the column title
    names the zone."""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def event_header(zone: str) -> list[str]:
    return [
        _("Credited conversation start (%(zone)s)") % {"zone": zone},
        _("Event ID"),
        _("Reported at (%(zone)s)") % {"zone": zone},
        _("Credited agent"),
        _("Credit share"),
        _("Goal"),
        _("Goal type"),
        _("Goal reached"),
        _("Campaign"),
        _("Skill"),
        _("Type"),
        _("Value"),
        _("Value share"),
        _("Currency"),
        _("Action ID"),
        _("Topic"),
        _("Status"),
        _("Category"),
        _("Source"),
        _("Reporting agent"),
        _("Connector"),
        _("Session"),
        _("Conversation ID"),
    ]


SESSION_LABELS = {"in": lambda: _("In-session"), "cross": lambda: _("Cross-session")}


def _event_cells(row: EventRow, tz) -> list[str]:
    return [
        _local_time(row.credited_at, tz),
        str(row.event_id),
        _local_time(row.occurred_at, tz),
        _text(row.agent_name or _("Unattributed")),
        format(row.weight.normalize(), "f"),
        _text(row.goal_name),
        _text(row.goal_type_label),
        _("Yes") if row.reached else _("No"),
        _text(row.campaign_name),
        _text(row.skill_name),
        _text(row.type_label),
        "" if row.amount is None else str(row.amount),
        "" if row.amount_share is None else str(row.amount_share),
        row.currency,
        _text(row.action_id),
        _text(row.topic),
        _text(row.status_label),
        _text(row.category),
        _text(row.source_label),
        _text(row.reporter_name),
        _text(row.connector_name),
        SESSION_LABELS[row.session]() if row.session in SESSION_LABELS else "",
        _text(row.conversation_ref),
    ]


def conversation_header(zone: str) -> list[str]:
    return [
        _("Conversation ID"),
        _("Started at (%(zone)s)") % {"zone": zone},
        _("Ended at (%(zone)s)") % {"zone": zone},
        _("Agent"),
        _("Skill"),
        _("Campaign"),
        _("Channel"),
        _("Visitor ID"),
    ]


def export_rows(context: ReportContext, dataset: str, params) -> tuple[int, Iterator[list]]:
    """How many rows an export has, and the rows (header first), read lazily."""
    tz, zone = context.filters.tz, context.filters.tz_key
    if dataset == Dataset.EVENTS:
        drill = DrillForm(params).drill()
        total = event_count(context, drill)
        rows = (_event_cells(row, tz) for row in event_rows_iter(context, drill))
        return total, _with_header(event_header(zone), rows)
    queryset = _conversations(context, params)
    if queryset is None:
        raise ValueError(dataset)
    queryset = queryset.select_related("agent", "skill", "campaign", "visitor").order_by(
        "-started_at", "-pk"
    )
    rows = (
        [
            _text(c.external_id),
            _local_time(c.started_at, tz),
            _local_time(c.ended_at, tz),
            _text(c.agent.display_name if c.agent else ""),
            _text(c.skill or ""),
            _text(c.campaign or ""),
            c.channel,
            _text(c.visitor.external_id),
        ]
        for c in queryset.iterator(chunk_size=2000)
    )
    return queryset.count(), _with_header(conversation_header(zone), rows)


def _int(params, name: str) -> int | None:
    value = params.get(name) or ""
    return int(value) if value.isdigit() else None


def _with_header(header: list[str], rows: Iterable[list]) -> Iterator[list]:
    yield header
    yield from rows


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    """The CSV lines, the first starting with a byte order mark (Excel then reads UTF-8)."""
    writer = csv.writer(Echo())
    prefix = BOM
    for row in rows:
        yield prefix + writer.writerow(row)
        prefix = ""


def export_problems(
    context: ReportContext, form: ReportFilterForm, params
) -> list[tuple[str, str, str]]:
    """``(parameter, label, message)`` for each invalid value of an export's parameters (the
    filters of ``form``, the drill-down's number, the dataset and its set); empty when it may run.
    An export never runs on the default filters in place of invalid ones."""
    problems = form.problems() + form_problems(DrillForm(params))
    dataset = params.get("dataset") or Dataset.EVENTS
    if dataset not in Dataset.ALL:
        problems.append(("dataset", _("Data"), _("Choose events or conversations.")))
    elif dataset == Dataset.CONVERSATIONS:
        survey = params.get("survey") or ""
        if survey and not survey.isdigit():
            message = _("“%(value)s” is not a survey id.") % {"value": survey}
            problems.append(("survey", _("Survey"), message))
        elif not problems and _conversations(context, params) is None:
            message = _("Choose which conversations to export.")
            problems.append(("family", _("Conversations"), message))
    return problems


def _conversations(context: ReportContext, params):
    survey_id = _int(params, "survey")
    return conversation_set(
        context,
        params.get("family", ""),
        params.get("set", ""),
        survey_id=survey_id,
        unattributed=DrillForm(params).drill().unattributed,
    )


def export_file_name(dataset: str, context: ReportContext) -> str:
    f = context.filters
    return f"{dataset}-{f.start.isoformat()}-to-{f.end.isoformat()}.csv"


@transaction.atomic
def export_start(*, user: User, dataset: str, params: dict, now: datetime) -> ReportExport:
    """Queue a background export (the task starts once this transaction commits)."""
    from reporting.tasks import export_build_task

    export = ReportExport.objects.create(
        requested_by=user, dataset=dataset, params=params, created_at=now
    )
    transaction.on_commit(lambda: _enqueue(export_build_task, export))
    return export


def _enqueue(task, export: ReportExport) -> None:
    result = task.enqueue(export.pk)
    ReportExport.objects.filter(pk=export.pk, task_id="").update(task_id=str(result.id)[:64])


def exports_dir() -> Path:
    path = Path(settings.REPORT_EXPORTS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_build(*, export_id: int) -> int:
    """Write the export's CSV file, recording progress as it goes. Returns the rows written."""
    export = ReportExport.objects.select_related("requested_by").get(pk=export_id)
    context, form, _account = report_context(
        export.requested_by, export.params, now=export.created_at
    )
    problems = export_problems(context, form, {"dataset": export.dataset, **export.params})
    if problems:  # checked when queued; the requester's scope may have changed since
        error = "; ".join(f"{name}: {message}" for name, _label, message in problems)
        _progress(export, status=ReportExport.Status.FAILED, error=error[:2000])
        return 0
    name = f"export-{export.pk}-{secrets.token_hex(8)}.csv"
    path = exports_dir() / name
    written = 0
    try:
        total, rows = export_rows(context, export.dataset, export.params)
        _progress(export, status=ReportExport.Status.RUNNING, rows_total=total)
        writer_rows = csv_stream(rows)
        with path.open("w", encoding="utf-8", newline="") as handle:  # BOM from csv_stream
            for line in writer_rows:
                handle.write(line)
                written += 1
                if written % PROGRESS_EVERY == 0:
                    _progress(export, rows_done=written - 1)
    except Exception as error:
        path.unlink(missing_ok=True)
        _progress(export, status=ReportExport.Status.FAILED, error=str(error)[:2000])
        raise
    _progress(
        export,
        status=ReportExport.Status.DONE,
        rows_done=max(written - 1, 0),
        file_name=name,
        finished_at=timezone.now(),
    )
    return max(written - 1, 0)


def _progress(export: ReportExport, **fields) -> None:
    ReportExport.objects.filter(pk=export.pk).update(**fields)


def export_path(export: ReportExport) -> Path | None:
    if export.status != ReportExport.Status.DONE or not export.file_name:
        return None
    path = exports_dir() / Path(export.file_name).name
    return path if path.exists() else None
