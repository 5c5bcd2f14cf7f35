"""Set up what the load, fault and scan steps use, in the database DATABASE_URL names:
agents with the Sales skill, each with one open conversation on which Transaction outcomes are
reported, a connector key for the API and, with --scanner, the scanner's own agent account.

    DATABASE_URL=... SCORECARD_PASSWORD=... python .ci/scorecard/world.py --agents 8 [--scanner]

Prints one JSON line: {"agents": [{"username", "conversation"}], "api_key": ..., "scanner": ...}.
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcomes_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns.models import AttributeConfig, AttributeField, Skill, User  # noqa: E402
from campaigns.roles import Role  # noqa: E402
from campaigns.services.connectors import connector_create  # noqa: E402
from workspace.models import Conversation, Message, Segment, Visitor  # noqa: E402


def agent_with_conversation(username: str, password_hash: str, skill: Skill) -> dict:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"first_name": username, "password": password_hash}
    )
    user.password = password_hash
    user.save(update_fields=["password"])
    user.groups.set([Group.objects.get(name=Role.AGENT)])
    user.skills.set([skill])
    now = timezone.now()
    visitor, _new = Visitor.objects.get_or_create(external_id=f"visitor-{username}")
    conversation, created = Conversation.objects.get_or_create(
        external_id=f"conversation-{username}",
        defaults={"visitor": visitor, "skill": skill, "agent": user, "started_at": now},
    )
    if created:
        Segment.objects.create(conversation=conversation, agent=user, skill=skill, started_at=now)
        Message.objects.create(
            conversation=conversation,
            sent_by=Message.SentBy.CONSUMER,
            text="Hello, I would like to order the blue plan.",
            sent_at=now + timedelta(seconds=5),
        )
    return {"username": username, "conversation": conversation.pk}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--scanner", action="store_true")
    args = parser.parse_args()
    password_hash = make_password(os.environ["SCORECARD_PASSWORD"])  # hashed once, reused
    skill, _created = Skill.objects.get_or_create(name="Sales")
    config, _created = AttributeConfig.objects.update_or_create(
        attribute_type="purchase", defaults={"submit_by_agent": True}
    )
    config.skills.set([skill])
    for position, (key, name) in enumerate([("total", "Order total"), ("orderId", "Order ID")]):
        AttributeField.objects.update_or_create(
            config=config, property_key=key, defaults={"display_name": name, "position": position}
        )
    agents = [
        agent_with_conversation(f"load-agent-{i}", password_hash, skill) for i in range(args.agents)
    ]
    scanner = agent_with_conversation("scanner", password_hash, skill) if args.scanner else None
    _connector, key = connector_create(name="Scorecard", actor=None)
    print(json.dumps({"agents": agents, "api_key": key, "scanner": scanner}))


if __name__ == "__main__":
    main()
