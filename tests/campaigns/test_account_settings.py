"""Account settings in the Campaign Builder footnote: currency, time zone, agent outcome window,
and effective-dated attribution policies."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import AccountSettings, AttributionPolicy, AuditEntry

pytestmark = pytest.mark.django_db

URL = reverse("campaigns:account-settings")
POLICY = reverse("campaigns:policy-create")
TODAY = date(2026, 11, 20)


def settings_post(**changes):
    data = {
        "default_currency": "USD",
        "report_time_zone": "",
        "agent_outcome_window_minutes": "30",
    }
    return {**data, **changes}


def test_footnote_bar_shows_data_sources_and_the_settings(campaign_manager_client):
    AccountSettings.objects.create(pk=1, default_currency="EUR", agent_outcome_window_minutes=45)
    html = campaign_manager_client.get(reverse("campaigns:builder")).content.decode()
    footer = html[html.index('class="footbar builder-footbar"') :]
    assert reverse("campaigns:data-sources") in footer
    assert reverse("campaigns:account-settings") in footer
    assert "EUR" in footer
    assert "45 minutes" in footer


def test_save_settings_is_audited(campaign_manager_client):
    data = settings_post(
        default_currency="EUR", report_time_zone="Europe/Paris", agent_outcome_window_minutes="4320"
    )
    assert campaign_manager_client.post(URL, data).status_code == 302
    account = AccountSettings.load()
    assert (account.default_currency, account.report_time_zone) == ("EUR", "Europe/Paris")
    assert account.agent_outcome_window_minutes == 4320
    entry = AuditEntry.objects.get(action="account_settings.update")
    assert entry.before["default_currency"] == "USD"
    assert entry.after["default_currency"] == "EUR"


@pytest.mark.parametrize(
    "changes",
    [
        {"agent_outcome_window_minutes": "4321"},
        {"agent_outcome_window_minutes": "-1"},
        {"default_currency": "XYZ"},
        {"report_time_zone": "Mars/Olympus"},
    ],
    ids=["window-over-72h", "negative-window", "unknown-currency", "unknown-zone"],
)
def test_bad_settings_show_errors_and_save_nothing(campaign_manager_client, changes):
    response = campaign_manager_client.post(URL, settings_post(**changes))
    assert response.status_code == 422
    assert "field__errors" in response.content.decode()
    assert AccountSettings.load().agent_outcome_window_minutes == 30
    assert not AuditEntry.objects.exists()


def test_policy_takes_effect_from_a_date(campaign_manager_client):
    data = {
        "policy-effective_from": "2026-12-01",
        "policy-model": "split",
        "policy-cross_session_window_days": "14",
    }
    with time_machine.travel(TODAY, tick=False):
        assert campaign_manager_client.post(POLICY, data).status_code == 302
    policy = AttributionPolicy.objects.get()
    assert (policy.effective_from, policy.model) == (date(2026, 12, 1), "split")
    assert policy.cross_session_window_days == 14
    assert policy.created_by.username == "campaigns"
    assert AuditEntry.objects.filter(action="attribution_policy.create").exists()


def test_a_new_policy_cannot_restate_the_past(campaign_manager_client):
    AttributionPolicy.objects.create(effective_from=TODAY - timedelta(days=30))
    data = {
        "policy-effective_from": str(TODAY - timedelta(days=1)),
        "policy-model": "first",
        "policy-cross_session_window_days": "1",
    }
    with time_machine.travel(TODAY, tick=False):
        response = campaign_manager_client.post(POLICY, data)
    assert response.status_code == 422
    assert "today or later" in response.content.decode()
    assert AttributionPolicy.objects.count() == 1


def test_two_policies_cannot_start_the_same_day(campaign_manager_client):
    AttributionPolicy.objects.create(effective_from=TODAY + timedelta(days=3))
    data = {
        "policy-effective_from": str(TODAY + timedelta(days=3)),
        "policy-model": "first",
        "policy-cross_session_window_days": "1",
    }
    with time_machine.travel(TODAY, tick=False):
        response = campaign_manager_client.post(POLICY, data)
    assert response.status_code == 422
    assert AttributionPolicy.objects.count() == 1


def test_only_a_scheduled_policy_can_be_withdrawn(campaign_manager_client):
    in_force = AttributionPolicy.objects.create(effective_from=TODAY - timedelta(days=1))
    scheduled = AttributionPolicy.objects.create(effective_from=TODAY + timedelta(days=1))
    with time_machine.travel(TODAY, tick=False):
        for policy in (in_force, scheduled):
            campaign_manager_client.post(reverse("campaigns:policy-delete", args=[policy.pk]))
    assert list(AttributionPolicy.objects.all()) == [in_force]
    assert AuditEntry.objects.filter(action="attribution_policy.delete").count() == 1


def test_settings_page_marks_the_policy_in_force(campaign_manager_client):
    AttributionPolicy.objects.create(effective_from=TODAY - timedelta(days=10), model="first")
    AttributionPolicy.objects.create(effective_from=TODAY + timedelta(days=10), model="all")
    with time_machine.travel(TODAY, tick=False):
        html = campaign_manager_client.get(URL).content.decode()
    assert "In force" in html
    assert "Scheduled" in html
    assert html.count(">Withdraw</button>") == 1
