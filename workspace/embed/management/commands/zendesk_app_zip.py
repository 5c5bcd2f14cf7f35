"""Build the Zendesk app package an admin uploads as a private app (docs/integrations.md,
"Zendesk"): ``manifest.json`` pointing the ticket sidebar at our panel, the translations and
logos Zendesk's upload asks for."""

import json
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

APP_FILES = Path(__file__).resolve().parents[2] / "zendesk_app"
# Copied as they are; the manifest is written from the URL given.
PACKAGED = ["translations/en.json", "assets/logo.png", "assets/logo-small.png"]
APP_VERSION = "1.0.0"


def zendesk_manifest(panel_url: str, email: str) -> dict:
    """Zendesk's manifest (developer.zendesk.com, "Manifest reference"): a private app whose
    ticket sidebar frames ``panel_url``; ``flexible`` lets it follow the sidebar's width."""
    return {
        "name": "Conversation Outcomes",
        "author": {"name": "Conversation Outcomes", "email": email},
        "defaultLocale": "en",
        "private": True,
        "location": {"support": {"ticket_sidebar": {"url": panel_url, "flexible": True}}},
        "version": APP_VERSION,
        "frameworkVersion": "2.0",
    }


def panel_url_for(url: str) -> str:
    """The panel's address from our site's address (the panel's path is added) or the panel's
    own address. Zendesk frames only https pages."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise CommandError("--url must be an https address such as https://outcomes.example.com")
    path = parts.path if parts.path not in ("", "/") else reverse("embed:zendesk-panel")
    return f"https://{parts.netloc}{path}"


class Command(BaseCommand):
    help = "Write the Zendesk ticket sidebar app (a zip to upload as a private app)."

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="Our site's https address.")
        # Required by Zendesk's manifest: "where users of the app can send support requests".
        parser.add_argument("--email", required=True, help="Where the app's users ask for help.")
        parser.add_argument("--output", default="conversation-outcomes-zendesk.zip")

    def handle(self, *args, url: str, email: str, output: str, **options):
        if "@" not in email:
            raise CommandError("--email must be an e-mail address")
        manifest = zendesk_manifest(panel_url_for(url), email.strip())
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
            for name in PACKAGED:
                archive.write(APP_FILES / name, name)
        self.stdout.write(
            f"Wrote {output} for {manifest['location']['support']['ticket_sidebar']['url']}"
        )
