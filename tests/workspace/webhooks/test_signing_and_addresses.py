"""Signatures verify with the Standard Webhooks library; only public https URLs are accepted,
and the check is made again, after resolving, before every request."""

import socket
import time
from unittest import mock

import pytest
from django.test import override_settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from workspace.webhooks.addresses import AddressRefused, target_for
from workspace.webhooks.services.sending import webhook_post
from workspace.webhooks.signing import secret_generate, signed_headers

BODY = b'{"type":"outcome.reported","data":{}}'


def test_a_signature_verifies_with_the_standard_webhooks_library():
    secret = secret_generate()
    headers = signed_headers(secret, "msg_1", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers) == {"type": "outcome.reported", "data": {}}
    assert headers["webhook-signature"].startswith("v1,")


def test_a_signature_fails_with_another_secret_or_a_changed_body():
    secret, now = secret_generate(), int(time.time())
    headers = signed_headers(secret, "msg_1", now, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_generate()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"{}", b"[]"), headers)
    assert Webhook(secret).verify(BODY, headers)["type"] == "outcome.reported"


def test_secrets_are_whsec_base64_and_differ():
    first, second = secret_generate(), secret_generate()
    assert first.startswith("whsec_")
    assert first != second
    assert len(first) == len("whsec_") + 32


def _resolving(*addresses):
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return mock.patch("workspace.webhooks.addresses.socket.getaddrinfo", side_effect=fake)


@pytest.mark.parametrize(
    "address",
    ["10.0.0.5", "192.168.1.2", "172.16.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"],  # noqa: S104,
)
def test_private_and_link_local_addresses_are_refused(address):
    with _resolving(address), pytest.raises(AddressRefused):
        target_for("https://crm.example.com/hooks")


@override_settings(WEBHOOKS_ALLOW_LOOPBACK=False)
@pytest.mark.parametrize("url", ["https://127.0.0.1/x", "https://[::1]/x", "http://localhost/x"])
def test_loopback_is_refused_unless_the_setting_allows_it(url):
    with pytest.raises(AddressRefused):
        target_for(url)


@override_settings(WEBHOOKS_ALLOW_LOOPBACK=True)
def test_the_test_setting_allows_loopback_over_http():
    assert target_for("http://127.0.0.1:8123/hooks?a=1").path == "/hooks?a=1"


def test_a_name_with_one_private_address_among_public_ones_is_refused():
    with _resolving("93.184.215.14", "10.1.2.3"), pytest.raises(AddressRefused):
        target_for("https://crm.example.com/hooks")


def test_public_https_is_accepted_and_pinned_to_the_checked_address():
    with _resolving("93.184.215.14"):
        target = target_for("https://crm.example.com/hooks")
    assert (target.host, target.address, target.port) == ("crm.example.com", "93.184.215.14", 443)


@pytest.mark.parametrize(
    "url", ["http://crm.example.com/x", "ftp://crm.example.com/x", "https://u:p@crm.example.com/"]
)
def test_plain_http_other_schemes_and_credentials_in_urls_are_refused(url):
    with _resolving("93.184.215.14"), pytest.raises(AddressRefused):
        target_for(url)


@override_settings(WEBHOOKS_ALLOW_LOOPBACK=False)
def test_the_address_is_checked_again_when_sending(receiver):
    # Saved while public, the name now resolves to loopback: nothing is sent, the log says why.
    with _resolving("127.0.0.1"):
        answer = webhook_post(
            url=f"https://crm.example.com:{receiver.port}/hooks",
            secret=secret_generate(),
            webhook_id="msg_1",
            body=BODY,
            now=0,
        )
    assert answer.status is None
    assert "public" in answer.error
    assert receiver.arrivals == []
    assert receiver.refused == []


def test_https_checks_the_certificate_for_the_host_name(tmp_path):
    import datetime as dt
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.handle_request, daemon=True).start()
    try:
        with _resolving("127.0.0.1"):
            answer = webhook_post(
                url=f"https://localhost:{server.server_address[1]}/hooks",
                secret=secret_generate(),
                webhook_id="msg_1",
                body=BODY,
                now=time.time(),
            )
    finally:
        server.server_close()
    # A self-signed certificate is refused: the request went over TLS, checked for the name.
    assert answer.status is None
    assert answer.error == "SSLCertVerificationError"
