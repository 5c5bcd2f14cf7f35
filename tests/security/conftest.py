"""Security suite fixtures: one small world with an object of every kind the URLs name, a
client per role, and the figures the scorecard reads (written to ``SECURITY_FIGURES`` or
``test-artifacts/security/figures.json`` when the session ends)."""

import json
import os
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.catalogue import AttributeType
from campaigns.models import AttributionPolicy, GoalType, QuestionKind
from campaigns.services.connectors import connector_create, connector_revoke
from reporting.models import ReportExport, Target
from tests.factories import CampaignFactory, ConversationFactory, VisitorFactory
from tests.workspace.factories import agent_survey, attribute_config
from workspace.services.outcomes import outcome_submit

ROOT = Path(__file__).resolve().parents[2]
FIGURES_PATH = Path(
    os.environ.get("SECURITY_FIGURES", ROOT / "test-artifacts" / "security" / "figures.json")
)
# The personas of the authorization matrix, in its column order.
WEB_ROLES = (
    "anonymous",
    "agent",
    "other_agent",
    "other_manager",
    "agent_manager",
    "campaign_manager",
    "admin",
)
API_ROLES = ("no_key", "revoked_key", "valid_key")


@pytest.fixture(scope="session")
def security_figures():
    """Figures per check, merged into the figures file when the session ends."""
    figures: dict[str, dict[str, Any]] = {}
    yield figures
    if not figures:
        return
    FIGURES_PATH.parent.mkdir(parents=True, exist_ok=True)
    previous = {}
    if FIGURES_PATH.exists():
        try:
            previous = json.loads(FIGURES_PATH.read_text())
        except ValueError:
            previous = {}
    previous.update(figures)
    FIGURES_PATH.write_text(json.dumps(previous, indent=2, sort_keys=True))


@dataclass
class World:
    """Every object a URL of the product names, owned as the matrix expects: the conversation,
    its outcome and the target belong to ``agent`` (Sales group, managed by ``agent_manager``);
    the export to ``admin``."""

    users: dict[str, Any]
    conversation: Any
    event: Any
    survey: Any
    questions: list[Any]
    campaign: Any
    goal: Any
    policy: Any
    connector: Any
    api_keys: dict[str, str]
    target: Any
    export: Any
    clients: dict[str, Client] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def client_for(self, role: str, *, enforce_csrf: bool = False) -> Client:
        """A fresh client signed in as ``role`` (a copy of its cookies: a logout in one cell
        must not sign the role out for the next)."""
        client = Client(enforce_csrf_checks=enforce_csrf)
        if role != "anonymous":
            client.cookies = self.clients[role].cookies.__class__(self.clients[role].cookies)
        return client


@pytest.fixture
def world(
    settings,
    tmp_path,
    admin,
    campaign_manager,
    agent_manager,
    other_manager,
    agent,
    other_agent,
    sales_skill,
):
    settings.REPORT_EXPORTS_DIR = str(tmp_path)
    now = timezone.now()
    conversation = ConversationFactory(
        agent=agent, skill=sales_skill, started_at=now - timedelta(minutes=10)
    )
    attribute_config(AttributeType.PURCHASE, skills=[sales_skill])
    attribute_config(AttributeType.LEAD, skills=[sales_skill], required=True)
    survey = agent_survey(
        skills=[sales_skill],
        questions=[
            ("Notes", QuestionKind.FREE_TEXT, False, []),
            ("Topic", QuestionKind.SINGLE, False, ["Billing", "Sales"]),
        ],
    )
    event = outcome_submit(
        conversation=conversation,
        attribute_type="purchase",
        values={"total": Decimal(10), "orderId": "M-1"},
        currency="USD",
        actor=agent,
        token=None,
        now=now,
    )
    campaign = CampaignFactory(skill=sales_skill)
    connector, key = connector_create(name="Matrix shop", actor=None)
    revoked, revoked_key = connector_create(name="Old shop", actor=None)
    connector_revoke(connector=revoked, actor=None)
    (tmp_path / "export-1.csv").write_text("a,b\n1,2\n")
    users = {
        "admin": admin,
        "campaign_manager": campaign_manager,
        "agent_manager": agent_manager,
        "other_manager": other_manager,
        "agent": agent,
        "other_agent": other_agent,
    }
    world = World(
        users=users,
        conversation=conversation,
        event=event,
        survey=survey,
        questions=list(survey.questions.all()),
        campaign=campaign,
        goal=campaign.goal,
        policy=AttributionPolicy.objects.create(effective_from=now.date() + timedelta(days=30)),
        connector=connector,
        api_keys={"no_key": "", "revoked_key": revoked_key, "valid_key": key},
        target=Target.objects.create(
            month=now.date().replace(day=1),
            agent=agent,
            goal_type=GoalType.SELL,
            count_target=5,
            set_by=admin,
        ),
        export=ReportExport.objects.create(
            requested_by=admin,
            dataset="events",
            status=ReportExport.Status.DONE,
            file_name="export-1.csv",
            created_at=now,
            finished_at=now,
        ),
    )
    VisitorFactory(external_id="visitor-to-erase")
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        world.clients[role] = client
    return world
