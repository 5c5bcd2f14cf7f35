"""One period's mail of a report subscription, built with the subscriber's scope when it is sent:
the goal tracker's table (per-agent rows and totals) as HTML and as plain text, formatted for the
reader (counts, money with its currency), the same table attached as a workbook, and links to the
report, to the subscriber's list and to a signed unsubscribe page that needs no sign-in."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.numbers import format_percent
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from reporting.filters import Scope
from reporting.forms import report_context
from reporting.models import ReportSubscription
from reporting.selectors.subscriptions import filter_descriptions
from reporting.services.spreadsheets import (
    Column,
    Sheet,
    goal_tracker_sheet,
    sheet_file_name,
    sheet_xlsx_bytes,
)
from reporting.services.subscriptions import Frequency, Period, period_starting, unsubscribe_token
from reporting.templatetags.reports import count, money

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMERIC = ("count", "money", "percent")


@dataclass
class MailTable:
    """A sheet's cells as the reader sees them: text, right-aligned where ``numeric``."""

    titles: list[str]
    numeric: list[bool]
    rows: list[list[str]]
    totals: list[list[str]]

    @property
    def numeric_columns(self) -> set[int]:
        return {index for index, numeric in enumerate(self.numeric) if numeric}


def _cell_text(value, column: Column) -> str:
    if value is None:
        return "—"
    if column.kind == "money":
        return money(value, column.currency)
    if column.kind == "count":
        return count(value)
    if column.kind == "percent":
        return format_percent(value, locale=translation.to_locale(translation.get_language()))
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def mail_table(sheet: Sheet) -> MailTable:
    texts = [
        [_cell_text(value, column) for value, column in zip(row, sheet.columns, strict=True)]
        for row in sheet.rows
    ]
    first_total = len(texts) - sheet.total_rows
    return MailTable(
        titles=[column.title for column in sheet.columns],
        numeric=[column.kind in NUMERIC for column in sheet.columns],
        rows=texts[:first_total],
        totals=texts[first_total:],
    )


def text_table(table: MailTable) -> str:
    """The table in fixed-width columns, for the plain-text part."""
    lines = [table.titles, *table.rows, *table.totals]
    widths = [max(len(line[i]) for line in lines) for i in range(len(table.titles))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if numeric else cell.ljust(width)
            for cell, width, numeric in zip(cells, widths, table.numeric, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    text = [line(table.titles), rule, *map(line, table.rows)]
    if table.totals:
        text += [rule, *map(line, table.totals)]
    return "\n".join(text)


def period_label(period: Period) -> str:
    start = formats.date_format(period.start, "DATE_FORMAT")
    if period.start == period.end:
        return start
    end = formats.date_format(period.end, "DATE_FORMAT")
    return _("%(start)s to %(end)s") % {"start": start, "end": end}


def report_params(subscription: ReportSubscription, period: Period) -> QueryDict:
    """The goal tracker's URL parameters for one period of a subscription."""
    data = QueryDict(mutable=True)
    data.update({key: str(value) for key, value in subscription.params.items()})
    data["start"], data["end"] = period.start.isoformat(), period.end.isoformat()
    return data


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(subscription: ReportSubscription) -> str:
    token = unsubscribe_token(subscription)
    return absolute_url(reverse("reporting:subscription-unsubscribe", args=[token]))


def subscription_mail(
    subscription: ReportSubscription, *, period: Period, now: datetime
) -> EmailMultiAlternatives | None:
    """The mail for ``period``, read with the owner's scope now; ``None`` when the owner is
    inactive, has no address, may no longer read reports, or the saved filters no longer apply
    (an agent who left the manager's teams, say): then nothing is sent."""
    user = subscription.user
    if not (user.is_active and user.email):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        data = report_params(subscription, period)
        context, form, _account = report_context(user, data, now=now)
        if context.scope.kind == Scope.NONE:
            return None
        if not form.is_valid():
            logger.warning(
                "Report subscription %s not sent: its filters no longer apply (%s)",
                subscription.pk,
                ", ".join(form.errors),
            )
            return None
        sheet = goal_tracker_sheet(context)
        return _message(subscription, sheet, period, context.filters.query())


def _message(
    subscription: ReportSubscription, sheet: Sheet, period: Period, query: str
) -> EmailMultiAlternatives:
    table = mail_table(sheet)
    unsubscribe = unsubscribe_url(subscription)
    values = {
        "subscription": subscription,
        "recipient": subscription.user.display_name,
        "sheet": sheet,
        "table": table,
        "text_table": text_table(table),
        "period": period_label(period),
        "weekly": subscription.frequency == Frequency.WEEKLY,
        "filters": filter_descriptions([subscription.params])[0],
        "report_url": absolute_url(f"{reverse('reporting:goal-tracker')}?{query}"),
        "list_url": absolute_url(reverse("reporting:subscription-list")),
        "unsubscribe_url": unsubscribe,
    }
    subject = _("%(report)s: %(period)s") % {"report": sheet.title, "period": values["period"]}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reporting/email/subscription_report.txt", values),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.user.email],
        # A link mail programs offer as "Unsubscribe"; it opens the confirmation page.
        headers={
            "List-Unsubscribe": UnfoldedHeader(f"<{unsubscribe}>", name="List-Unsubscribe"),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("reporting/email/subscription_report.html", values), "text/html"
    )
    message.attach(sheet_file_name(sheet, "xlsx"), sheet_xlsx_bytes(sheet), XLSX)
    return message


class UnfoldedHeader(str):
    """A header value the mail library writes as it is, on one line, instead of RFC 2047-encoding
    it to fit 78 columns: mail programs read the ``List-Unsubscribe`` address only as plain text
    (a header line may run to 998 characters)."""

    def __new__(cls, value: str, name: str = "") -> "UnfoldedHeader":
        # ``name`` has a default because copying rebuilds from the text, then sets attributes.
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def _transient(error: Exception) -> bool:
    """Worth trying again at the next tick: the server was out of reach or answered 4xx."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(error, OSError)


def subscription_send(*, subscription_id: int, period_start: date, now: datetime) -> bool:
    """Send one claimed period's mail. ``False`` when nothing was sent (see
    ``subscription_mail``; also a subscription stopped or deleted since it was claimed). When
    the mail server is out of reach the period is given back, so that the scheduler's next tick
    the same day tries again; a refusal (5xx) is logged and not retried."""
    subscription = (
        ReportSubscription.objects.select_related("user")
        .filter(pk=subscription_id, active=True)
        .first()
    )
    if subscription is None:
        return False
    period = period_starting(subscription.frequency, period_start)
    message = subscription_mail(subscription, period=period, now=now)
    if message is None:
        return False
    try:
        message.send(using="default")
    except OSError as error:  # smtplib's errors are OSErrors
        logger.exception("Could not send report subscription %s", subscription_id)
        if _transient(error):
            step = timedelta(days=1 if subscription.frequency == Frequency.DAILY else 7)
            ReportSubscription.objects.filter(
                pk=subscription_id, last_sent_for=period_start
            ).update(last_sent_for=period_start - step)
        return False
    return True
