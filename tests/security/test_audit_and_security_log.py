"""The security log (sign-ins, failures, lockouts, refused requests) and an audit log that
nothing in the product can change."""

import logging

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from campaigns.models import AuditEntry
from campaigns.services.audit import audit_record
from tests.factories import UserFactory
from tests.security.test_authorization_matrix import MATRIX, WEB_ROLES

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, password: str, username: str = "agent"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3"
    )


def test_sign_in_is_logged_and_audited(agent, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        assert _sign_in(Client(), "pw").status_code == 302
    entry = AuditEntry.objects.get(action="auth.sign_in")
    assert entry.actor == agent
    assert entry.after == {"username": "agent", "address": "10.1.2.3"}
    assert "sign-in user=agent address=10.1.2.3" in caplog.text


def test_failed_sign_in_is_logged_and_audited_without_the_password(agent, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        _sign_in(Client(), "wrong-secret")
    entry = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert entry.actor is None
    assert entry.after["username"] == "agent"
    assert "failed sign-in user='agent' address=10.1.2.3" in caplog.text
    assert "wrong-secret" not in caplog.text
    assert "wrong-secret" not in str(entry.after)


def test_lockout_is_logged_and_audited(agent, settings, caplog):
    client = Client()
    with caplog.at_level(logging.INFO, logger="security"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = _sign_in(client, "wrong")
    assert response.status_code == 429
    assert AuditEntry.objects.filter(action="auth.lockout", after__username="agent").exists()
    assert "lockout user='agent' address=10.1.2.3" in caplog.text


def test_hostile_user_names_are_neutralised_in_the_log(db, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        _sign_in(Client(), "x", username="evil\nFAKE sign-in user=admin\u202e")
    assert "\nFAKE" not in caplog.text
    assert AuditEntry.objects.get(action="auth.sign_in_failed").after["username"] == (
        "evil?FAKE sign-in user=admin?"
    )


def test_sign_out_is_audited(agent):
    client = Client()
    _sign_in(client, "pw")
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(action="auth.sign_out", actor=agent).exists()


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("agent_client", "/campaign-builder/", 403),
        ("agent_client", "/no/such/page/", 404),
        ("client", "/no/such/page/", 404),
    ],
)
def test_refused_requests_are_logged_with_who_and_path(request, persona, path, status, caplog):
    client = request.getfixturevalue(persona)
    with caplog.at_level(logging.WARNING, logger="security"):
        assert client.get(path).status_code == status
    who = "user=agent (id" if persona == "agent_client" else "user=anonymous"
    refused = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    assert len(refused) == 1
    assert f"status={status}" in refused[0]
    assert who in refused[0]
    assert f"path={path!r}" in refused[0]


# The audit log cannot be changed -----------------------------------------------------------


@pytest.fixture
def audit_entry(admin):
    return audit_record(actor=admin, action="goal.update", object_type="campaigns.Goal")


@pytest.fixture
def staff_client(db):
    """A superuser of the back office: the most any person can be."""
    boss = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(boss)
    return client


def _unchanged(entry: AuditEntry) -> bool:
    fresh = AuditEntry.objects.filter(pk=entry.pk).first()
    fields = ("at", "actor_id", "action", "object_type", "before", "after", "reason")
    return fresh is not None and all(getattr(fresh, f) == getattr(entry, f) for f in fields)


def test_django_admin_refuses_to_change_or_delete_audit_entries(staff_client, audit_entry):
    change = reverse("admin:campaigns_auditentry_change", args=[audit_entry.pk])
    delete = reverse("admin:campaigns_auditentry_delete", args=[audit_entry.pk])
    add = reverse("admin:campaigns_auditentry_add")
    page = staff_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view only
    assert staff_client.post(change, {"action": "tampered", "reason": "x"}).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert staff_client.post(add, {"action": "forged"}).status_code == 403
    bulk = staff_client.post(
        reverse("admin:campaigns_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [audit_entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert _unchanged(audit_entry)
    assert not AuditEntry.objects.filter(action="forged").exists()


def test_no_product_url_changes_or_deletes_audit_entries(world, audit_entry):
    """Every URL that takes a POST, by every role that may use it, sent fields named like the
    audit entry's: existing entries stay exactly as they were (new ones may be added)."""
    hostile = {
        "id": audit_entry.pk,
        "pk": audit_entry.pk,
        "action": "tampered",
        "reason": "tampered",
        "before": "{}",
        "after": "{}",
        "at": "2000-01-01T00:00:00Z",
    }
    tried = 0
    for name, entry in MATRIX.items():
        if entry.is_api:
            continue
        for role in WEB_ROLES[1:]:
            if entry.post[role] in (403, 404, 405):
                continue
            url = reverse(name, kwargs=entry.kwargs(world))
            with transaction.atomic():
                world.client_for(role).post(url, {**entry.data(world), **hostile})
                tried += 1
                assert _unchanged(audit_entry), (name, role)
                transaction.set_rollback(True)
    assert tried > 40
