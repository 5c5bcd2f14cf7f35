"""``manage.py retention_purge [--months N] [--dry-run]``: delete engagement attribute events and
transcript messages older than the retention period (``DATA_RETENTION_MONTHS`` by default)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from workspace.services.privacy import retention_purge


class Command(BaseCommand):
    help = "Delete events and transcripts older than the retention period (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Keep this many months (default: the DATA_RETENTION_MONTHS setting).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, months: int | None, dry_run: bool, **options) -> None:
        months = settings.DATA_RETENTION_MONTHS if months is None else months
        if months == 0:
            self.stdout.write("Retention is off (0 months): nothing deleted.")
            return
        if months < 0:
            raise CommandError("--months must be 0 or more.")
        result = retention_purge(months=months, now=timezone.now(), dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {result.events} events and {result.messages} messages "
            f"older than {result.cutoff:%Y-%m-%d %H:%M %Z} ({months} months)."
        )
