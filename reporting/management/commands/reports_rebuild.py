"""``manage.py reports_rebuild``: recompute the reports' credit rows now, with a progress bar."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandParser

from workspace.services.credit_rebuild import credit_rebuild_pending


class Command(BaseCommand):
    help = (
        "Recompute credit (who gets what share of which event) and conversations handled: "
        "the waiting rebuilds, or everything with --all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Rebuild everything, not only what is waiting."
        )

    def handle(self, *args, all: bool, **options) -> None:
        started = datetime.now()
        count = credit_rebuild_pending(everything=all, progress=self._bar)
        if count:
            self.stdout.write("")
        seconds = (datetime.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(f"Credit rebuilt for {count} events in {seconds:.1f} s.")
            if count or all
            else "Nothing waiting to rebuild (use --all to rebuild everything)."
        )

    def _bar(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} events"
        self.stdout.write(line, ending="")
        self.stdout.flush()
