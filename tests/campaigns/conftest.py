"""Campaign Builder fixtures: the roles that may and may not use it, and an anonymous client."""

import pytest
from django.test import Client

REFUSED = ["agent_manager_client", "agent_client"]
ALLOWED = ["admin_client", "campaign_manager_client"]


@pytest.fixture
def anonymous_client():
    return Client()


@pytest.fixture
def skills(db):
    from tests.factories import SkillFactory

    return {name: SkillFactory(name=name) for name in ["Sales", "Billing", "Tech support"]}
