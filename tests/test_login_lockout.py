"""The client's address behind our proxy, and the sign-in lockout built on it: a stranger who
fails on someone's account locks only their own address out of it; X-Forwarded-For from anyone
but a trusted proxy is ignored; an address that fails on many accounts is locked out of all."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from outcomes_site.client_address import client_address

PROXY = "127.0.0.1"  # the shipped nginx, on loopback
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.4"


def _address(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, None, PROXY),  # the dev server, no proxy
        (PROXY, OWNER, OWNER),  # through our nginx
        (PROXY, f"{OWNER}, {ATTACKER}", ATTACKER),  # the client wrote the left part: not used
        (PROXY, f"1.1.1.1,{ATTACKER}", ATTACKER),
        (ATTACKER, OWNER, ATTACKER),  # straight to gunicorn, spoofing: ignored
        ("::ffff:127.0.0.1", OWNER, OWNER),  # loopback seen on an IPv6 socket
        ("::1", OWNER, OWNER),
        (PROXY, "not-an-address", PROXY),
        (PROXY, "", PROXY),
    ],
)
def test_client_address_believes_only_trusted_proxies(remote, forwarded, expected, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert _address(remote, forwarded) == expected


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # A load balancer (10.1.2.3) in front of our nginx: the hop before it is the client.
    assert _address(PROXY, f"{ATTACKER}, {OWNER}, 10.1.2.3") == OWNER
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address(PROXY, f"{ATTACKER}, {OWNER}, 10.1.2.3") == "10.1.2.3"


def test_no_trusted_proxy_means_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert _address(PROXY, OWNER) == PROXY


def test_a_bad_trusted_proxies_setting_stops_with_a_clear_error(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "proxy.internal"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        _address(PROXY, OWNER)


def _sign_in(password: str, *, remote: str, forwarded: str | None = None, username="agent"):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=remote, **extra
    )


def test_a_stranger_exhausting_the_budget_does_not_lock_the_owner_out(agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("wrong", remote=PROXY, forwarded=ATTACKER)
    # The stranger's address is locked out of the account, even with the right password...
    assert _sign_in("pw", remote=PROXY, forwarded=ATTACKER).status_code == 429
    # ...and the owner, through the same proxy from their own address, signs in.
    assert _sign_in("pw", remote=PROXY, forwarded=OWNER).status_code == 302


def test_spoofed_forwarded_for_from_an_untrusted_address_is_ignored(agent, settings):
    # Straight to the app, claiming to be the owner (and changing the claim every time).
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("wrong", remote=ATTACKER, forwarded=f"198.51.100.{attempt}")
    assert _sign_in("pw", remote=ATTACKER, forwarded="198.51.100.77").status_code == 429
    assert _sign_in("pw", remote=PROXY, forwarded=OWNER).status_code == 302
    assert _sign_in("pw", remote="198.51.100.0").status_code == 302


def test_failures_below_the_budget_lock_nothing(agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in("wrong", remote=PROXY, forwarded=ATTACKER).status_code == 200
    assert _sign_in("pw", remote=PROXY, forwarded=ATTACKER).status_code == 302


def test_an_address_failing_on_many_accounts_is_locked_out_of_every_account(
    agent, other_agent, admin, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for username in ("agent", "agent", "agent2", "agent2"):  # two tries each: no pair is locked
        assert _sign_in("wrong", remote=PROXY, forwarded=ATTACKER, username=username).status_code
    # A third account, never tried from there, with its right password: refused.
    assert _sign_in("pw", remote=PROXY, forwarded=ATTACKER, username="admin").status_code == 429
    # Everyone else is unaffected.
    assert _sign_in("pw", remote=PROXY, forwarded=OWNER, username="admin").status_code == 302


def test_the_address_budget_can_be_turned_off(agent, other_agent, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 0
    for username in ("agent", "agent", "agent2", "agent2", "nobody", "nobody"):
        _sign_in("wrong", remote=PROXY, forwarded=ATTACKER, username=username)
    assert _sign_in("pw", remote=PROXY, forwarded=ATTACKER).status_code == 302


def test_the_security_log_names_the_client_not_the_proxy(agent, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        _sign_in("wrong", remote=PROXY, forwarded=ATTACKER)
        Client().get("/no-such-page/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OWNER)
    assert f"failed sign-in user='agent' address={ATTACKER}" in caplog.text
    assert f"address={OWNER}" in caplog.text
