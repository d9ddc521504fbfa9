"""A real SAML 2.0 identity provider for tests: pysaml2's IdP served on 127.0.0.1 from a thread.

It signs with a key and certificate generated for the test run (xmlsec1, from Debian, does the
signing), reads the SP's metadata from Cordée's own metadata URL, answers AuthnRequests sent to
`/sso` (HTTP-Redirect binding) with a SAML Response in an auto-posting HTML form, and serves its
own metadata at `/metadata`. What it asserts is set by the test on the object before the
sign-in: `user` (attributes), `name_id`, `sign_assertion`, `audience`.
"""

from __future__ import annotations

import datetime
import html
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

XMLSEC1 = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"

# Attribute names as Entra ID sends them (Okta and Keycloak can be set to the same).
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
GIVEN_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
EMPLOYEE_ID = "http://schemas.microsoft.com/identity/claims/employeeid"
DEPARTMENT = "http://schemas.microsoft.com/identity/claims/department"
SITE = "officeLocation"
MANAGER = "managerEmployeeId"


def make_key_and_cert(folder: Path, common_name: str) -> tuple[Path, Path, str]:
    """A fresh RSA key and self-signed certificate: (key file, cert file, cert PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC))
        .sign(key, hashes.SHA256())
    )
    key_file = folder / f"{common_name}.key"
    cert_file = folder / f"{common_name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    cert_file.write_text(pem)
    return key_file, cert_file, pem


def certificate_pem(common_name: str) -> str:
    """A self-signed certificate (PEM), for configurations that are never signed against."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return make_key_and_cert(Path(folder), common_name)[2]


def pem_body(pem: str) -> str:
    """A certificate as IdPs show it in their consoles: base64 only, no BEGIN/END lines."""
    return "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)


class SamlIdP:
    """Start it, configure the SP with its entity id, SSO URL and certificate, then give it the
    SP's metadata (`trust_sp`), as an IT department does in its IdP's console."""

    def __init__(self, folder: Path, name: str = "idp"):
        self.folder = folder
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.entity_id = f"{self.url}/metadata"
        self.sso_url = f"{self.url}/sso"
        self.key_file, self.cert_file, self.cert_pem = make_key_and_cert(folder, name)
        self.server = None
        # What the next response asserts (the test sets these).
        self.user: dict[str, list[str]] = {}
        self.name_id: str = ""
        self.sign_assertion = True
        self.audience: str | None = None  # None: the requesting SP's entity id
        self.requests: list[str] = []
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def trust_sp(self, sp_metadata: str) -> None:
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS
        from saml2.server import Server

        maps = self.folder / "attributemaps"
        maps.mkdir(exist_ok=True)
        # Attribute names go out as the test writes them (an identity map, URI name format).
        names = [EMAIL, GIVEN_NAME, SURNAME, EMPLOYEE_ID, DEPARTMENT, SITE, MANAGER]
        identity = {name: name for name in names}
        attribute_map = {"identifier": NAME_FORMAT_URI, "fro": identity, "to": identity}
        (maps / "cordee_test.py").write_text(f"MAP = {attribute_map!r}\n")
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 15},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
                "key_file": str(self.key_file),
                "cert_file": str(self.cert_file),
                "xmlsec_binary": XMLSEC1,
                "attribute_map_dir": str(maps),
                "metadata": {"inline": [sp_metadata]},
            }
        )
        self.server = Server(config=config)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def metadata(self) -> str:
        from saml2.metadata import create_metadata_string

        return create_metadata_string(None, config=self.server.config, valid=24).decode()

    def respond(self, saml_request: str, relay_state: str | None) -> str:
        """The auto-posting HTML form carrying the signed SAML Response to the SP's ACS."""
        from saml2 import BINDING_HTTP_REDIRECT

        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        message = request.message
        self.requests.append(message.id)
        return self.post_form(
            in_response_to=message.id,
            destination=message.assertion_consumer_service_url,
            sp_entity_id=message.issuer.text,
            relay_state=relay_state,
        )

    def post_form(
        self,
        *,
        in_response_to: str | None,
        destination: str,
        sp_entity_id: str,
        relay_state: str | None = None,
    ) -> str:
        """A response as an HTML form; without `in_response_to`, an IdP-initiated one."""
        from saml2 import BINDING_HTTP_POST
        from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_EMAILADDRESS, NameID
        from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

        response = self.server.create_authn_response(
            identity=self.user,
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=self.audience or sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=self.name_id),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": self.url},
            sign_assertion=self.sign_assertion,
            sign_response=False,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        binding = self.server.apply_binding(
            BINDING_HTTP_POST, str(response), destination, relay_state or "", response=True
        )
        return binding["data"]

    def _handler(self):
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                if url.path == "/metadata":
                    self._send(200, idp.metadata(), "application/samlmetadata+xml")
                elif url.path == "/sso" and "SAMLRequest" in query:
                    try:
                        body = idp.respond(
                            query["SAMLRequest"][0], query.get("RelayState", [None])[0]
                        )
                    except Exception as error:  # the IdP's refusal, shown as its error page
                        self._send(400, f"IdP refused the request: {error}", "text/plain")
                        return
                    self._send(200, body, "text/html")
                else:
                    self._send(404, "not found", "text/plain")

            def _send(self, status: int, body: str, content_type: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def request_id(redirect_url: str) -> str:
    """The ID of the AuthnRequest carried by an HTTP-Redirect binding URL."""
    import base64
    import zlib

    query = parse_qs(urlparse(redirect_url).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15).decode()
    return re.search(r'\sID="([^"]+)"', xml).group(1)


def posted_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the IdP's auto-posting form."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    }
    return action, fields
