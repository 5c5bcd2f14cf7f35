"""LivePerson's conversation state change notifications replayed over HTTP to the receiver."""

import base64
import hashlib
import hmac
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workspace.platforms import samples
from tests.workspace.platforms.conftest import LIVEPERSON_SECRET, post_liveperson
from workspace.models import Conversation, Segment
from workspace.platforms.models import Delivery, ExternalRef, RefKind

pytestmark = pytest.mark.django_db


def _ms(minutes_ago: float) -> int:
    return int((timezone.now() - timedelta(minutes=minutes_ago)).timestamp() * 1000)


def _change(**kwargs):
    kwargs.setdefault("start_ms", _ms(30))
    kwargs.setdefault("updated_ms", _ms(29))
    return samples.liveperson_change(**kwargs)


def _ours(account, sequence=1):
    base = f"{account.namespace}:b8b83fe9-75f0-46f2-baaa-2930f7192cfb"
    return Conversation.objects.get(external_id=base if sequence == 1 else f"{base}#{sequence}")


def test_open_creates_a_messaging_conversation_and_lists_agent_and_skill_to_map(client, liveperson):
    response = post_liveperson(client, liveperson, _change())

    assert response.status_code == 200, response.content
    conversation = _ours(liveperson)
    assert conversation.channel == Conversation.Channel.MESSAGING
    assert conversation.visitor.external_id.startswith(f"{liveperson.namespace}:consumer:2969e4")
    waiting = {(item["kind"], item["id"]) for item in response.json()["needsMapping"]}
    assert waiting == {("agent", "42257269.1290"), ("skill", "1743")}


def test_mapped_agent_and_skill_then_a_transfer_then_close(
    client, liveperson, ana, agent, sales_skill
):
    post_liveperson(client, liveperson, _change())
    ExternalRef.objects.filter(kind=RefKind.AGENT).update(agent=ana)
    ExternalRef.objects.filter(kind=RefKind.SKILL).update(skill=sales_skill)
    ExternalRef.objects.create(
        account=liveperson,
        kind=RefKind.AGENT,
        external_id="42257269.77",
        agent=agent,
        first_seen_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    post_liveperson(client, liveperson, _change(updated_ms=_ms(25)))
    assert (_ours(liveperson).agent, _ours(liveperson).skill) == (ana, sales_skill)

    post_liveperson(client, liveperson, _change(updated_ms=_ms(20), agent="42257269.77"))
    closed = post_liveperson(
        client, liveperson, _change(updated_ms=_ms(10), agent="42257269.77", state="CLOSE")
    )

    conversation = _ours(liveperson)
    assert "closed" in closed.json()["detail"]
    assert conversation.agent == agent
    assert conversation.ended_at is not None
    reasons = list(
        Segment.objects.filter(conversation=conversation).values_list("end_reason", flat=True)
    )
    assert reasons == ["transfer", "transfer", "close"]


def test_a_late_open_does_not_reopen_but_a_newer_open_does(client, liveperson):
    post_liveperson(client, liveperson, _change(updated_ms=_ms(10), state="CLOSE"))
    late = post_liveperson(client, liveperson, _change(updated_ms=_ms(20)))
    newer = post_liveperson(client, liveperson, _change(updated_ms=_ms(5)))

    assert "stale" in late.json()["detail"]
    assert "reopened" in newer.json()["detail"]
    assert Conversation.objects.count() == 2
    assert _ours(liveperson, sequence=2).ended_at is None


def test_a_repeated_notification_is_not_applied_twice(client, liveperson):
    payload = _change()
    first = post_liveperson(client, liveperson, payload)
    again = post_liveperson(client, liveperson, payload)

    assert first.json()["duplicate"] is False
    assert again.json()["duplicate"] is True
    assert Delivery.objects.count() == 1
    assert Segment.objects.count() == 1


@pytest.mark.parametrize(
    ("header_args", "code"),
    [
        ({"secret": "wrong"}, "bad_signature"),
        ({"site": "999"}, "wrong_account"),
        ({"client_id": "someone-else"}, "wrong_client"),
    ],
)
def test_wrong_signature_site_or_client_is_refused(client, liveperson, header_args, code):
    response = post_liveperson(client, liveperson, _change(), **header_args)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == code
    assert not Conversation.objects.exists()


def test_a_sha256_hex_signature_is_accepted(client, liveperson):
    body = samples.dumps(_change())
    signature = hmac.new(LIVEPERSON_SECRET.encode(), body, hashlib.sha256).hexdigest()
    url = reverse("platforms:liveperson-receive", args=[liveperson.slug])
    headers = {
        "HTTP_X_LIVEPERSON_SIGNATURE": f"sha256={signature}",
        "HTTP_X_LIVEPERSON_ACCOUNT_ID": "42257269",
        "HTTP_X_LIVEPERSON_CLIENT_ID": "lp-client",
    }

    assert client.post(url, body, content_type="application/json", **headers).status_code == 200


def test_malformed_and_incomplete_notifications(client, liveperson):
    url = reverse("platforms:liveperson-receive", args=[liveperson.slug])
    body = b'{"kind": "notification", "body": {"changes": [}'
    digest = hmac.new(LIVEPERSON_SECRET.encode(), body, hashlib.sha1).digest()
    headers = {
        "HTTP_X_LIVEPERSON_SIGNATURE": "sha1=" + base64.b64encode(digest).decode(),
        "HTTP_X_LIVEPERSON_ACCOUNT_ID": "42257269",
        "HTTP_X_LIVEPERSON_CLIENT_ID": "lp-client",
    }
    malformed = client.post(url, body, content_type="application/json", **headers)
    incomplete = _change()
    del incomplete["body"]["changes"][0]["result"]["convId"]
    refused = post_liveperson(client, liveperson, incomplete)

    assert malformed.status_code == 400
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "body.changes[0]"
    assert not Conversation.objects.exists()
    assert Delivery.objects.get().outcome == Delivery.Outcome.REJECTED


def test_other_notification_types_are_acknowledged(client, liveperson):
    payload = {"kind": "notification", "type": "ms.MessagingEventNotification", "body": {}}

    response = post_liveperson(client, liveperson, payload)

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"


def test_participants_keyed_by_role_are_read_too(client, liveperson, ana):
    """Some notifications list participants as ``{ROLE: [ids]}`` instead of ``[{id, role}]``."""
    ExternalRef.objects.create(
        account=liveperson,
        kind=RefKind.AGENT,
        external_id="42257269.1290",
        agent=ana,
        first_seen_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    payload = _change()
    details = payload["body"]["changes"][0]["result"]["conversationDetails"]
    details["participants"] = {"CONSUMER": ["consumer-7"], "ASSIGNED_AGENT": ["42257269.1290"]}

    post_liveperson(client, liveperson, payload)

    conversation = _ours(liveperson)
    assert conversation.agent == ana
    assert conversation.visitor.external_id == f"{liveperson.namespace}:consumer:consumer-7"
