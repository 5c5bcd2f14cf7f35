"""The address of whoever sent a request, for the sign-in lockout and the security log.

Behind the shipped reverse proxy (``deploy/nginx.conf``) every request reaches gunicorn from the
proxy's own address, and the client's address arrives in ``X-Forwarded-For``, to which the proxy
appends the address it saw. That header is believed only when the request comes from an address
in ``TRUSTED_PROXIES``: anyone else can write any ``X-Forwarded-For`` they like. The header is read
from the right, skipping our own proxies, so the first hop that is not ours is the client; what a
client wrote to the left of it is never used.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` (addresses or networks such as ``10.0.0.0/8``) parsed once."""
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen on an IPv6 socket (::ffff:192.0.2.1) is the IPv4 client.
    return getattr(address, "ipv4_mapped", None) or address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or, when that is one of our trusted proxies, the
    right-most ``X-Forwarded-For`` hop that is not a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    current = _address(remote)
    if current is None or not _is_trusted(current, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            # Not an address: the hop was not written by a proxy of ours; stop at the last one.
            break
        current = address
        if not _is_trusted(current, networks):
            break
    return str(current)
