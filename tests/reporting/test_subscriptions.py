"""Reports by e-mail: subscribing per role, when a period is due (time zones, DST), the scheduler
enqueueing each period once, the subscriber's scope read at send time, a mail through a real SMTP
server (figures, workbook, unsubscribe link without a sign-in) and its constant query count."""

import email
import io
import itertools
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.tasks import default_task_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import AccountSettings
from outcomes_site import scheduler
from reporting.models import ReportSubscription
from reporting.services.subscription_mail import subscription_mail, subscription_send
from reporting.services.subscriptions import (
    Period,
    next_send_at,
    subscription_claim,
    subscription_create,
    subscriptions_due,
    unsubscribe_token,
)
from tests.factories import AgentFactory
from tests.reporting.factories import conversation, event

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 9)  # a Monday
SALE_AT = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 10, 7, 30, tzinfo=UTC)  # Tuesday, 07:30 in the account's zone (UTC)
ORDERS = itertools.count(1)
READERS = ["admin", "campaign_manager", "agent_manager"]
BASE_DIR = Path(__file__).resolve().parents[2]


def sale(agent, amount: str, *, currency: str = "USD") -> None:
    talk = conversation(agent, started=SALE_AT)
    event(conversation=talk, amount=amount, currency=currency, action_id=f"ORD-{next(ORDERS)}")


def subscribe(user, frequency: str = "daily", **fields) -> ReportSubscription:
    return ReportSubscription.objects.create(
        user=user, frequency=frequency, created_at=datetime(2026, 2, 1, tzinfo=UTC), **fields
    )


def account_zone(key: str) -> None:
    AccountSettings.load()
    AccountSettings.objects.filter(pk=1).update(report_time_zone=key)


def create_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("reporting:subscription-create") + (f"?{query}" if query else "")


# Subscribing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_each_reader_subscribes_to_the_goal_tracker_with_its_filters(
    request, role, sales_skill, default_sell
):
    user = request.getfixturevalue(role)
    client = request.getfixturevalue(f"{role}_client")
    url = create_url(start="2026-03-01", end="2026-03-31", skill=sales_skill.pk, by="skill")

    page = client.get(url)
    assert page.status_code == 200
    assert "Skill: Sales · Rows: Agent and skill" in page.content.decode()
    response = client.post(url, {"frequency": "weekly"})

    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:subscription-list")
    subscription = ReportSubscription.objects.get()
    assert subscription.user == user
    assert subscription.params == {"skill": str(sales_skill.pk), "by": "skill"}  # no dates
    assert subscription.frequency == "weekly"
    assert subscription.active
    listing = client.get(reverse("reporting:subscription-list")).content.decode()
    assert "Subscribed. The first e-mail comes on" in listing
    assert "Skill: Sales · Rows: Agent and skill" in listing
    assert "Weekly, for the week before" in listing


def test_an_agent_may_not_subscribe_or_list(agent_client, admin):
    theirs = subscribe(admin)
    assert agent_client.get(create_url()).status_code == 403
    assert agent_client.post(create_url(), {"frequency": "daily"}).status_code == 403
    assert agent_client.get(reverse("reporting:subscription-list")).status_code == 403
    delete = reverse("reporting:subscription-delete", args=[theirs.pk])
    assert agent_client.post(delete).status_code == 403
    assert ReportSubscription.objects.count() == 1


def test_anonymous_goes_to_the_login_page(client, admin):
    theirs = subscribe(admin)
    login = reverse("login")
    for response in (
        client.get(create_url()),
        client.post(create_url(), {"frequency": "daily"}),
        client.get(reverse("reporting:subscription-list")),
        client.post(reverse("reporting:subscription-delete", args=[theirs.pk])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(login)
    assert ReportSubscription.objects.filter(active=True).count() == 1


def test_the_goal_tracker_offers_the_subscription_with_its_filters(admin_client, sales_skill):
    page = admin_client.get(
        reverse("reporting:goal-tracker"), {"skill": sales_skill.pk, "by": "skill"}
    )
    assert page.status_code == 200
    link = re.search(r'href="(/reports/subscriptions/new/\?[^"]+)"', page.content.decode())
    assert link is not None
    assert f"skill={sales_skill.pk}" in link[1]
    assert "by=skill" in link[1]


def test_a_filter_outside_the_readers_scope_is_refused(agent_manager_client, other_agent):
    response = agent_manager_client.post(create_url(agent=other_agent.pk), {"frequency": "daily"})
    assert response.status_code == 422
    assert "These filters cannot be saved" in response.content.decode()
    assert not ReportSubscription.objects.exists()


def test_without_a_frequency_nothing_is_saved(admin_client):
    response = admin_client.post(create_url(), {"frequency": "hourly"})
    assert response.status_code == 422
    assert not ReportSubscription.objects.exists()


def test_a_reader_without_an_address_is_told_and_nothing_is_saved(admin, admin_client):
    admin.email = ""
    admin.save()
    response = admin_client.post(create_url(), {"frequency": "daily"})
    assert response.status_code == 422
    assert "no e-mail address" in response.content.decode()
    assert not ReportSubscription.objects.exists()


def test_subscribing_again_turns_the_same_subscription_back_on(admin, admin_client):
    admin_client.post(create_url(by="goal"), {"frequency": "daily"})
    ReportSubscription.objects.update(active=False)
    admin_client.post(create_url(by="goal"), {"frequency": "daily"})
    admin_client.post(create_url(by="goal"), {"frequency": "weekly"})
    assert sorted(ReportSubscription.objects.values_list("frequency", "active", "params__by")) == [
        ("daily", True, "goal"),
        ("weekly", True, "goal"),
    ]


def test_the_list_shows_only_ones_own_and_deletes_only_ones_own(
    agent_manager, agent_manager_client, other_manager
):
    mine = subscribe(agent_manager, params={"by": "skill"})
    theirs = subscribe(other_manager, params={"by": "goal"})
    listing = agent_manager_client.get(reverse("reporting:subscription-list")).content.decode()
    assert "Rows: Agent and skill" in listing
    assert "Rows: Agent and goal" not in listing

    refused = agent_manager_client.post(reverse("reporting:subscription-delete", args=[theirs.pk]))
    deleted = agent_manager_client.post(reverse("reporting:subscription-delete", args=[mine.pk]))

    assert refused.status_code == 404
    assert deleted.status_code == 302
    assert list(ReportSubscription.objects.all()) == [theirs]


def test_the_list_runs_as_many_queries_for_many_subscriptions_as_for_one(
    agent_manager, agent_manager_client, agent, sales_skill, sales_group, default_sell
):
    """Names are read once per kind (skill, group, agent, campaign, goal), whatever the rows."""
    url = reverse("reporting:subscription-list")
    every_kind = {
        "agent": str(agent.pk),
        "group": str(sales_group.pk),
        "campaign": str(default_sell.pk),
        "skill": str(sales_skill.pk),
        "goal": str(default_sell.goal_id),
    }
    agent_manager_client.get(url)  # the session's first request reads more (permissions)
    subscribe(agent_manager, params=every_kind)
    with CaptureQueriesContext(connection) as one:
        assert agent_manager_client.get(url).status_code == 200
    for params in (
        {"agent": str(agent.pk), "by": "goal"},
        {"group": str(sales_group.pk), "campaign": str(default_sell.pk)},
        {"skill": "none", "goal_type": "sell"},
        {"skill": str(sales_skill.pk), "source": "agent"},
    ):
        subscribe(agent_manager, "weekly", params=params)
    with CaptureQueriesContext(connection) as five:
        page = agent_manager_client.get(url).content.decode()
    assert page.count("/delete/") == 5
    assert f"Agent: {agent.display_name}" in page
    assert "Skill: No skill" in page
    assert len(five) == len(one)


# When a period is due ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "daily", "weekly"),
    [
        # New York, the Sunday the clocks go forward (8 Mar 2026): 07:00 EDT is 11:00 UTC.
        ("America/New_York", datetime(2026, 3, 8, 10, 59, tzinfo=UTC), None, None),
        ("America/New_York", datetime(2026, 3, 8, 11, 0, tzinfo=UTC), "2026-03-07", None),
        # The day before, still on EST: 07:00 is 12:00 UTC.
        ("America/New_York", datetime(2026, 3, 7, 11, 59, tzinfo=UTC), None, None),
        ("America/New_York", datetime(2026, 3, 7, 12, 0, tzinfo=UTC), "2026-03-06", None),
        # A missed 07:00 is caught up later the same local day (23:00 EDT, 03:00 UTC next day)...
        ("America/New_York", datetime(2026, 3, 9, 3, 0, tzinfo=UTC), "2026-03-07", None),
        # ...and the Monday's own period from its 07:00 EDT, weekly too.
        ("America/New_York", datetime(2026, 3, 9, 11, 0, tzinfo=UTC), "2026-03-08", "2026-03-02"),
        # The Sunday the clocks go back (1 Nov 2026): 07:00 EST is 12:00 UTC.
        ("America/New_York", datetime(2026, 11, 1, 11, 59, tzinfo=UTC), None, None),
        ("America/New_York", datetime(2026, 11, 1, 12, 0, tzinfo=UTC), "2026-10-31", None),
        # Paris, the last Sunday of March 2026: 07:00 CEST is 05:00 UTC.
        ("Europe/Paris", datetime(2026, 3, 29, 4, 59, tzinfo=UTC), None, None),
        ("Europe/Paris", datetime(2026, 3, 29, 5, 0, tzinfo=UTC), "2026-03-28", None),
        # Kolkata's half hour, as a zone and as an offset: 07:00 is 01:30 UTC.
        ("Asia/Kolkata", datetime(2026, 7, 14, 1, 29, tzinfo=UTC), None, None),
        ("Asia/Kolkata", datetime(2026, 7, 14, 1, 30, tzinfo=UTC), "2026-07-13", None),
        ("UTC+05:30", datetime(2026, 7, 14, 1, 30, tzinfo=UTC), "2026-07-13", None),
        # Auckland's Monday 07:00 (NZST, +12) is Sunday 19:00 UTC: the week before is due.
        ("Pacific/Auckland", datetime(2026, 7, 12, 18, 59, tzinfo=UTC), None, None),
        ("Pacific/Auckland", datetime(2026, 7, 12, 19, 0, tzinfo=UTC), "2026-07-12", "2026-07-06"),
    ],
)
def test_what_is_due_follows_the_accounts_zone_and_its_clock_changes(
    admin, campaign_manager, zone, now, daily, weekly
):
    account_zone(zone)
    daily_one = subscribe(admin, "daily")
    weekly_one = subscribe(campaign_manager, "weekly")
    due = dict(subscriptions_due(now))
    expected = {}
    if daily:
        expected[daily_one.pk] = daily
    if weekly:
        expected[weekly_one.pk] = weekly
    assert due == expected


def test_a_claimed_period_is_not_due_again_and_the_next_is(admin):
    account_zone("America/New_York")
    subscription = subscribe(admin)
    morning = datetime(2026, 3, 8, 11, 0, tzinfo=UTC)
    (item,) = subscriptions_due(morning)
    assert subscription_claim(item, morning) == (subscription.pk, "2026-03-07")
    assert subscription_claim(item, morning) is None  # a second scheduler loses
    assert subscriptions_due(morning + timedelta(hours=8)) == []
    assert subscriptions_due(morning + timedelta(days=1)) == [(subscription.pk, "2026-03-08")]


def test_stopped_subscriptions_and_inactive_users_are_never_due(admin, campaign_manager):
    subscribe(admin, active=False)
    subscribe(campaign_manager)
    campaign_manager.is_active = False
    campaign_manager.save()
    assert subscriptions_due(NOW) == []


def test_the_next_mail_is_at_07_00_local_across_a_clock_change():
    zone = ZoneInfo("America/New_York")
    saturday_morning = datetime(2026, 3, 7, 8, 0, tzinfo=zone)  # EST
    following = next_send_at("daily", saturday_morning)
    assert following.astimezone(UTC) == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)  # EDT
    assert next_send_at("weekly", saturday_morning).astimezone(UTC) == datetime(
        2026, 3, 9, 11, 0, tzinfo=UTC
    )
    monday_early = datetime(2026, 3, 9, 6, 0, tzinfo=zone)
    assert next_send_at("weekly", monday_early).date() == date(2026, 3, 9)


@pytest.mark.parametrize(
    ("created", "first_due"),
    [
        # After 07:00: not at once, but at the next morning's 07:00 (for that day's yesterday).
        (datetime(2026, 3, 10, 9, 0, tzinfo=UTC), datetime(2026, 3, 11, 7, 0, tzinfo=UTC)),
        # Before 07:00: the same morning.
        (datetime(2026, 3, 10, 6, 0, tzinfo=UTC), datetime(2026, 3, 10, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_new_subscription_sends_first_at_the_next_07_00(admin, created, first_due):
    subscription = subscription_create(user=admin, params={}, frequency="daily", now=created)
    assert subscriptions_due(first_due - timedelta(minutes=1)) == []
    (item,) = subscriptions_due(first_due)
    assert item == (subscription.pk, (first_due.date() - timedelta(days=1)).isoformat())


def test_a_new_weekly_subscription_sends_first_on_the_next_monday(admin):
    tuesday = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    subscription = subscription_create(user=admin, params={}, frequency="weekly", now=tuesday)
    assert subscriptions_due(datetime(2026, 3, 15, 23, 0, tzinfo=UTC)) == []  # Sunday
    assert subscriptions_due(datetime(2026, 3, 16, 7, 0, tzinfo=UTC)) == [
        (subscription.pk, "2026-03-09")
    ]


# The scheduler ----------------------------------------------------------------------------------


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are recorded, not run: what the scheduler enqueued can be counted."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def test_run_scheduler_once_enqueues_each_due_period_exactly_once(
    dummy_tasks, admin, campaign_manager, agent_manager
):
    daily = subscribe(admin)
    weekly = subscribe(campaign_manager, "weekly")
    subscribe(agent_manager, last_sent_for=date(2026, 3, 8))  # already sent
    subscribe(agent_manager, "weekly", active=False)
    monday = datetime(2026, 3, 9, 7, 1, tzinfo=UTC)

    with time_machine.travel(monday, tick=False):
        call_command("run_scheduler", "--once", stdout=io.StringIO())
        call_command("run_scheduler", "--once", stdout=io.StringIO())  # a restart, a twin

    enqueued = sorted(tuple(result.args) for result in dummy_tasks.results)
    assert enqueued == sorted([(daily.pk, "2026-03-08"), (weekly.pk, "2026-03-02")])
    assert {r.task.name for r in dummy_tasks.results} == {"report_subscription_send_task"}
    daily.refresh_from_db()
    weekly.refresh_from_db()
    assert (daily.last_sent_for, weekly.last_sent_for) == (date(2026, 3, 8), date(2026, 3, 2))


def test_a_scheduler_that_found_work_already_claimed_enqueues_nothing(dummy_tasks, admin):
    subscribe(admin)
    found_by_the_other = subscriptions_due(NOW)
    scheduler.run_due_jobs(NOW)
    assert [subscription_claim(item, NOW) for item in found_by_the_other] == [None]
    assert len(dummy_tasks.results) == 1


def test_a_failing_job_does_not_stop_the_others(dummy_tasks, admin):
    def broken(now):
        raise RuntimeError("broken job")

    subscribe(admin)
    job = scheduler.PeriodicJob("broken", find_due=broken, claim=lambda i, n: None, task=None)
    scheduler.register(job)
    try:
        counts = scheduler.run_due_jobs(NOW)
    finally:
        scheduler._jobs.pop("broken")
    assert set(counts) == set(scheduler._jobs) | {"broken"}  # every job had its turn
    assert (counts["broken"], counts["report-subscriptions"]) == (0, 1)
    assert len(dummy_tasks.results) == 1


def test_run_scheduler_stops_cleanly_on_sigterm(tmp_path):
    """The loop in a process of its own (signals reach only a main thread), on an empty
    database of its own: its ticks fail and are logged, and SIGTERM still ends it at once."""
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "empty.sqlite3"), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler", "--interval", "60"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "the scheduler did not start"
        assert process.stdout.readline().startswith("Scheduler running every 60 s")
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5  # not after the minute's sleep
        assert "Scheduler stopped." in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()


# Scope at send time -----------------------------------------------------------------------------


def test_the_mail_shows_the_managers_team_as_it_is_when_sent(
    agent_manager, agent, other_agent, sales_group, default_sell, mailoutbox
):
    sale(agent, "10.00")
    sale(other_agent, "20.00")
    subscription = subscribe(agent_manager)

    assert subscription_send(subscription_id=subscription.pk, period_start=DAY, now=NOW)
    sales_group.managers.remove(agent_manager)
    assert subscription_send(subscription_id=subscription.pk, period_start=DAY, now=NOW)

    before, after = mailoutbox[0].body, mailoutbox[1].body
    assert agent.display_name in before
    assert "$10.00" in before
    assert other_agent.display_name not in before
    assert "$20.00" not in before
    assert agent.display_name not in after
    assert "$10.00" not in after
    assert "No agents or outcomes match these filters." in after


def test_a_weekly_mail_covers_monday_to_sunday(admin, agent, default_sell, mailoutbox):
    sale(agent, "10.00")  # Monday 9 March: outside the week before
    subscription = subscribe(admin, "weekly")
    week = date(2026, 3, 2)
    assert subscription_send(subscription_id=subscription.pk, period_start=week, now=NOW)
    (message,) = mailoutbox
    assert message.subject == "Agent goal tracker: 2 Mar 2026 to 8 Mar 2026"
    assert "Your weekly Agent goal tracker" in message.body
    assert "$10.00" not in message.body
    assert message.attachments[0].filename == "goal-tracker-2026-03-02-to-2026-03-08.xlsx"


@pytest.mark.parametrize("change", ["deactivated", "no_report_role", "stopped", "left_team"])
def test_nothing_is_sent_to_who_may_no_longer_read_it(
    change, agent_manager, agent, sales_group, default_sell, mailoutbox
):
    sale(agent, "10.00")
    subscription = subscribe(agent_manager, params={"agent": str(agent.pk)})
    if change == "deactivated":
        agent_manager.is_active = False
        agent_manager.save()
    elif change == "no_report_role":
        agent_manager.groups.clear()
    elif change == "stopped":
        subscription.active = False
        subscription.save()
    else:  # the filter names an agent no longer in the manager's teams
        sales_group.managers.remove(agent_manager)

    assert not subscription_send(subscription_id=subscription.pk, period_start=DAY, now=NOW)
    assert mailoutbox == []


def test_a_transient_smtp_failure_gives_the_period_back(settings, admin, default_sell):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _free_port(), "timeout": 5},
        }
    }
    subscription = subscribe(admin, last_sent_for=DAY)  # claimed, then the server is down
    assert not subscription_send(subscription_id=subscription.pk, period_start=DAY, now=NOW)
    subscription.refresh_from_db()
    assert subscription.last_sent_for == DAY - timedelta(days=1)
    assert subscriptions_due(NOW) == [(subscription.pk, DAY.isoformat())]


# A mail through a real SMTP server --------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    """An SMTP server on a free local port, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


def _workbook_rows(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


def test_a_report_mail_through_an_smtp_server_and_its_unsubscribe_link(
    smtp_inbox, settings, agent_manager, agent, default_sell
):
    settings.SITE_URL = "http://reports.example.test"
    sale(agent, "12.50")
    sale(agent, "7.25", currency="EUR")
    subscription = subscribe(agent_manager)

    assert scheduler.run_due_jobs(NOW)["report-subscriptions"] == 1

    (envelope,) = smtp_inbox.envelopes
    assert envelope.rcpt_tos == [agent_manager.email]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Agent goal tracker: 9 Mar 2026"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert agent.display_name in body
        assert "$12.50" in body
        assert "€7.25" in body
        assert "Revenue (USD)" in body
        assert "Sum of rows" in body
    assert re.search(r"<td align=\"right\">\$12\.50</td>", html)

    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "goal-tracker-2026-03-09-to-2026-03-09.xlsx"
    rows = _workbook_rows(attachment.get_content())
    header = next(row for row in rows if row and row[0] == "Agent")
    agent_row = next(row for row in rows if row and row[0] == agent.display_name)
    assert Decimal(str(agent_row[header.index("Revenue (USD)")])) == Decimal("12.50")
    assert Decimal(str(agent_row[header.index("Revenue (EUR)")])) == Decimal("7.25")

    path = re.search(
        r"http://reports\.example\.test(/reports/subscriptions/unsubscribe/\S+/)", text
    )
    assert path is not None
    url = path[1]
    # Written out plainly (mail programs do not decode an RFC 2047-encoded address there).
    raw_header = f"List-Unsubscribe: <http://reports.example.test{url}>\r\n".encode()
    assert raw_header in envelope.original_content
    assert message["List-Unsubscribe"] == f"<http://reports.example.test{url}>"
    _unsubscribe_signed_out(url, subscription)


def _unsubscribe_signed_out(url: str, subscription: ReportSubscription) -> None:
    browser = Client(enforce_csrf_checks=True)  # nobody signed in
    page = browser.get(url)
    assert page.status_code == 200
    assert "Stop this e-mail" in page.content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]

    payload, signature = url.rstrip("/").rsplit("/", 1)[1].split(":", 1)
    forged_payload = signing.b64_encode(b'{"s":999,"u":1}').decode()
    tampered = [
        url.replace(signature, signature[:-1] + ("A" if signature[-1] != "A" else "B")),
        url.replace(payload, forged_payload),
        reverse("reporting:subscription-unsubscribe", args=[signing.dumps({"s": 1, "u": 1})]),
    ]
    for bad in tampered:
        assert browser.get(bad).status_code == 400
        assert browser.post(bad, {"csrfmiddlewaretoken": csrf}).status_code == 400
    subscription.refresh_from_db()
    assert subscription.active

    done = browser.post(url, {"csrfmiddlewaretoken": csrf})
    assert done.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active
    assert "You will not receive this report e-mail any more." in browser.get(url).content.decode()


def test_the_unsubscribe_link_of_a_deleted_subscription_says_it_is_stopped(client, admin):
    subscription = subscribe(admin)
    url = reverse("reporting:subscription-unsubscribe", args=[unsubscribe_token(subscription)])
    subscription.delete()
    page = client.get(url)
    assert page.status_code == 200
    assert "You will not receive this report e-mail any more." in page.content.decode()


# Queries ----------------------------------------------------------------------------------------


def _queries_to_build(subscription_id: int) -> int:
    subscription = ReportSubscription.objects.select_related("user").get(pk=subscription_id)
    with CaptureQueriesContext(connection) as queries:
        message = subscription_mail(subscription, period=Period(DAY, DAY), now=NOW)
    assert message is not None
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"by": "skill"}])
def test_building_a_mail_takes_as_many_queries_for_many_rows_as_for_one(
    admin, default_sell, params
):
    sale(AgentFactory(), "1.00")
    subscription = subscribe(admin, params=params)
    one = _queries_to_build(subscription.pk)
    for number in range(12):
        sale(AgentFactory(), f"{number + 2}.00", currency="EUR" if number % 2 else "USD")
    many = _queries_to_build(subscription.pk)
    assert many == one
