import pytest
from django.contrib.auth.models import Group

from campaigns.roles import Role
from campaigns.sso.models import GroupMapping, IdentityProvider


@pytest.fixture
def provider(db):
    return IdentityProvider.objects.create(
        slug="okta",
        name="Okta",
        protocol="openid_connect",
        issuer="https://example.okta.com",
        client_id="outcomes",
        client_secret="s3cret-value",
    )


@pytest.fixture
def mapping(provider, sales_group, sales_skill):
    """cc-agents: Agent role, the Sales team, the Sales skill."""
    row = GroupMapping.objects.create(
        provider=provider,
        external_group="cc-agents",
        role=Group.objects.get(name=Role.AGENT),
        agent_group=sales_group,
    )
    row.skills.set([sales_skill])
    return row
