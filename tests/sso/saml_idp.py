"""The tests' SAML 2.0 identity provider: pysaml2's IdP (``saml2.server.Server``, signing with
the ``xmlsec1`` program) behind a small WSGI login page, on loopback in a thread.

It reads the app's service-provider metadata from the app itself, signs each assertion with a
key made for the run, and reads ``directory`` (who exists, in which groups) at every sign-in."""

import datetime
import html
import tempfile
import threading
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256


def signing_pair(folder: Path, name: str) -> tuple[Path, Path, str]:
    """A key and self-signed certificate; returns their paths and the certificate's base64."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file.write_bytes(pem)
    body = "".join(pem.decode().strip().splitlines()[1:-1])
    return key_file, cert_file, body


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


class SamlProvider:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="saml-idp-"))
        self.key_file, self.cert_file, self.certificate = signing_pair(self.folder, "idp")
        *_, self.other_certificate = signing_pair(self.folder, "stranger")
        self.directory: dict[str, dict] = {}
        self.server = None
        self.httpd = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def entity_id(self) -> str:
        return f"http://127.0.0.1:{self.port}/metadata"

    @property
    def sso_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sso"

    def trust(self, sp_metadata_url: str) -> None:
        """Load the app's service-provider metadata (the app must be configured first)."""
        metadata = requests.get(sp_metadata_url, timeout=10).text
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                        "sign_assertion": True,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
                            }
                        },
                    }
                },
                "key_file": str(self.key_file),
                "cert_file": str(self.cert_file),
                "metadata": {"inline": [metadata]},
                "allow_unknown_attributes": True,
            }
        )
        self.server = Server(config=config)

    def _app(self, environ, start_response):
        if environ["PATH_INFO"] == "/sso":
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            page = _LOGIN.format(
                request=html.escape(query["SAMLRequest"][0]),
                relay=html.escape(query.get("RelayState", [""])[0]),
            )
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [page.encode()]
        if environ["PATH_INFO"] == "/login":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode(), keep_blank_values=True)
            body = self._answer(form["SAMLRequest"][0], form["RelayState"][0], form["login"][0])
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [body.encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def _answer(self, saml_request: str, relay_state: str, login: str) -> str:
        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        person = self.directory[login]
        identity = {
            "uid": [login],
            "email": [person["email"]],
            "first_name": [person.get("first_name", "")],
            "last_name": [person.get("last_name", "")],
            "groups": person["groups"],
        }
        response = self.server.create_authn_response(
            identity,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=login),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        http_args = self.server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            request.assertion_consumer_service_url,
            relay_state,
            response=True,
        )
        return http_args["data"]

    def stop(self) -> None:
        self.httpd.shutdown()


_LOGIN = """<!doctype html><html lang="en"><title>Test IdP</title>
<form method="post" action="/login">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay}">
<label>Login <input name="login"></label> <button type="submit">Sign-in</button>
</form></html>"""
