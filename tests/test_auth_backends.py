"""The one-query permissions backend answers as Django's ModelBackend does, in one query."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from outcomes_site.auth_backends import OneQueryModelBackend
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_same_permissions_as_django_in_one_query(django_assert_num_queries):
    role = Group.objects.create(name="Readers")
    role.permissions.add(*Permission.objects.filter(codename__startswith="view_")[:3])
    user = AgentFactory()
    user.groups.add(role)
    user.user_permissions.add(Permission.objects.get(codename="add_group"))
    expected = ModelBackend().get_all_permissions(_fresh(user))
    user = _fresh(user)
    with django_assert_num_queries(1):
        assert OneQueryModelBackend().get_all_permissions(user) == expected
    assert "auth.add_group" in expected


@pytest.mark.parametrize(("superuser", "active"), [(True, True), (False, False)])
def test_superusers_and_inactive_users(superuser, active):
    user = AgentFactory(is_superuser=superuser, is_active=active)
    user = _fresh(user)
    assert OneQueryModelBackend().get_all_permissions(user) == ModelBackend().get_all_permissions(
        _fresh(user)
    )
