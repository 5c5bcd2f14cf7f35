"""The mapping table: what a provider's groups give a person, applied and audited."""

import pytest
from django.contrib.auth.models import Group

from campaigns.models import AgentGroup, AuditEntry, Skill
from campaigns.roles import Role
from campaigns.sso.models import GroupMapping, IdentityProvider
from campaigns.sso.services import MappedAccess, access_apply, access_for_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers_row(provider, sales_group, billing_group, billing_skill):
    row = GroupMapping.objects.create(
        provider=provider,
        external_group="cc-managers",
        role=Group.objects.get(name=Role.AGENT_MANAGER),
    )
    row.managed_groups.set([sales_group, billing_group])
    row.skills.set([billing_skill])
    return row


def test_matching_rows_give_the_union_of_roles_managed_groups_and_skills(
    provider, mapping, managers_row, sales_group, billing_group
):
    access = access_for_groups(provider=provider, groups=["cc-agents", "cc-managers", "other"])
    assert {r.name for r in access.roles} == {Role.AGENT, Role.AGENT_MANAGER}
    assert access.agent_group == sales_group
    assert set(access.managed_groups) == {sales_group, billing_group}
    assert {s.name for s in access.skills} == {"Sales", "Billing"}


def test_unknown_groups_and_other_providers_rows_give_nothing(provider, mapping):
    other = IdentityProvider.objects.create(slug="entra", name="Entra", protocol="saml")
    GroupMapping.objects.create(
        provider=other, external_group="admins", role=Group.objects.get(name=Role.ADMIN)
    )
    access = access_for_groups(provider=provider, groups=["admins", "CC-AGENTS"])
    assert access == MappedAccess()


def test_the_agent_group_comes_from_the_first_matching_row_by_group_name(
    provider, mapping, billing_group
):
    GroupMapping.objects.create(
        provider=provider, external_group="aa-billing", agent_group=billing_group
    )
    access = access_for_groups(provider=provider, groups=["cc-agents", "aa-billing"])
    assert access.agent_group == billing_group


def test_more_mapping_rows_do_not_add_queries(provider, mapping, django_assert_num_queries):
    with django_assert_num_queries(3):
        access_for_groups(provider=provider, groups=["cc-agents"])
    for n in range(5):
        row = GroupMapping.objects.create(
            provider=provider,
            external_group=f"g{n}",
            agent_group=AgentGroup.objects.create(name=f"Team {n}"),
        )
        row.skills.set([Skill.objects.create(name=f"Skill {n}")])
        row.managed_groups.set(AgentGroup.objects.all())
    with django_assert_num_queries(3):
        access_for_groups(provider=provider, groups=["cc-agents"] + [f"g{n}" for n in range(5)])


def test_apply_replaces_roles_team_and_skills_and_keeps_other_groups(
    provider, mapping, billing_group, billing_skill
):
    extra = Group.objects.create(name="Newsletter")
    person = UserFactory(roles=[Role.ADMIN, "Newsletter"], skills=[billing_skill])
    person.agent_group = billing_group
    person.save()
    billing_group.managers.add(person)

    changed = access_apply(
        user=person,
        access=access_for_groups(provider=provider, groups=["cc-agents"]),
        provider=provider,
    )

    person.refresh_from_db()
    assert changed
    assert set(person.groups.values_list("name", flat=True)) == {Role.AGENT, extra.name}
    assert person.agent_group.name == "Sales team"
    assert list(person.managed_groups.all()) == []
    assert list(person.skills.values_list("name", flat=True)) == ["Sales"]
    entry = AuditEntry.objects.get(action="sso.access_mapped")
    assert entry.before["roles"] == [Role.ADMIN]
    assert entry.after == {
        "roles": [Role.AGENT],
        "agent_group": "Sales team",
        "managed_groups": [],
        "skills": ["Sales"],
    }


def test_applying_the_same_access_again_changes_and_audits_nothing(provider, mapping):
    person = UserFactory()
    access = access_for_groups(provider=provider, groups=["cc-agents"])
    assert access_apply(user=person, access=access, provider=provider)
    assert not access_apply(user=person, access=access, provider=provider)
    assert AuditEntry.objects.filter(action="sso.access_mapped").count() == 1
