"""Demo data, roles on a fresh database, and settings read from the environment."""

import json
import os
import subprocess  # nosec B404: runs our own interpreter
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import Count

from campaigns.models import User
from campaigns.roles import ROLE_PERMISSIONS, Role
from outcomes_site.env import env_bool, env_int, env_list
from workspace.models import Conversation, EngagementAttributeEvent, Message


@pytest.mark.django_db
def test_roles_exist_with_their_permissions_after_migrate():
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        perms_of_group = group.permissions.select_related("content_type")
        have = {f"{p.content_type.app_label}.{p.codename}" for p in perms_of_group}
        assert have == set(perms)


@pytest.mark.django_db
def test_seed_demo_creates_the_fixed_logins_and_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Demo logins (password: demo)" in out
    counts = (User.objects.count(), Conversation.objects.count(), Message.objects.count())
    for username, role in [
        ("admin", Role.ADMIN),
        ("campaigns", Role.CAMPAIGN_MANAGER),
        ("manager", Role.AGENT_MANAGER),
        ("manager2", Role.AGENT_MANAGER),
        ("agent", Role.AGENT),
        ("agent2", Role.AGENT),
        ("agent3", Role.AGENT),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password("demo")
        assert user.groups.filter(name=role).exists()
    agent = User.objects.get(username="agent")
    assert sorted(agent.skills.values_list("name", flat=True)) == ["General", "Sales"]
    manager = User.objects.get(username="manager")
    managed = sorted(manager.managed_groups.values_list("name", flat=True))
    assert managed == ["Billing team", "Sales team"]
    assert User.objects.agents().count() >= 10
    assert counts[1] >= 300
    assert Conversation.objects.filter(ended_at__isnull=True).exists()
    call_command("seed_demo")
    assert (User.objects.count(), Conversation.objects.count(), Message.objects.count()) == counts


@pytest.mark.django_db
def test_seed_demo_scales_for_benchmarks():
    call_command("seed_demo", conversations=120, agents=7)
    assert User.objects.filter(username__startswith="bench-agent-").count() == 7
    assert Conversation.objects.filter(external_id__startswith="bench-").count() == 120
    call_command("seed_demo", conversations=120, agents=7)
    assert Conversation.objects.filter(external_id__startswith="bench-").count() == 120


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("off", False), ("", False)]
)
def test_env_bool_reads_yes_and_no(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_rejects_junk(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("SOME_INT", "abc")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_INT", 3)
    monkeypatch.setenv("SOME_LIST", "a, b,,c")
    assert env_list("SOME_LIST") == ["a", "b", "c"]


@pytest.mark.django_db
def test_benchmark_data_has_the_report_mix():
    """About two events per conversation: agent- and customer-reported, two currencies, repeated
    order ids, retractions, events left on the visitor (the same on SQLite and PostgreSQL)."""
    call_command("seed_demo", conversations=200, agents=5)
    events = EngagementAttributeEvent.objects.filter(visitor__external_id__startswith="bench-")
    assert 300 <= events.count() <= 500
    assert set(events.values_list("source", flat=True)) == {"agent_widget", "server_api"}
    assert set(events.exclude(currency="").values_list("currency", flat=True)) == {"USD", "EUR"}
    assert set(events.values_list("attribute_type", flat=True)) == {"purchase", "lead", "service"}
    repeated = events.values("dedupe_key").annotate(n=Count("*")).filter(n__gt=1)
    assert repeated.exists()
    assert events.filter(retracted_at__isnull=False).exists()
    assert events.filter(conversation__isnull=True).count() == 20


def _settings(names: list[str], **environ: str) -> dict:
    """Settings as the settings module builds them from ``environ`` (in a child process: the
    settings are read once, at import), for a PostgreSQL ``DATABASE_URL``."""
    code = (
        "import json; from outcomes_site import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://u:p@db.example/outcomes"}
    env.pop("DB_PREPARED_STATEMENTS", None)
    env.update(environ)
    result = subprocess.run(  # nosec B603: our interpreter, fixed code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_statements_are_prepared_unless_turned_off_and_bound_in_the_client_by_default():
    """``planned_once`` prepares where asked (``tests/workspace/test_credit_prepared.py``);
    the connection itself keeps Django's defaults: client-side binding, nothing prepared."""
    got = _settings(["PREPARED_STATEMENTS", "DATABASES"])
    assert got["PREPARED_STATEMENTS"] is True
    options = got["DATABASES"]["default"].get("OPTIONS", {})
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options
    assert _settings(["PREPARED_STATEMENTS"], DB_PREPARED_STATEMENTS="0") == {
        "PREPARED_STATEMENTS": False
    }
