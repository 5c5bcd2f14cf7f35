"""Outgoing webhooks, clicked as an admin would: add an endpoint for a CRM, copy its secret,
watch a signed event arrive in the delivery log, replay it."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ConversationFactory
from tests.workspace.webhooks.receiver import Receiver
from workspace.services.conversations import CloseWay, conversation_close


def test_admin_adds_an_endpoint_and_replays_a_delivery(demo, page, login, shot, live_server):
    receiver = Receiver().start()
    try:
        login("admin")
        page.goto(f"{live_server.url}/campaign-builder/data-sources/platforms/")
        page.get_by_role("link", name="Outgoing webhooks").click()
        expect(page.get_by_role("link", name="https://crm.example.com/hooks")).to_be_visible()
        shot("webhooks-01-list")

        page.get_by_role("link", name="Add endpoint").click()
        page.get_by_label("Endpoint URL").fill(receiver.url)
        page.get_by_label("Description").fill("Our CRM")
        page.get_by_label("Conversation closed").check()
        page.get_by_role("button", name="Add endpoint").click()
        secret = page.get_by_label("Signing secret").input_value()
        assert secret.startswith("whsec_")
        shot("webhooks-02-secret-once")
        receiver.secret = secret

        conversation = ConversationFactory()
        conversation_close(
            conversation=conversation, actor=None, at=timezone.now(), way=CloseWay.API
        )
        page.reload()
        assert secret not in page.content()
        log = page.locator("#delivery-log")
        expect(log.get_by_text("conversation.closed")).to_be_visible()
        # Exact: the delivery's random message id may contain "204" too.
        expect(log.get_by_text("204", exact=True)).to_be_visible()
        log.get_by_role("button", name="Replay").first.click()
        expect(page.locator("#delivery-log").get_by_text("Replay").first).to_be_visible()
        shot("webhooks-03-log")
        ids = receiver.ids()
        assert len(ids) == 2
        assert ids[0] == ids[1]
        assert receiver.refused == []
    finally:
        receiver.stop()
