"""Create or update one identity provider from SSO_* environment variables (docs/sso.md)."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.sso.models import IdentityProvider
from campaigns.sso.services import provider_save
from outcomes_site.env import env_bool

FIELDS = {
    "SSO_NAME": "name",
    "SSO_PROTOCOL": "protocol",
    "SSO_ISSUER": "issuer",
    "SSO_CLIENT_ID": "client_id",
    "SSO_CLIENT_SECRET": "client_secret",
    "SSO_SCOPES": "scopes",
    "SSO_METADATA_URL": "metadata_url",
    "SSO_SP_PRIVATE_KEY": "sp_private_key",
    "SSO_SP_CERTIFICATE": "sp_certificate",
    "SSO_GROUPS_CLAIM": "groups_claim",
}


class Command(BaseCommand):
    help = "Create or update the identity provider named by SSO_SLUG from SSO_* variables."

    def handle(self, *args, **options) -> None:
        slug = os.environ.get("SSO_SLUG", "")
        if not slug:
            raise CommandError("Set SSO_SLUG (and the other SSO_* variables, see docs/sso.md).")
        provider = IdentityProvider.objects.filter(slug=slug).first() or IdentityProvider(slug=slug)
        for variable, field in FIELDS.items():
            if os.environ.get(variable):
                setattr(provider, field, os.environ[variable])
        if "SSO_TRUST_EMAIL" in os.environ:
            provider.trust_email = env_bool("SSO_TRUST_EMAIL")
        try:
            provider.full_clean()
        except ValidationError as error:
            raise CommandError(f"Not saved: {error.message_dict}") from None
        provider_save(actor=None, provider=provider)
        # Never echo the secret: only which provider was written.
        self.stdout.write(f"Identity provider {provider.slug} saved.")
