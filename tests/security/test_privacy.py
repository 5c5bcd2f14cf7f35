"""Personal data: card numbers masked before they are stored, erasure of one visitor on
request (service, command, admin page), and the retention purge."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from uuid import uuid4

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from campaigns.models import AuditEntry, QuestionKind
from campaigns.services.audit import audit_record
from tests.factories import ConversationFactory, MessageFactory, VisitorFactory
from tests.workspace.factories import CustomerEventFactory, agent_survey
from workspace.models import (
    Conversation,
    EngagementAttributeEvent,
    EventRevision,
    Message,
    SurveyAnswer,
    SurveyResponse,
    Visitor,
)
from workspace.services.conversations import messages_append
from workspace.services.privacy import (
    card_numbers_mask,
    retention_cutoff,
    retention_purge,
    visitor_erase,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("card 4111 1111 1111 1111 exp 12/27", "card **** **** **** 1111 exp 12/27"),
        ("4111-1111-1111-1111", "****-****-****-1111"),
        ("4111111111111111", "************1111"),
        ("amex 378282246310005.", "amex ***********0005."),
        ("4111111111111111 12", "************1111 12"),  # digits after the card stay
        (
            "two: 5500 0000 0000 0004, 4012888888881881",
            "two: **** **** **** 0004, ************1881",
        ),
        ("4111111111111112", "4111111111111112"),  # fails Luhn: an order number, not a card
        ("order 1234567890123", "order 1234567890123"),
        ("call 0044 20 7946 0958", "call 0044 20 7946 0958"),
        ("41111111111111111111111", "41111111111111111111111"),  # 23 digits: no card
        ("", ""),
    ],
)
def test_card_numbers_are_masked(text, masked):
    assert card_numbers_mask(text) == masked
    assert len(card_numbers_mask(text)) == len(text)


def test_messages_are_masked_before_they_are_stored(agent):
    conversation = ConversationFactory(agent=agent)
    added = messages_append(
        conversation=conversation,
        messages=[("consumer", "my card is 4111 1111 1111 1111", NOW)],
    )
    assert added == 1
    assert Message.objects.get().text == "my card is **** **** **** 1111"
    # The platform resends the same transcript: still one message.
    messages_append(
        conversation=conversation, messages=[("consumer", "my card is 4111 1111 1111 1111", NOW)]
    )
    assert Message.objects.count() == 1


def test_the_conversations_feed_masks_card_numbers(agent, sales_skill):
    from tests.workspace.api.helpers import new_key

    key = new_key()
    body = {
        "conversationId": "feed-card",
        "visitorId": "v-card",
        "messages": [
            {"sentBy": "consumer", "text": "4012-8888-8888-1881", "time": "2026-01-01T10:00:00Z"}
        ],
    }
    response = Client().post(
        reverse("api:conversations"),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content
    assert Message.objects.get().text == "****-****-****-1881"
    assert "4012-8888" not in json.dumps(list(Message.objects.values()), default=str)


def test_free_text_survey_answers_are_masked(agent_client, agent, sales_skill):
    survey = agent_survey(
        skills=[sales_skill], questions=[("Notes", QuestionKind.FREE_TEXT, False, [])]
    )
    conversation = ConversationFactory(agent=agent, skill=sales_skill)
    question = survey.questions.get()
    response = agent_client.post(
        reverse("workspace:survey-submit", args=[conversation.pk]),
        {f"survey-q{question.pk}": "paid with 5500 0000 0000 0004", "survey-token": uuid4()},
    )
    assert response.status_code == 302
    assert SurveyAnswer.objects.get().value_text == "paid with **** **** **** 0004"


# Erasure -----------------------------------------------------------------------------------


@pytest.fixture
def two_visitors(agent, sales_skill):
    """A visitor to erase, with a conversation, transcript, outcome, survey answer and an event
    left on the visitor; and another visitor whose data must stay."""
    from tests.workspace.factories import attribute_config
    from workspace.services.outcomes import outcome_submit
    from workspace.services.surveys import survey_submit

    attribute_config("purchase", skills=[sales_skill])
    survey = agent_survey(
        skills=[sales_skill], questions=[("Notes", QuestionKind.FREE_TEXT, False, [])]
    )
    kept, erased = VisitorFactory(external_id="keep-me"), VisitorFactory(external_id="erase-me")
    for visitor in (kept, erased):
        conversation = ConversationFactory(visitor=visitor, agent=agent, skill=sales_skill)
        MessageFactory(conversation=conversation, text=f"hello from {visitor}")
        outcome_submit(
            conversation=conversation,
            attribute_type="purchase",
            values={"total": Decimal(5), "orderId": f"O-{visitor}"},
            currency="USD",
            actor=agent,
            token=None,
            now=conversation.started_at + timedelta(minutes=1),
        )
        survey_submit(
            conversation=conversation,
            answers={survey.questions.get().pk: f"notes on {visitor}"},
            actor=agent,
            token=None,
            now=conversation.started_at + timedelta(minutes=2),
        )
        CustomerEventFactory(conversation=None, visitor=visitor)
        audit_record(
            actor=None,
            action="conversation.create",
            obj=conversation,
            after={"source": "api", "visitor": visitor.external_id},
        )
    return kept, erased


def _data_of(external_id: str) -> dict[str, int]:
    return {
        "visitors": Visitor.objects.filter(external_id=external_id).count(),
        "conversations": Conversation.objects.filter(visitor__external_id=external_id).count(),
        "messages": Message.objects.filter(conversation__visitor__external_id=external_id).count(),
        "events": EngagementAttributeEvent.objects.filter(visitor__external_id=external_id).count(),
        "responses": SurveyResponse.objects.filter(
            conversation__visitor__external_id=external_id
        ).count(),
    }


def test_erasure_deletes_one_visitors_data_and_keeps_the_rest(two_visitors, admin):
    _kept, erased = two_visitors
    kept_before = _data_of("keep-me")
    result = visitor_erase(visitor=erased, actor=admin, now=NOW)
    assert result.as_dict() == {
        "conversations": 1,
        "messages": 1,
        "events": 2,
        "survey_responses": 1,
        "api_replays": 0,
    }
    assert set(_data_of("erase-me").values()) == {0}
    assert _data_of("keep-me") == kept_before
    assert not EventRevision.objects.filter(event__visitor__external_id="erase-me").exists()
    assert not SurveyAnswer.objects.filter(value_text__contains="erase-me").exists()


def test_erasure_is_audited_without_the_erased_data(two_visitors, admin):
    _kept, erased = two_visitors
    visitor_erase(visitor=erased, actor=admin, now=NOW)
    entry = AuditEntry.objects.get(action="visitor.erase")
    assert (entry.actor, entry.at) == (admin, NOW)
    assert entry.after["conversations"] == 1
    everything = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "erase-me" not in everything  # nor in earlier entries, whose visitor ID is replaced
    assert "keep-me" in everything


def test_visitor_erase_command(two_visitors):
    out = StringIO()
    call_command("visitor_erase", "erase-me", "--dry-run", stdout=out)
    assert "Would erase: 1 conversations" in out.getvalue()
    assert _data_of("erase-me")["conversations"] == 1
    call_command("visitor_erase", "erase-me", stdout=out)
    assert set(_data_of("erase-me").values()) == {0}
    with pytest.raises(CommandError, match="No visitor"):
        call_command("visitor_erase", "erase-me")


def test_admin_erases_a_visitor_on_the_people_page(two_visitors, admin_client):
    url = reverse("workspace:visitor-erase")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="visitor_id"' in page.content.decode()
    unconfirmed = admin_client.post(url, {"visitor_id": "erase-me"})
    assert unconfirmed.status_code == 422
    unknown = admin_client.post(url, {"visitor_id": "nobody", "confirm": "on"})
    assert unknown.status_code == 422
    assert "No visitor with that ID." in unknown.content.decode()
    assert _data_of("erase-me")["conversations"] == 1
    done = admin_client.post(url, {"visitor_id": "erase-me", "confirm": "on"}, follow=True)
    assert "Erased the visitor" in done.content.decode()
    assert set(_data_of("erase-me").values()) == {0}
    assert AuditEntry.objects.get(action="visitor.erase").actor.username == "admin"


def test_only_admins_may_erase(two_visitors, agent_manager_client, campaign_manager_client):
    for client in (agent_manager_client, campaign_manager_client):
        response = client.post(
            reverse("workspace:visitor-erase"), {"visitor_id": "erase-me", "confirm": "on"}
        )
        assert response.status_code == 403
    assert _data_of("erase-me")["conversations"] == 1


# Retention ---------------------------------------------------------------------------------


@pytest.fixture
def aged_data(agent):
    """Events and messages 25 months old and 1 month old."""
    old_conversation = ConversationFactory(agent=agent, started_at=NOW - timedelta(days=800))
    new_conversation = ConversationFactory(agent=agent, started_at=NOW - timedelta(days=30))
    for conversation in (old_conversation, new_conversation):
        MessageFactory(conversation=conversation, sent_at=conversation.started_at)
        CustomerEventFactory(
            conversation=conversation,
            occurred_at=conversation.started_at,
            received_at=conversation.started_at,
        )
    return old_conversation, new_conversation


def test_retention_cutoff_counts_calendar_months():
    assert retention_cutoff(months=1, now=datetime(2026, 3, 31, tzinfo=UTC)) == datetime(
        2026, 2, 28, tzinfo=UTC
    )
    assert retention_cutoff(months=24, now=NOW) == datetime(2024, 3, 2, 12, tzinfo=UTC)


def test_retention_purge_deletes_only_what_is_older(aged_data):
    _old, new = aged_data
    dry = retention_purge(months=24, now=NOW, dry_run=True)
    assert (dry.events, dry.messages) == (1, 1)
    assert Message.objects.count() == 2
    assert not AuditEntry.objects.filter(action="retention.purge").exists()
    result = retention_purge(months=24, now=NOW)
    assert (result.events, result.messages) == (1, 1)
    assert list(Message.objects.values_list("conversation", flat=True)) == [new.pk]
    assert list(EngagementAttributeEvent.objects.values_list("conversation", flat=True)) == [new.pk]
    entry = AuditEntry.objects.get(action="retention.purge")
    assert entry.after["events"] == 1
    assert entry.after["months"] == 24


def test_retention_command_uses_the_setting(aged_data, settings):
    out = StringIO()
    settings.DATA_RETENTION_MONTHS = 0
    call_command("retention_purge", stdout=out)
    assert "Retention is off" in out.getvalue()
    assert Message.objects.count() == 2
    settings.DATA_RETENTION_MONTHS = 24
    call_command("retention_purge", "--dry-run", stdout=out)
    assert "Would delete 1 events and 1 messages" in out.getvalue()
    assert Message.objects.count() == 2
    call_command("retention_purge", stdout=out)
    assert Message.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("retention_purge", "--months", "-1")


def test_retention_setting_comes_from_the_environment():
    import subprocess
    import sys

    from tests.security.conftest import ROOT

    script = "import django; django.setup(); from django.conf import settings; " + (
        "print(settings.DATA_RETENTION_MONTHS)"
    )
    env = {"PATH": "/usr/bin:/bin", "OUTCOMES_TESTING": "1", "DATA_RETENTION_MONTHS": "7"}
    env["DJANGO_SETTINGS_MODULE"] = "outcomes_site.settings"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "7"


def test_erasure_removes_stored_api_replies_that_name_the_visitor(two_visitors, admin):
    from tests.workspace.api.helpers import new_key
    from workspace.models import ApiIdempotencyRecord

    key = new_key()
    for visitor in ("erase-me", "keep-me"):
        body = {"visitorId": visitor, "engagementAttributes": [{"type": "lead"}]}
        response = Client().post(
            reverse("api:engagement-attributes"),
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"k-{visitor}"},
        )
        assert response.status_code in (200, 201), response.content
    result = visitor_erase(
        visitor=Visitor.objects.get(external_id="erase-me"), actor=admin, now=NOW
    )
    assert result.api_replays == 1
    assert list(ApiIdempotencyRecord.objects.values_list("key", flat=True)) == ["k-keep-me"]
