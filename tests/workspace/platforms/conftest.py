"""Platform accounts as an admin adds them, and a way to post a delivery as the platform does."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.roles import Role
from tests.factories import SkillFactory, UserFactory
from tests.workspace.platforms import samples
from workspace.platforms.models import Platform, ReceiverAuth
from workspace.platforms.services.accounts import platform_account_create

CHATWOOT_SECRET = "cw-webhook-secret-0123456789"
LIVEPERSON_SECRET = "lp-client-secret-0123456789"


def _account(admin, **fields):
    fields.setdefault("auth", ReceiverAuth.SIGNATURE)
    return platform_account_create(actor=admin, now=timezone.now(), **fields)


@pytest.fixture
def chatwoot(admin):
    account, _token = _account(
        admin,
        platform=Platform.CHATWOOT,
        name="Acme Chatwoot",
        account_ref="1",
        secret=CHATWOOT_SECRET,
    )
    return account


@pytest.fixture
def liveperson(admin):
    account, _token = _account(
        admin,
        platform=Platform.LIVEPERSON,
        name="Acme LivePerson",
        account_ref="42257269",
        client_id="lp-client",
        secret=LIVEPERSON_SECRET,
    )
    return account


@pytest.fixture
def ana(db, sales_skill):
    """Our agent whose e-mail is the Chatwoot agent's."""
    return UserFactory(
        username="ana", email="ana@example.com", roles=[Role.AGENT], skills=[sales_skill]
    )


@pytest.fixture
def support_skill(db):
    return SkillFactory(name="Support")


def post_chatwoot(client, account, payload, *, delivery="", timestamp=None, secret=None):
    body = samples.dumps(payload)
    stamp = int(timezone.now().timestamp()) if timestamp is None else timestamp
    headers = samples.chatwoot_headers(
        body, secret or CHATWOOT_SECRET, timestamp=stamp, delivery=delivery
    )
    url = reverse("platforms:chatwoot-receive", args=[account.slug])
    return client.post(url, body, content_type="application/json", **headers)


def post_liveperson(client, account, payload, *, secret=None, **header_args):
    body = samples.dumps(payload)
    headers = samples.liveperson_headers(body, secret or LIVEPERSON_SECRET, **header_args)
    url = reverse("platforms:liveperson-receive", args=[account.slug])
    return client.post(url, body, content_type="application/json", **headers)
