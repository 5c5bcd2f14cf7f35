"""``manage.py visitor_erase VISITOR_ID [--dry-run]``: erase one visitor's data on request."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from workspace.models import Visitor
from workspace.services.privacy import visitor_erase


class Command(BaseCommand):
    help = "Erase one visitor's conversations, transcripts, outcomes and answers (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("visitor_id", help="The visitor ID the website or channel sends.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; erase nothing."
        )

    def handle(self, *args, visitor_id: str, dry_run: bool, **options) -> None:
        visitor = Visitor.objects.filter(external_id=visitor_id).first()
        if visitor is None:
            raise CommandError("No visitor with that ID.")
        with transaction.atomic():
            result = visitor_erase(visitor=visitor, actor=None, now=timezone.now())
            if dry_run:
                transaction.set_rollback(True)
        counts = ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in result.as_dict().items()
        )
        self.stdout.write(f"{'Would erase' if dry_run else 'Erased'}: {counts}.")
