"""CSV exports with the screen's filters: every row, a header row, ISO 8601 dates in the report's
time zone. Up to ``STREAM_LIMIT`` rows stream in the response; larger exports are built by a
background task (``reporting.tasks``) into a file that the requester downloads when ready."""

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
from reporting.forms import DrillForm, report_context
from reporting.models import ReportExport
from reporting.selectors.context import ReportContext
from reporting.selectors.conversations import conversation_set
from reporting.selectors.events import EventRow, event_count, event_rows_iter

STREAM_LIMIT = 50_000
PROGRESS_EVERY = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Dataset:
    EVENTS = "events"
    CONVERSATIONS = "conversations"


class Echo:
    """A file-like object whose ``write`` hands the line back, for streaming ``csv.writer``."""

    def write(self, value: str) -> str:
        return value


def _text(value) -> str:
    """Plain text for a cell; a leading formula character is neutralised for spreadsheets."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _iso(value: datetime | None, tz) -> str:
    return value.astimezone(tz).isoformat() if value else ""


EVENT_HEADER = [
    "credited_conversation_start",
    "event_id",
    "reported_at",
    "credited_agent",
    "credit_share",
    "goal",
    "goal_type",
    "goal_reached",
    "campaign",
    "skill",
    "type",
    "value",
    "value_share",
    "currency",
    "action_id",
    "topic",
    "status",
    "category",
    "source",
    "reporting_agent",
    "connector",
    "session",
    "conversation_id",
]


def _event_cells(row: EventRow, tz) -> list[str]:
    return [
        _iso(row.credited_at, tz),
        str(row.event_id),
        _iso(row.occurred_at, tz),
        _text(row.agent_name or _("Unattributed")),
        str(row.weight.normalize()),
        _text(row.goal_name),
        _text(row.goal_type_label),
        "yes" if row.reached else "no",
        _text(row.campaign_name),
        _text(row.skill_name),
        row.attribute_type,
        "" if row.amount is None else str(row.amount),
        "" if row.amount_share is None else str(row.amount_share),
        row.currency,
        _text(row.action_id),
        _text(row.topic),
        _text(row.status_label),
        _text(row.category),
        "agent-reported" if row.is_agent_reported else "customer-reported",
        _text(row.reporter_name),
        _text(row.connector_name),
        row.session,
        _text(row.conversation_ref),
    ]


CONVERSATION_HEADER = [
    "conversation_id",
    "started_at",
    "ended_at",
    "agent",
    "skill",
    "campaign",
    "channel",
    "visitor_id",
]


def export_rows(context: ReportContext, dataset: str, params) -> tuple[int, Iterator[list]]:
    """How many rows an export has, and the rows (header first), read lazily."""
    tz = context.filters.tz
    if dataset == Dataset.EVENTS:
        drill = _drill(params)
        total = event_count(context, drill)
        rows = (_event_cells(row, tz) for row in event_rows_iter(context, drill))
        return total, _with_header(EVENT_HEADER, rows)
    queryset = conversation_set(
        context, params.get("family", ""), params.get("set", ""), survey_id=_int(params, "survey")
    )
    if queryset is None:
        raise ValueError(dataset)
    queryset = queryset.select_related("agent", "skill", "campaign", "visitor").order_by(
        "-started_at", "-pk"
    )
    rows = (
        [
            _text(c.external_id),
            _iso(c.started_at, tz),
            _iso(c.ended_at, tz),
            _text(c.agent.display_name if c.agent else ""),
            _text(c.skill or ""),
            _text(c.campaign or ""),
            c.channel,
            _text(c.visitor.external_id),
        ]
        for c in queryset.iterator(chunk_size=2000)
    )
    return queryset.count(), _with_header(CONVERSATION_HEADER, rows)


def _drill(params):
    form = DrillForm(params)
    return form.drill()


def _int(params, name: str) -> int | None:
    value = params.get(name) or ""
    return int(value) if value.isdigit() else None


def _with_header(header: list[str], rows: Iterable[list]) -> Iterator[list]:
    yield header
    yield from rows


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow(row)


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
    context, _form, _account = report_context(
        export.requested_by, export.params, now=export.created_at
    )
    name = f"export-{export.pk}-{secrets.token_hex(8)}.csv"
    path = exports_dir() / name
    written = 0
    try:
        total, rows = export_rows(context, export.dataset, export.params)
        _progress(export, status=ReportExport.Status.RUNNING, rows_total=total)
        writer_rows = csv_stream(rows)
        with path.open("w", encoding="utf-8", newline="") as handle:
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
