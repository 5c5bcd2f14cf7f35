"""``manage.py connector_create --name NAME``: a new ingest API key, printed as the last line."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.services.connectors import connector_create


class Command(BaseCommand):
    help = "Create an ingest API connector and print its key (shown once) as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Which system uses the key.")

    def handle(self, *args, name: str, **options) -> None:
        name = name.strip()
        if not name or len(name) > 80:
            raise CommandError("--name must be 1 to 80 characters.")
        connector, key = connector_create(name=name, actor=None)
        self.stdout.write(f"Created connector {connector.name!r} (id {connector.pk}).")
        self.stdout.write("Store this key now; it is not shown again:")
        self.stdout.write(key)
