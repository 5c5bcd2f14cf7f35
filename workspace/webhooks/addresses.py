"""Where webhooks may go: https URLs whose host resolves to public addresses only. Checked when
an admin saves the URL and again, after resolving, before every request, and the request goes
to the address that was checked (a name that later resolves elsewhere gains nothing).

``WEBHOOKS_ALLOW_LOOPBACK`` (tests, local receivers) also admits loopback addresses, over http
or https."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class AddressRefused(Exception):
    """The URL may not receive webhooks; the message says why, for the admin."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address the request connects to


def _allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return bool(settings.WEBHOOKS_ALLOW_LOOPBACK)
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(_("The host name could not be resolved.")) from error
    return list(dict.fromkeys(info[4][0] for info in found))


def target_for(url: str) -> Target:
    """The checked target of ``url``, or ``AddressRefused``. Every address the name resolves to
    must be public, so a name with one private address among public ones is refused."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise AddressRefused(_("The URL may not contain a user name or password."))
    if not parts.hostname:
        raise AddressRefused(_("Enter a full URL, starting with https://."))
    if parts.scheme not in ("https", "http"):
        raise AddressRefused(_("Only https URLs can receive webhooks."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused(_("The port is not valid.")) from error
    addresses = _resolve(parts.hostname, port)
    ips = [ipaddress.ip_address(address.split("%")[0]) for address in addresses]
    if not ips or not all(_allowed(ip) for ip in ips):
        raise AddressRefused(
            _("Webhooks go only to public internet addresses; this one is private or local.")
        )
    if parts.scheme == "http" and not all(ip.is_loopback for ip in ips):
        raise AddressRefused(_("Only https URLs can receive webhooks."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])
