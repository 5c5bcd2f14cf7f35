# ruff: noqa: F811 - fixtures imported from the platform tests are named as parameters
"""A feed connected after a desktop panel made provisional conversations takes them over: the
first Chatwoot delivery about one adopts it (its outcome stays, the feed's assignment replaces
the panel's, not a transfer) instead of making a second conversation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import AuditEntry
from tests.workspace.platforms import samples

# The platform tests' fixtures (a Chatwoot account, its agent ana), used here as fixtures.
from tests.workspace.platforms.conftest import ana, chatwoot, post_chatwoot  # noqa: F401
from workspace.embed.models import Desktop, PanelConversation
from workspace.embed.services import DesktopContext, panel_conversation_resolve
from workspace.models import Conversation, EngagementAttributeEvent, Segment
from workspace.platforms.models import ExternalRef, RefKind
from workspace.services.outcomes import outcome_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def provisional(agent, sales_skill, purchase_config):
    """Chatwoot account 1's conversation 42 seen in the panel before any feed: made here, with
    ``agent`` assigned, and a purchase reported on it."""
    context = DesktopContext(Desktop.CHATWOOT, "1", "42", contact_ref="501")
    conversation = panel_conversation_resolve(
        user=agent, context=context, now=timezone.now()
    ).conversation
    outcome_submit(
        conversation=conversation,
        attribute_type="purchase",
        values={"total": Decimal("30.00"), "orderId": "CW-42"},
        currency="EUR",
        actor=agent,
        token=None,
        now=timezone.now(),
    )
    return conversation


def test_the_feeds_first_delivery_adopts_the_panels_conversation(
    client, provisional, chatwoot, ana, agent, sales_skill
):
    started = timezone.now() - timedelta(minutes=30)
    ExternalRef.objects.create(  # the admin mapped Chatwoot's agent 12 to ana beforehand
        account=chatwoot,
        kind=RefKind.AGENT,
        external_id="12",
        agent=ana,
        first_seen_at=started,
        last_seen_at=started,
    )
    payload = samples.chatwoot_conversation("conversation_created", at=started)
    response = post_chatwoot(client, chatwoot, payload)

    assert response.status_code == 200, response.content
    assert Conversation.objects.count() == 1  # adopted, not a second one
    adopted = Conversation.objects.get()
    assert adopted.pk == provisional.pk
    assert adopted.external_id == f"{chatwoot.namespace}:42"
    assert adopted.visitor.external_id == "web-visitor-8812"  # the feed's visitor
    assert adopted.started_at == started.replace(microsecond=0)
    # The feed's assignment replaces the panel's: one segment, ana's, no transfer.
    assert list(Segment.objects.values_list("agent__username", "end_reason")) == [("ana", "")]
    assert adopted.agent == ana
    event = EngagementAttributeEvent.objects.get()
    assert (event.conversation_id, event.visitor_id) == (adopted.pk, adopted.visitor_id)
    assert not PanelConversation.objects.exists()
    assert AuditEntry.objects.filter(action="embed.conversation_adopt").count() == 1
    assert not AuditEntry.objects.filter(action="conversation.transfer").exists()
    # The panel now finds it through the feed's ids.
    found = panel_conversation_resolve(
        user=ana, context=DesktopContext(Desktop.CHATWOOT, "1", "42"), now=timezone.now()
    )
    assert (found.conversation.pk, found.provisional) == (adopted.pk, False)


def test_another_conversation_of_the_feed_is_not_adopted(client, provisional, chatwoot):
    payload = samples.chatwoot_conversation(
        "conversation_created", conversation_id=43, at=timezone.now() - timedelta(minutes=5)
    )
    assert post_chatwoot(client, chatwoot, payload).status_code == 200
    assert Conversation.objects.count() == 2
    assert PanelConversation.objects.get().conversation_id == provisional.pk
