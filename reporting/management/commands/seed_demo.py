"""``manage.py seed_demo``: a believable demo account, or a large one for benchmarks.

Each app contributes its own part (``campaigns.demo``, ``workspace.demo``, ...); this command,
in the app at the top of the dependency chain, runs them in order. Running it twice changes
nothing.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from campaigns import demo as campaigns_demo
from campaigns.demo_config import seed_configuration
from campaigns.roles import roles_sync
from reporting.demo import seed_reporting
from workspace import demo as workspace_demo
from workspace.demo_ingest import seed_customer_events
from workspace.demo_outcomes import seed_outcomes
from workspace.platforms.demo import seed_platforms
from workspace.webhooks.demo import seed_webhooks

LOGINS = [
    ("admin", "Admin"),
    ("campaigns", "Campaign manager"),
    ("manager", "Agent manager (Sales team, Billing team)"),
    ("manager2", "Agent manager (Tech support team)"),
    ("agent", "Agent (Sales, General; Sales team)"),
    ("agent2", "Agent (Sales)"),
    ("agent3", "Agent (Billing)"),
    ("agent4 ... agent10", "More agents"),
]


def production_refusal() -> str | None:
    """Why demo data must not be written here, or None. The demo users' password is ``demo``:
    never under ``PRODUCTION``, and not with ``DEBUG`` off unless under tests or on a benchmark
    server (``BENCH_REFERENCES``, which production never sets)."""
    if getattr(settings, "PRODUCTION", False):
        return "PRODUCTION is on"
    if not (
        settings.DEBUG or getattr(settings, "TESTING", False) or "bench" in settings.INSTALLED_APPS
    ):
        return "DEBUG is off"
    return None


class Command(BaseCommand):
    help = "Create the demo account (idempotent). --conversations/--agents scale it for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--conversations", type=int, default=0, help="Extra benchmark conversations (bulk)."
        )
        parser.add_argument(
            "--agents", type=int, default=0, help="Extra benchmark agents (up to 500)."
        )

    def handle(self, *args, conversations: int, agents: int, **options) -> None:
        if refusal := production_refusal():
            raise CommandError(
                f"seed_demo refuses to run: {refusal}. It creates users whose password is "
                "'demo'; run it only in development (DEBUG=1) or tests."
            )
        now = timezone.now()
        roles_sync()
        password_hash = make_password(campaigns_demo.DEMO_PASSWORD)
        campaigns_demo.seed_people(password_hash=password_hash)
        seed_configuration(now=now)
        created = workspace_demo.seed_conversations(now=now)
        self.stdout.write(f"Demo conversations created: {created}")
        seed_outcomes(now=now)
        seed_customer_events(now=now)
        seed_platforms(now=now)
        seed_webhooks(now=now)
        seed_reporting(now=now)
        if conversations:
            bench_agents = campaigns_demo.seed_bench_agents(
                max(agents, 1), password_hash=password_hash
            )
            made = workspace_demo.seed_bench_conversations(
                now=now, count=conversations, agents=bench_agents
            )
            self.stdout.write(
                f"Benchmark conversations created: {made} (agents: {len(bench_agents)})"
            )
        # Demo and benchmark data are written in bulk, past the services that keep credit.
        call_command("reports_rebuild", all=bool(created or conversations), stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo logins (password: demo):"))
        for username, role in LOGINS:
            self.stdout.write(f"  {username:<18} {role}")
