"""The Platforms tab: admins only, every change audited, secrets never shown again."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AuditEntry
from tests.workspace.platforms import samples
from tests.workspace.platforms.conftest import CHATWOOT_SECRET, post_chatwoot
from workspace.platforms.models import ExternalRef, PlatformAccount, RefKind

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["campaign_manager_client", "agent_manager_client", "agent_client"]
CHATWOOT_FORM = {
    "platform": "chatwoot",
    "name": "Acme support",
    "account_ref": "3",
    "auth": "signature",
    "secret": "pasted-secret-value-123",
}


def _pages(account):
    ref = ExternalRef.objects.create(
        account=account,
        kind=RefKind.AGENT,
        external_id="12",
        label="Ana Silva",
        first_seen_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    return [
        ("get", reverse("platforms:platform-list")),
        ("get", reverse("platforms:platform-detail", args=[account.pk])),
        ("post", reverse("platforms:platform-create")),
        ("post", reverse("platforms:platform-secret", args=[account.pk])),
        ("post", reverse("platforms:platform-remove", args=[account.pk])),
        ("post", reverse("platforms:mapping-save", args=[account.pk, ref.pk])),
    ]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_every_page(request, role, chatwoot):
    client = request.getfixturevalue(role)
    for method, url in _pages(chatwoot):
        assert getattr(client, method)(url).status_code == 403, url
    assert PlatformAccount.objects.get(pk=chatwoot.pk).is_active


def test_anonymous_people_are_sent_to_sign_in(client, chatwoot):
    for method, url in _pages(chatwoot):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_admin_sees_the_tab_and_campaign_managers_do_not(admin_client, campaign_manager_client):
    tab = reverse("platforms:platform-list").encode()
    assert tab in admin_client.get(reverse("campaigns:data-sources")).content
    assert tab in admin_client.get(reverse("campaigns:data-sources-catalogue")).content
    assert tab not in campaign_manager_client.get(reverse("campaigns:data-sources")).content


def test_admin_adds_a_chatwoot_account_audited_and_the_secret_never_comes_back(admin_client):
    response = admin_client.post(reverse("platforms:platform-create"), CHATWOOT_FORM)

    account = PlatformAccount.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("platforms:platform-detail", args=[account.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert reverse("platforms:chatwoot-receive", args=[account.slug]) in page
    assert CHATWOOT_FORM["secret"] not in page
    assert account.signing_secret == CHATWOOT_FORM["secret"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT signing_secret FROM platforms_platformaccount")
        stored = cursor.fetchone()[0]
    assert CHATWOOT_FORM["secret"] not in stored  # encrypted at rest
    entry = AuditEntry.objects.get(action="platforms.account_create")
    assert entry.after["secret_set"] is True
    assert CHATWOOT_FORM["secret"] not in str(entry.after)


def test_a_secret_receiver_url_is_shown_once(admin_client):
    form = {**CHATWOOT_FORM, "auth": "secret_path", "secret": ""}
    response = admin_client.post(reverse("platforms:platform-create"), form)
    account = PlatformAccount.objects.get()
    secret_url = reverse(
        "platforms:chatwoot-receive-secret", args=[account.slug, account.path_token]
    )

    first = admin_client.get(response["Location"]).content.decode()
    second = admin_client.get(response["Location"]).content.decode()

    assert secret_url in first
    assert account.path_token not in second


def test_bad_input_shows_errors_and_saves_nothing(admin_client, chatwoot):
    duplicate = {**CHATWOOT_FORM, "account_ref": chatwoot.account_ref}
    response = admin_client.post(reverse("platforms:platform-create"), duplicate)
    lp_unsigned = {**CHATWOOT_FORM, "platform": "liveperson", "auth": "secret_path"}
    response2 = admin_client.post(reverse("platforms:platform-create"), lp_unsigned)
    blank_secret = admin_client.post(reverse("platforms:platform-secret", args=[chatwoot.pk]), {})

    assert response.status_code == 422
    assert "This account is already connected." in response.content.decode()
    assert response2.status_code == 422
    assert blank_secret.status_code == 422
    assert PlatformAccount.objects.count() == 1


def test_secret_replacement_and_removal_are_audited(admin_client, chatwoot, client):
    admin_client.post(
        reverse("platforms:platform-secret", args=[chatwoot.pk]), {"secret": "new-one"}
    )
    chatwoot.refresh_from_db()
    assert chatwoot.signing_secret == "new-one"

    admin_client.post(reverse("platforms:platform-remove", args=[chatwoot.pk]))

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"platforms.secret_set", "platforms.account_remove"} <= actions
    delivery = post_chatwoot(client, chatwoot, {"event": "x"}, secret="new-one")
    assert delivery.status_code == 404  # a removed account's receiver is gone
    assert (
        admin_client.get(reverse("platforms:platform-detail", args=[chatwoot.pk])).status_code
        == 404
    )


def test_admin_maps_an_agent_and_an_inbox(admin_client, chatwoot, agent, sales_skill):
    now = timezone.now()
    person = ExternalRef.objects.create(
        account=chatwoot, kind=RefKind.AGENT, external_id="12", first_seen_at=now, last_seen_at=now
    )
    inbox = ExternalRef.objects.create(
        account=chatwoot, kind=RefKind.INBOX, external_id="1", first_seen_at=now, last_seen_at=now
    )

    mapped = admin_client.post(
        reverse("platforms:mapping-save", args=[chatwoot.pk, person.pk]), {"agent": agent.pk}
    )
    admin_client.post(
        reverse("platforms:mapping-save", args=[chatwoot.pk, inbox.pk]), {"skill": sales_skill.pk}
    )
    invalid = admin_client.post(
        reverse("platforms:mapping-save", args=[chatwoot.pk, inbox.pk]), {"skill": "999999"}
    )

    assert mapped.status_code == 302
    person.refresh_from_db()
    inbox.refresh_from_db()
    assert (person.agent, inbox.skill) == (agent, sales_skill)
    assert invalid.status_code == 422
    assert AuditEntry.objects.filter(action="platforms.mapping_save").count() == 2
    assert not ExternalRef.objects.needing_mapping().exists()


def test_a_ref_of_another_account_is_404(admin_client, chatwoot, liveperson):
    now = timezone.now()
    ref = ExternalRef.objects.create(
        account=liveperson, kind=RefKind.AGENT, external_id="1", first_seen_at=now, last_seen_at=now
    )

    response = admin_client.post(reverse("platforms:mapping-save", args=[chatwoot.pk, ref.pk]), {})

    assert response.status_code == 404


def _refs(account, count, start=0):
    now = timezone.now()
    ExternalRef.objects.bulk_create(
        ExternalRef(
            account=account,
            kind=kind,
            external_id=str(start + i),
            first_seen_at=now,
            last_seen_at=now,
        )
        for i in range(count)
        for kind in (RefKind.AGENT, RefKind.INBOX)
    )


def _queries(client, url) -> int:
    """Queries of one GET of ``url``, after a first one that settles the session."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_queries_do_not_grow_with_accounts(admin_client, chatwoot, django_assert_num_queries):
    url = reverse("platforms:platform-list")
    baseline = _queries(admin_client, url)
    for n in range(5):
        PlatformAccount.objects.create(
            platform="chatwoot",
            name=f"C{n}",
            account_ref=f"x{n}",
            slug=f"s{n}",
            created_at=timezone.now(),
        )
    _refs(chatwoot, 5)
    with django_assert_num_queries(baseline):
        response = admin_client.get(url)
    assert response.content.count(b"<tr>") >= 7


def test_detail_queries_do_not_grow_with_mappings_or_deliveries(
    admin_client, chatwoot, client, django_assert_num_queries
):
    url = reverse("platforms:platform-detail", args=[chatwoot.pk])
    _refs(chatwoot, 1)
    baseline = _queries(admin_client, url)
    _refs(chatwoot, 20, start=100)
    payload = samples.chatwoot_conversation("conversation_created", at=timezone.now())
    post_chatwoot(client, chatwoot, payload)
    with django_assert_num_queries(baseline):
        response = admin_client.get(url)
    assert response.content.count(b'name="agent"') >= 20


def test_secrets_never_reach_the_logs(client, chatwoot, caplog):
    caplog.set_level(logging.DEBUG)
    post_chatwoot(
        client, chatwoot, samples.chatwoot_conversation("conversation_created", at=timezone.now())
    )
    post_chatwoot(client, chatwoot, {"event": "x"}, secret="wrong")

    assert CHATWOOT_SECRET not in caplog.text
