"""The tests' SAML 2.0 identity provider: pysaml2's IdP (``saml2.server.Server``, signing with
the ``xmlsec1`` program) behind a small WSGI login page, on loopback in a thread.

It reads the app's service-provider metadata from the app itself, signs each assertion with a
key made for the run, and reads ``directory`` (who exists, in which groups) at every sign-in.
It keeps a session of its own (a cookie): a browser signed in here is not asked again. Its
single logout address takes the app's LogoutRequest only with a valid signature of the app's
key (from that metadata), ends the person's session here, records it in ``logouts`` and
answers with a signed LogoutResponse (HTTP-Redirect binding)."""

import datetime
import html
import secrets
import tempfile
import threading
from http.cookies import SimpleCookie
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
from saml2.sigver import verify_redirect_signature
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


SIGNED_PARTS = ("SAMLRequest", "RelayState", "SigAlg", "Signature")


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


class SamlProvider:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="saml-idp-"))
        self.key_file, self.cert_file, self.certificate = signing_pair(self.folder, "idp")
        *_, self.other_certificate = signing_pair(self.folder, "stranger")
        self.directory: dict[str, dict] = {}
        self.sessions: dict[str, str] = {}  # cookie value -> login
        self.logouts: list[dict] = []  # name_id and session_index of each logout honoured
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

    @property
    def slo_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slo"

    def trust(self, sp_metadata_url: str) -> None:
        """Load the app's service-provider metadata (the app must be configured first)."""
        self.trust_metadata(requests.get(sp_metadata_url, timeout=10).text)

    def trust_metadata(self, metadata: str) -> None:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(self.slo_url, BINDING_HTTP_REDIRECT)],
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
        query = {
            name: values[0]
            for name, values in parse_qs(environ.get("QUERY_STRING", ""), True).items()
        }
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        signed_in = self.sessions.get(
            cookie["idp_session"].value if "idp_session" in cookie else ""
        )
        html_page = [("Content-Type", "text/html; charset=utf-8")]
        if environ["PATH_INFO"] == "/sso":
            if signed_in:  # a session here: no credentials asked
                body = self.answer(query["SAMLRequest"], query.get("RelayState", ""), signed_in)
                start_response("200 OK", html_page)
                return [body.encode()]
            page = _LOGIN.format(
                request=html.escape(query["SAMLRequest"]),
                relay=html.escape(query.get("RelayState", "")),
            )
            start_response("200 OK", html_page)
            return [page.encode()]
        if environ["PATH_INFO"] == "/login":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode(), keep_blank_values=True)
            body = self.answer(form["SAMLRequest"][0], form["RelayState"][0], form["login"][0])
            session = secrets.token_urlsafe(16)
            self.sessions[session] = form["login"][0]
            start_response("200 OK", [*html_page, ("Set-Cookie", f"idp_session={session}; Path=/")])
            return [body.encode()]
        if environ["PATH_INFO"] == "/slo":
            location = self.logout(query)
            if location is None:
                start_response("403 Forbidden", [("Content-Type", "text/plain")])
                return [b"logout request not signed by the service provider"]
            start_response("302 Found", [("Location", location)])
            return [b""]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def logout(self, query: dict) -> str | None:
        """End the session of the LogoutRequest's NameID if the app signed the request (``query``:
        the HTTP-Redirect binding's parameters); the address of the signed answer, or None."""
        request = self.server.parse_logout_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT
        ).message
        certificates = self.server.metadata.certs(request.issuer.text, "any", "signing")
        if "Signature" not in query or "SigAlg" not in query:
            return None
        signed = {name: query[name] for name in SIGNED_PARTS if name in query}
        if not any(
            verify_redirect_signature(signed, self.server.sec.sec_backend, certificate)
            for _name, certificate in certificates
        ):
            return None
        login = request.name_id.text
        self.sessions = {key: who for key, who in self.sessions.items() if who != login}
        self.logouts.append(
            {"name_id": login, "session_index": [index.text for index in request.session_index]}
        )
        response = self.server.create_logout_response(request, [BINDING_HTTP_REDIRECT], sign=False)
        destination = self.server.metadata.single_logout_service(
            request.issuer.text, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        http_args = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            query.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return dict(http_args["headers"])["Location"]

    def answer(self, saml_request: str, relay_state: str, login: str) -> str:
        """The signed sign-in answer for ``login``: a form that posts itself to the app."""
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
