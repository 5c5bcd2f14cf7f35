"""Personas and their logged-in clients (STYLE: tests per role).

``agent`` has the Sales skill and is in the Sales group managed by ``agent_manager``;
``other_agent`` is in another group with its own manager (``other_manager``).
"""

import pytest
from django.core.cache import caches
from django.test import Client

from campaigns import config_stamp
from campaigns.roles import Role
from tests.factories import AgentGroupFactory, SkillFactory, UserFactory


@pytest.fixture(autouse=True)
def _process_memory():
    """Each test starts with nothing the process remembers between requests: configuration kept
    under the stamp (every test starts from the migrated database and its one stamp), and every
    cache (rate-limit counters, the currencies by use, the data indicator's last writes: a test
    that commits would otherwise hold back the next one's)."""
    config_stamp.forget_everything()
    for each in caches.all():
        each.clear()
    yield
    config_stamp.forget_everything()
    for each in caches.all():
        each.clear()


@pytest.fixture
def sales_skill(db):
    return SkillFactory(name="Sales")


@pytest.fixture
def billing_skill(db):
    return SkillFactory(name="Billing")


@pytest.fixture
def sales_group(db):
    return AgentGroupFactory(name="Sales team")


@pytest.fixture
def billing_group(db):
    return AgentGroupFactory(name="Billing team")


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", roles=[Role.ADMIN])


@pytest.fixture
def campaign_manager(db):
    return UserFactory(username="campaigns", roles=[Role.CAMPAIGN_MANAGER])


@pytest.fixture
def agent_manager(db, sales_group):
    manager = UserFactory(username="manager", roles=[Role.AGENT_MANAGER])
    sales_group.managers.add(manager)
    return manager


@pytest.fixture
def other_manager(db, billing_group):
    manager = UserFactory(username="manager2", roles=[Role.AGENT_MANAGER])
    billing_group.managers.add(manager)
    return manager


@pytest.fixture
def agent(db, sales_skill, sales_group):
    return UserFactory(
        username="agent", roles=[Role.AGENT], skills=[sales_skill], agent_group=sales_group
    )


@pytest.fixture
def other_agent(db, sales_skill, billing_group):
    return UserFactory(
        username="agent2", roles=[Role.AGENT], skills=[sales_skill], agent_group=billing_group
    )


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin):
    return _client_for(admin)


@pytest.fixture
def campaign_manager_client(campaign_manager):
    return _client_for(campaign_manager)


@pytest.fixture
def agent_manager_client(agent_manager):
    return _client_for(agent_manager)


@pytest.fixture
def other_manager_client(other_manager):
    return _client_for(other_manager)


@pytest.fixture
def agent_client(agent):
    return _client_for(agent)


@pytest.fixture
def other_agent_client(other_agent):
    return _client_for(other_agent)


@pytest.fixture
def htmx_headers():
    """Headers django-htmx reads to set ``request.htmx``."""
    return {"HX-Request": "true"}


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` exercise PostgreSQL row locks; on SQLite (which serialises
    writers) they are deselected, and CI runs them in its PostgreSQL pass."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgresql") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
