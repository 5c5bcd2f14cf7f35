"""The audit log page: admins read who changed what; nobody edits or deletes entries."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from campaigns.models import AuditEntry
from tests.campaigns.factories import AuditEntryFactory

pytestmark = pytest.mark.django_db

URL = reverse("campaigns:audit-log")


def test_entries_show_who_when_what_before_and_after(admin_client, campaign_manager):
    AuditEntryFactory(
        actor=campaign_manager,
        object_repr="Sales goal",
        before={"name": "Old", "goal_type": "sell"},
        after={"name": "New", "goal_type": "sell"},
    )
    html = admin_client.get(URL).content.decode()
    assert "Sales goal" in html
    assert campaign_manager.display_name in html
    assert "<del>Old</del>" in html
    assert "<ins>New</ins>" in html
    assert "goal_type" not in html.split("Sales goal")[1].split("</tr>")[0]  # unchanged: hidden


def test_filters_narrow_the_entries(admin_client, admin, campaign_manager):
    AuditEntryFactory(
        actor=admin,
        action="survey.create",
        object_type="campaigns.AgentSurvey",
        object_repr="Alpha",
        at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    AuditEntryFactory(
        actor=campaign_manager,
        action="goal.update",
        object_repr="Beta",
        at=datetime(2026, 2, 5, tzinfo=UTC),
    )
    cases = [
        ({"actor": campaign_manager.pk}, "Beta", "Alpha"),
        ({"object_type": "campaigns.AgentSurvey"}, "Alpha", "Beta"),
        ({"action": "goal.update"}, "Beta", "Alpha"),
        ({"date_from": "2026-02-01"}, "Beta", "Alpha"),
        ({"date_to": "2026-01-31"}, "Alpha", "Beta"),
        ({"query": "alp"}, "Alpha", "Beta"),
    ]
    for params, shown, hidden in cases:
        html = admin_client.get(URL, params).content.decode()
        table = html[html.index('id="audit-entries"') :]
        assert shown in table, params
        assert hidden not in table, params


def test_htmx_filter_returns_the_entries_fragment(admin_client, htmx_headers):
    AuditEntryFactory(object_repr="Alpha")
    response = admin_client.get(URL, {"query": "alp"}, headers=htmx_headers)
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="audit-entries"')
    assert "Alpha" in html


def test_entries_cannot_be_changed_through_the_product(admin_client):
    entry = AuditEntryFactory()
    for method in ("post", "put", "patch", "delete"):
        assert getattr(admin_client, method)(URL).status_code == 405
    assert AuditEntry.objects.get() == entry


def test_back_office_cannot_change_or_delete_entries(admin_client, admin):
    admin.is_staff = admin.is_superuser = True
    admin.save()
    entry = AuditEntryFactory()
    change = reverse("admin:campaigns_auditentry_change", args=[entry.pk])
    delete = reverse("admin:campaigns_auditentry_delete", args=[entry.pk])
    admin_client.post(change, {"action": "x"})
    admin_client.post(delete, {"post": "yes"})
    entry.refresh_from_db()
    assert entry.action == "goal.update"


def test_audit_log_queries_do_not_grow_and_pages(
    admin_client, admin, campaign_manager, django_assert_num_queries
):
    AuditEntryFactory(actor=admin)
    admin_client.get(URL)
    with django_assert_num_queries(8):
        admin_client.get(URL)
    AuditEntryFactory.create_batch(60, actor=campaign_manager)
    with django_assert_num_queries(8):
        response = admin_client.get(URL)
    assert "Page 1 of 2" in response.content.decode()


def test_lists_read_as_words(admin_client):
    AuditEntryFactory(before={"skills": ["Billing"]}, after={"skills": ["Billing", "Sales"]})
    html = admin_client.get(URL).content.decode()
    assert "<ins>Billing, Sales</ins>" in html
    assert "[&#x27;" not in html
