"""Who a sign-in is: the identity link, linking by e-mail only when verified or trusted, users
created just in time, and the refusals (no mapped role, unverified e-mail, deactivated)."""

import logging

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from campaigns.models import AuditEntry, User
from campaigns.roles import Role
from campaigns.sso.adapter import SocialAccountAdapter
from campaigns.sso.services import SignInRefused, link_target
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _request():
    request = RequestFactory().get("/sso/oidc/okta/login/callback/")
    request.session = SessionStore()
    request.user = None
    return request


def _sign_in(*, uid="sub-1", email="ann@example.com", verified=True, groups=("cc-agents",)):
    """allauth's answer after it checked the provider's tokens, as the adapter receives it."""
    request = _request()
    login = SocialLogin(
        provider=SocialAccountAdapter(request).get_provider(request, "okta"),
        user=User(username="", email=email),
        account=SocialAccount(
            provider="okta", uid=uid, extra_data={"id_token": {"sub": uid, "groups": list(groups)}}
        ),
        email_addresses=[EmailAddress(email=email, verified=verified, primary=True)],
    )
    login.lookup()
    SocialAccountAdapter(request).pre_social_login(request, login)
    return login


def test_link_target_needs_a_verified_address_or_a_trusted_provider(provider):
    ann = UserFactory(email="Ann@Example.com")
    assert link_target(provider=provider, email="ann@example.com", email_verified=True) == ann
    with pytest.raises(SignInRefused) as refused:
        link_target(provider=provider, email="ann@example.com", email_verified=False)
    assert refused.value.code == "unverified_email"
    provider.trust_email = True
    assert link_target(provider=provider, email="ann@example.com", email_verified=False) == ann


def test_link_target_is_none_for_a_new_address_or_none(provider):
    UserFactory(email="ann@example.com")
    assert link_target(provider=provider, email="bob@example.com", email_verified=True) is None
    assert link_target(provider=provider, email="", email_verified=True) is None


def test_first_sign_in_with_a_verified_address_links_the_existing_user_and_maps(provider, mapping):
    ann = UserFactory(email="ann@example.com", roles=[Role.ADMIN])
    login = _sign_in()
    assert login.user == ann
    link = SocialAccount.objects.get(provider="okta", uid="sub-1")
    assert link.user == ann
    assert list(ann.groups.values_list("name", flat=True)) == [Role.AGENT]


def test_a_linked_identity_is_found_by_subject_even_when_the_address_changed(provider, mapping):
    ann = UserFactory(email="ann@example.com")
    SocialAccount.objects.create(user=ann, provider="okta", uid="sub-1")
    login = _sign_in(email="ann.new@example.com", verified=False)
    assert login.user == ann
    assert ann.skills.get().name == "Sales"


def test_a_new_person_is_left_for_just_in_time_creation_with_their_access(provider, mapping):
    login = _sign_in(email="new@example.com")
    assert not login.is_existing
    assert [r.name for r in login.sso_access.roles] == [Role.AGENT]


def test_an_unverified_address_of_an_existing_user_is_refused_and_logged(provider, mapping, caplog):
    UserFactory(email="ann@example.com")
    with (
        caplog.at_level(logging.WARNING, logger="security"),
        pytest.raises(ImmediateHttpResponse) as refused,
    ):
        _sign_in(verified=False)
    assert refused.value.response.status_code == 403
    assert "not signed in" in refused.value.response.content.decode().lower()
    assert "reason=unverified_email" in caplog.text
    assert AuditEntry.objects.filter(action="auth.sso_refused").count() == 1
    assert not SocialAccount.objects.exists()


def test_no_mapped_role_is_refused(provider, mapping, caplog):
    with caplog.at_level(logging.WARNING, logger="security"), pytest.raises(ImmediateHttpResponse):
        _sign_in(groups=["visitors"])
    assert "reason=no_role" in caplog.text


def test_a_deactivated_user_is_refused(provider, mapping, caplog):
    ann = UserFactory(email="ann@example.com", is_active=False)
    SocialAccount.objects.create(user=ann, provider="okta", uid="sub-1")
    with caplog.at_level(logging.WARNING, logger="security"), pytest.raises(ImmediateHttpResponse):
        _sign_in()
    assert "reason=inactive" in caplog.text
