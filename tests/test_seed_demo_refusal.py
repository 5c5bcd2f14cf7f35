"""``seed_demo`` creates users whose password is ``demo``: it refuses production settings."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from campaigns.models import User


def _production_env(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 30 + "-production-like-secret-key-for-the-check-0123456789",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "outcomes.example.com",
        "DJANGO_SETTINGS_MODULE": "outcomes_site.settings",
        # A database of its own: the refusal comes before any demo data is written.
        "SQLITE_PATH": str(tmp_path / "refused.sqlite3"),
        **extra,
    }


@pytest.mark.parametrize("flags", [{"PRODUCTION": "1"}, {}], ids=["production", "debug-off"])
def test_seed_demo_exits_1_with_a_message_under_production_settings(tmp_path, flags):
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=_production_env(tmp_path, **flags),
        check=False,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "seed_demo refuses to run" in result.stderr
    assert "password is 'demo'" in result.stderr
    assert "Demo logins" not in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"PRODUCTION": True, "DEBUG": True}, "PRODUCTION is on"),
        ({"PRODUCTION": False, "DEBUG": False, "TESTING": False}, "DEBUG is off"),
    ],
)
def test_seed_demo_writes_nothing_when_refused(overrides, reason):
    with override_settings(**overrides), pytest.raises(CommandError, match=reason) as refused:
        call_command("seed_demo")
    assert refused.value.returncode == 1
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.django_db
@override_settings(PRODUCTION=False, DEBUG=True, TESTING=False)
def test_seed_demo_runs_in_development(capsys):
    call_command("seed_demo")
    assert User.objects.filter(username="admin").exists()
    assert "Demo logins" in capsys.readouterr().out
