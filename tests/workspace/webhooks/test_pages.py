"""The webhook pages: admins only, secrets shown once, bad URLs refused beside the field, every
change audited, lists in a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AuditEntry
from tests.factories import ConversationFactory
from tests.workspace.webhooks.conftest import make_endpoint
from workspace.webhooks.models import Delivery, DeliveryAttempt, Endpoint, OutboxMessage
from workspace.webhooks.signing import secret_generate

pytestmark = pytest.mark.django_db

VALID = {
    "url": "http://127.0.0.1:9/hooks",
    "description": "CRM",
    "event_types": ["outcome.reported"],
}


@pytest.fixture
def hook(db):
    return make_endpoint("http://127.0.0.1:9/hooks", secret=secret_generate())


def pages(hook, delivery_pk=0):
    return {
        "get": [
            reverse("webhooks:endpoint-list"),
            reverse("webhooks:endpoint-create"),
            reverse("webhooks:endpoint-detail", args=[hook.pk]),
        ],
        "post": [
            reverse("webhooks:endpoint-create"),
            reverse("webhooks:endpoint-update", args=[hook.pk]),
            reverse("webhooks:endpoint-rotate", args=[hook.pk]),
            reverse("webhooks:delivery-replay", args=[hook.pk, delivery_pk]),
        ],
    }


def _delivery(hook, *, state="delivered", n=1):
    made = []
    for _ in range(n):
        conversation = ConversationFactory()
        message = OutboxMessage.objects.create(
            event_type="conversation.closed", created_at=timezone.now(),
            conversation=conversation, visitor_id=conversation.visitor_id, payload={"type": "x"},
        )  # fmt: skip
        delivery = Delivery.objects.create(
            message=message, endpoint=hook, state=state, next_attempt_at=timezone.now()
        )
        DeliveryAttempt.objects.create(
            delivery=delivery, endpoint=hook, attempted_at=timezone.now(), status_code=204,
            response_ms=51,
        )  # fmt: skip
        made.append(delivery)
    return made


def test_admin_sees_every_page(admin_client, hook):
    _delivery(hook)
    for url in pages(hook)["get"]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "Outgoing webhooks" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["campaign_manager_client", "agent_manager_client", "agent_client"]
)
def test_other_roles_are_refused_everywhere(request, persona, hook):
    client = request.getfixturevalue(persona)
    (delivery,) = _delivery(hook)
    urls = pages(hook, delivery.pk)
    for url in urls["get"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, VALID).status_code == 403, url
    assert Endpoint.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="webhook.").exists()


def test_anonymous_goes_to_login(hook):
    client = Client()
    urls = pages(hook)
    for url in [*urls["get"], *urls["post"]]:
        response = client.post(url) if url in urls["post"] else client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_unknown_endpoints_and_deliveries_are_not_found(admin_client, hook):
    other = make_endpoint("http://127.0.0.1:9/other", secret=secret_generate())
    (delivery,) = _delivery(other)
    assert admin_client.get(reverse("webhooks:endpoint-detail", args=[999])).status_code == 404
    replay = reverse("webhooks:delivery-replay", args=[hook.pk, delivery.pk])
    assert admin_client.post(replay).status_code == 404


def test_adding_an_endpoint_shows_its_secret_once_and_audits_without_it(admin_client, admin):
    response = admin_client.post(reverse("webhooks:endpoint-create"), VALID)
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in page
    assert endpoint.secret not in admin_client.get(response["Location"]).content.decode()
    entry = AuditEntry.objects.get(action="webhook.create")
    assert entry.actor == admin
    assert endpoint.secret not in str(entry.after)
    raw = Endpoint.objects.values_list("secret", flat=True).query
    with connection.cursor() as cursor:
        cursor.execute(*raw.sql_with_params())
        assert cursor.fetchone()[0] != endpoint.secret  # encrypted at rest


@override_settings(WEBHOOKS_ALLOW_LOOPBACK=False)
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/hooks", "public internet"),
        ("https://10.0.0.1/hooks", "public internet"),
        ("not a url", "Enter a valid URL"),
    ],
)
def test_bad_urls_are_refused_beside_the_field(admin_client, url, message):
    response = admin_client.post(reverse("webhooks:endpoint-create"), {**VALID, "url": url})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Endpoint.objects.count() == 0


def test_no_event_type_is_refused(admin_client):
    body = {**VALID, "event_types": []}
    response = admin_client.post(reverse("webhooks:endpoint-create"), body)
    assert response.status_code == 422
    assert "Choose at least one event." in response.content.decode()


def test_switching_off_and_on_is_audited_and_resumes_pending_deliveries(admin_client, hook):
    (delivery,) = _delivery(hook, state="pending")
    later = timezone.now() + timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=later)
    url = reverse("webhooks:endpoint-update", args=[hook.pk])
    admin_client.post(url, {**VALID, "enabled": ""})
    hook.refresh_from_db()
    assert (hook.enabled, hook.disabled_reason) == (False, "admin")
    admin_client.post(url, {**VALID, "enabled": "on"})
    hook.refresh_from_db()
    assert hook.enabled is True
    assert hook.disabled_reason == ""
    actions = AuditEntry.objects.filter(action="webhook.update").values_list("after", flat=True)
    assert [after["enabled"] for after in actions.order_by("pk")] == [False, True]
    assert Delivery.objects.get().next_attempt_at < later  # due again at once


def test_a_new_secret_is_shown_once_and_replaces_the_old(admin_client, hook):
    old = hook.secret
    response = admin_client.post(reverse("webhooks:endpoint-rotate", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.secret != old
    assert hook.secret in admin_client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="webhook.rotate_secret").count() == 1


def test_the_banner_names_an_endpoint_switched_off_for_failures(admin_client, hook):
    Endpoint.objects.filter(pk=hook.pk).update(
        enabled=False, disabled_reason="failing", disabled_at=timezone.now()
    )
    for url in (
        reverse("webhooks:endpoint-list"),
        reverse("webhooks:endpoint-detail", args=[hook.pk]),
    ):
        html = admin_client.get(url).content.decode()
        assert "Endpoint switched off" in html


def test_the_log_fragment_answers_htmx_alone(admin_client, hook, htmx_headers):
    _delivery(hook)
    url = reverse("webhooks:endpoint-detail", args=[hook.pk])
    html = admin_client.get(url, headers=htmx_headers).content.decode()
    assert "<html" not in html
    assert 'id="delivery-log"' in html
    assert "51 ms" in html


def _count(client, url) -> int:
    client.get(url)  # the first request of a session reads what later ones remember
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_list_and_log_take_the_same_queries_for_more_rows(
    admin_client, hook, django_assert_num_queries
):
    _delivery(hook)
    list_url = reverse("webhooks:endpoint-list")
    detail_url = reverse("webhooks:endpoint-detail", args=[hook.pk])
    few_list, few_detail = _count(admin_client, list_url), _count(admin_client, detail_url)
    for n in range(5):
        make_endpoint(f"http://127.0.0.1:9/more-{n}", secret=secret_generate())
    _delivery(hook, n=5)
    _delivery(hook, state="pending", n=5)
    with django_assert_num_queries(few_list):
        admin_client.get(list_url)
    with django_assert_num_queries(few_detail):
        admin_client.get(detail_url)
