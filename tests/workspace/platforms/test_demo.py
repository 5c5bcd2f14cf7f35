"""The demo Chatwoot account: configured, mapped, fed through the receiver's services, once."""

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from campaigns import demo as campaigns_demo
from campaigns.roles import roles_sync
from tests.workspace.platforms import samples
from workspace.models import Conversation, Message
from workspace.platforms.demo import seed_platforms
from workspace.platforms.models import Delivery, ExternalRef, PlatformAccount

pytestmark = pytest.mark.django_db


def test_demo_account_is_seeded_once_with_a_mapped_conversation():
    roles_sync()
    campaigns_demo.seed_people(password_hash=make_password("x", hasher="md5"))
    now = timezone.now()

    seed_platforms(now=now)
    seed_platforms(now=now)

    account = PlatformAccount.objects.get()
    assert account.signing_secret
    assert ExternalRef.objects.needing_mapping().count() == 2
    conversation = Conversation.objects.get(external_id=f"{account.namespace}:1001")
    assert conversation.agent.username == "agent7"
    assert conversation.skill.name == "Sales"
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert Delivery.objects.filter(account=account).count() == 2


def test_the_documented_hand_delivery_closes_the_demo_conversation(client):
    """docs/integrations.md, "Trying it": the body and signature as the curl example makes them."""
    roles_sync()
    campaigns_demo.seed_people(password_hash=make_password("x", hasher="md5"))
    account = seed_platforms(now=timezone.now())
    body = (
        b'{"event":"conversation_status_changed","id":1001,"status":"resolved","inbox_id":1,'
        b'"meta":{"sender":{"id":88}}}'
    )
    headers = samples.chatwoot_headers(
        body, "demo-chatwoot-secret", timestamp=int(timezone.now().timestamp())
    )

    response = client.post(
        "/receive/chatwoot/demo-chatwoot/", body, content_type="application/json", **headers
    )

    assert response.status_code == 200, response.content
    conversation = Conversation.objects.get(external_id=f"{account.namespace}:1001")
    assert conversation.ended_at is not None
