"""Chatwoot's payloads replayed over HTTP to the receiver: events, signatures, repeats, order."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AuditEntry
from tests.workspace.platforms import samples
from tests.workspace.platforms.conftest import CHATWOOT_SECRET, post_chatwoot
from workspace.models import Conversation, Message, Segment, Visitor
from workspace.platforms.models import Delivery, ExternalRef, Platform, ReceiverAuth, RefKind
from workspace.platforms.services.accounts import platform_account_create

pytestmark = pytest.mark.django_db


def _at(minutes_ago: float):
    return timezone.now() - timedelta(minutes=minutes_ago)


def _created(**kwargs):
    kwargs.setdefault("at", _at(30))
    return samples.chatwoot_conversation("conversation_created", **kwargs)


def _ours(account, conversation_id=42, sequence=1):
    suffix = "" if sequence == 1 else f"#{sequence}"
    return Conversation.objects.get(external_id=f"{account.namespace}:{conversation_id}{suffix}")


def _map(account, kind, external_id, **target):
    ExternalRef.objects.filter(account=account, kind=kind, external_id=external_id).update(**target)


def test_conversation_created_makes_our_conversation_and_lists_what_needs_mapping(client, chatwoot):
    response = post_chatwoot(client, chatwoot, _created())

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "applied"
    assert body["duplicate"] is False
    conversation = _ours(chatwoot)
    assert conversation.visitor.external_id == "web-visitor-8812"  # the contact's identifier
    assert conversation.channel == Conversation.Channel.CHAT
    assert conversation.agent is None
    assert conversation.ended_at is None
    waiting = {(item["kind"], item["id"]) for item in body["needsMapping"]}
    assert waiting == {("agent", "12"), ("team", "3"), ("inbox", "1")}
    assert ExternalRef.objects.needing_mapping().filter(account=chatwoot).count() == 3
    audit = AuditEntry.objects.get(action="conversation.create")
    assert audit.object_id == str(conversation.pk)


def test_mapped_agent_and_team_and_a_reassignment_is_a_transfer(
    client, chatwoot, ana, agent, sales_skill, support_skill
):
    post_chatwoot(client, chatwoot, _created())
    _map(chatwoot, RefKind.AGENT, "12", agent=ana)
    _map(chatwoot, RefKind.TEAM, "3", skill=sales_skill)
    _map(chatwoot, RefKind.INBOX, "1", skill=support_skill)
    post_chatwoot(
        client,
        chatwoot,
        samples.chatwoot_conversation("conversation_updated", at=_at(20), created=_at(30)),
    )
    conversation = _ours(chatwoot)
    assert (conversation.agent, conversation.skill) == (ana, sales_skill)  # the team wins

    other = {"id": 13, "name": "Bruno", "available_name": "Bruno", "type": "user"}
    ExternalRef.objects.create(
        account=chatwoot,
        kind=RefKind.AGENT,
        external_id="13",
        agent=agent,
        first_seen_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    updated = samples.chatwoot_conversation(
        "conversation_updated",
        at=_at(10),
        created=_at(30),
        assignee=other,
        changed=[{"assignee_id": {"previous_value": 12, "current_value": 13}}],
    )
    response = post_chatwoot(client, chatwoot, updated)

    assert response.status_code == 200
    assert "transferred" in response.json()["detail"]
    conversation.refresh_from_db()
    assert conversation.agent == agent
    segments = list(Segment.objects.filter(conversation=conversation))
    # Mapping the agent and team made the first update a transfer too (nobody -> Ana).
    assert [s.end_reason for s in segments] == [Segment.EndReason.TRANSFER] * 2 + [""]
    assert AuditEntry.objects.filter(action="conversation.transfer").count() == 2


def test_resolved_closes_the_api_way_and_reopened_is_a_new_conversation(client, chatwoot):
    post_chatwoot(client, chatwoot, _created())
    resolved = samples.chatwoot_conversation(
        "conversation_status_changed", status="resolved", at=_at(15), created=_at(30)
    )
    post_chatwoot(client, chatwoot, resolved)
    first = _ours(chatwoot)
    assert first.ended_at is not None
    close = AuditEntry.objects.get(action="conversation.close")
    assert close.after["way"] == "api"

    reopened = samples.chatwoot_conversation(
        "conversation_status_changed", status="open", at=_at(5), created=_at(30)
    )
    response = post_chatwoot(client, chatwoot, reopened)

    assert "reopened" in response.json()["detail"]
    second = _ours(chatwoot, sequence=2)
    assert second.ended_at is None
    assert second.visitor == first.visitor
    assert second.started_at > first.ended_at - timedelta(seconds=1)


def test_a_late_older_state_does_not_reopen_a_resolved_conversation(client, chatwoot):
    post_chatwoot(client, chatwoot, _created())
    post_chatwoot(
        client,
        chatwoot,
        samples.chatwoot_conversation(
            "conversation_status_changed", status="resolved", at=_at(10), created=_at(30)
        ),
    )
    late = samples.chatwoot_conversation(
        "conversation_updated", status="open", at=_at(20), created=_at(30)
    )

    response = post_chatwoot(client, chatwoot, late)

    assert "stale" in response.json()["detail"]
    assert Conversation.objects.count() == 1


def test_messages_build_the_transcript_without_private_notes_or_activity(client, chatwoot):
    conv = _created()
    post_chatwoot(client, chatwoot, conv)
    sent = [
        samples.chatwoot_message(
            content="Hi, my order?", at=_at(29), conversation=conv, message_id=1
        ),
        samples.chatwoot_message(
            content="Let me check.",
            message_type="outgoing",
            at=_at(28),
            conversation=conv,
            message_id=2,
        ),
        samples.chatwoot_message(
            content="VIP, be kind",
            message_type="outgoing",
            private=True,
            at=_at(27),
            conversation=conv,
            message_id=3,
        ),
        samples.chatwoot_message(
            content="Conversation was assigned",
            message_type="activity",
            at=_at(26),
            conversation=conv,
            message_id=4,
        ),
    ]
    answers = [post_chatwoot(client, chatwoot, message).json() for message in sent]

    transcript = list(Message.objects.values_list("sent_by", "text"))
    assert transcript == [("consumer", "Hi, my order?"), ("agent", "Let me check.")]
    assert "private note" in answers[2]["detail"]
    assert "activity" in answers[3]["detail"]


def test_an_agent_message_maps_the_agent_by_email(client, chatwoot, ana):
    conv = _created()
    post_chatwoot(client, chatwoot, conv)
    reply = samples.chatwoot_message(
        content="Hello!", message_type="outgoing", at=_at(25), conversation=conv
    )

    post_chatwoot(client, chatwoot, reply)

    ref = ExternalRef.objects.get(account=chatwoot, kind=RefKind.AGENT, external_id="12")
    assert ref.agent == ana
    assert ref.email == "ana@example.com"
    assert AuditEntry.objects.filter(action="platforms.agent_map").exists()
    assert _ours(chatwoot).agent == ana  # the same delivery already used the mapping


def test_a_message_before_its_conversation_creates_it_and_nothing_twice(client, chatwoot):
    conv = _created()
    message = samples.chatwoot_message(content="Anyone there?", at=_at(29), conversation=conv)

    first = post_chatwoot(client, chatwoot, message)
    later = post_chatwoot(client, chatwoot, conv)

    assert first.status_code == later.status_code == 200
    assert Conversation.objects.count() == 1
    assert Message.objects.get().text == "Anyone there?"


def test_a_repeated_delivery_is_answered_without_acting_twice(client, chatwoot):
    conv = _created()
    message = samples.chatwoot_message(content="Hello", at=_at(29), conversation=conv)

    first = post_chatwoot(client, chatwoot, message, delivery="d-1")
    again = post_chatwoot(client, chatwoot, message, delivery="d-1")

    assert first.json()["duplicate"] is False
    assert again.json()["duplicate"] is True
    assert again.json()["outcome"] == "applied"
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"secret": "not-the-secret"},
        {"timestamp": 1},
        {"timestamp": int(timezone.now().timestamp()) + 3600},
    ],
    ids=["bad signature", "stale timestamp", "future timestamp"],
)
def test_bad_signatures_and_stale_timestamps_are_refused_and_nothing_is_stored(
    client, chatwoot, change
):
    response = post_chatwoot(client, chatwoot, _created(), **change)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] in ("bad_signature", "stale")
    assert not Conversation.objects.exists()
    assert not Delivery.objects.exists()


def test_unsigned_deliveries_are_refused(client, chatwoot):
    url = reverse("platforms:chatwoot-receive", args=[chatwoot.slug])

    response = client.post(url, samples.dumps(_created()), content_type="application/json")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unsigned"
    assert not Conversation.objects.exists()


def test_malformed_json_is_a_400_with_a_reason(client, chatwoot):
    body = b'{"event": "conversation_created", "id": 42,'
    stamp = int(timezone.now().timestamp())
    headers = samples.chatwoot_headers(body, CHATWOOT_SECRET, timestamp=stamp)
    url = reverse("platforms:chatwoot-receive", args=[chatwoot.slug])

    response = client.post(url, body, content_type="application/json", **headers)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_json"
    assert not Delivery.objects.exists()


def test_a_payload_without_an_id_is_refused_and_kept_for_a_retry(client, chatwoot):
    broken = _created()
    del broken["id"]

    refused = post_chatwoot(client, chatwoot, broken, delivery="d-9")
    retried = post_chatwoot(client, chatwoot, _created(), delivery="d-9")

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "id"
    assert retried.status_code == 200
    assert retried.json()["duplicate"] is False
    assert Delivery.objects.get().outcome == Delivery.Outcome.APPLIED
    assert Conversation.objects.count() == 1


def test_other_events_are_acknowledged_and_logged(client, chatwoot):
    response = post_chatwoot(client, chatwoot, {"event": "contact_created", "id": 5})

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert Delivery.objects.get().outcome == Delivery.Outcome.IGNORED


def test_two_chatwoot_accounts_never_collide(client, chatwoot, admin):
    other, _token = platform_account_create(
        actor=admin,
        platform=Platform.CHATWOOT,
        name="Other",
        account_ref="2",
        auth=ReceiverAuth.SIGNATURE,
        secret=CHATWOOT_SECRET,
        now=timezone.now(),
    )
    anonymous_contact = {**samples.CONTACT, "identifier": None}

    post_chatwoot(client, chatwoot, _created(contact=anonymous_contact))
    post_chatwoot(client, other, _created(contact=anonymous_contact))

    assert _ours(chatwoot) != _ours(other)
    assert set(Visitor.objects.values_list("external_id", flat=True)) == {
        f"{chatwoot.namespace}:contact:501",
        f"{other.namespace}:contact:501",
    }


def test_secret_path_receiver_for_versions_that_do_not_sign(client, admin):
    account, token = platform_account_create(
        actor=admin,
        platform=Platform.CHATWOOT,
        name="Old Chatwoot",
        account_ref="7",
        auth=ReceiverAuth.SECRET_PATH,
        now=timezone.now(),
    )
    body = samples.dumps(_created())
    secret_url = reverse("platforms:chatwoot-receive-secret", args=[account.slug, token])
    wrong_url = reverse("platforms:chatwoot-receive-secret", args=[account.slug, "x" * 43])
    plain_url = reverse("platforms:chatwoot-receive", args=[account.slug])

    assert client.post(wrong_url, body, content_type="application/json").status_code == 404
    assert client.post(plain_url, body, content_type="application/json").status_code == 404
    accepted = client.post(secret_url, body, content_type="application/json")
    again = client.post(secret_url, body, content_type="application/json")

    assert accepted.status_code == 200
    assert again.json()["duplicate"] is True
    assert Conversation.objects.count() == 1
    assert len(token) >= 40


def test_unknown_receivers_gets_and_oversized_bodies(client, chatwoot, settings):
    unknown = reverse("platforms:chatwoot-receive", args=["0" * 16])
    assert client.post(unknown, b"{}", content_type="application/json").status_code == 404
    url = reverse("platforms:chatwoot-receive", args=[chatwoot.slug])
    assert client.get(url).status_code == 405
    settings.API_MAX_BODY_BYTES = 100
    payload = _created()
    assert post_chatwoot(client, chatwoot, payload).status_code == 413
