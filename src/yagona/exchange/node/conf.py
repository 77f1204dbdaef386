"""The global configuration as a node sees it: a JWS (ES256) signed by the central
authority's configuration key, whose certificate travels in the ``x5c`` header and
must have been issued by the configuration anchor the node was installed with (the
authority's root certificate). It expires: a node refuses to serve on a
configuration older than its ``expires``.

Django-free: exchange nodes import it.
"""

import base64
import datetime as dt
import json
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from yagona.exchange.ids import ServiceId, SubsystemId


class _Registry(jws.JWSRegistry):
    max_header_length = 8_192  # the signer's certificate travels in it (x5c)
    max_payload_length = 32 * 2**20  # a configuration of thousands of members


REGISTRY = _Registry(algorithms=["ES256"])


class ConfError(Exception):
    """The configuration is not the authority's, or not valid now."""


def verify(token: str, anchor: x509.Certificate, now: dt.datetime | None = None) -> dict:
    """The configuration's content, after checking its signer against the anchor, its
    signature and its expiry."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        header = jws.extract_compact(token.encode(), registry=REGISTRY).headers()
        signer = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    except (JoseError, KeyError, IndexError, ValueError, TypeError) as exc:
        raise ConfError("not a signed configuration") from exc
    try:
        signer.verify_directly_issued_by(anchor)
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise ConfError("the signer's certificate is not from the configuration anchor") \
            from exc
    if not signer.not_valid_before_utc <= now <= signer.not_valid_after_utc:
        raise ConfError("the signer's certificate is not valid now")
    usages = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    if ExtendedKeyUsageOID.CODE_SIGNING not in usages:
        raise ConfError("the signer's certificate is not for signing configurations")
    key = ECKey.import_key(signer.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    try:
        content = json.loads(jws.deserialize_compact(token, key, registry=REGISTRY).payload)
    except (JoseError, ValueError) as exc:
        raise ConfError("the configuration's signature is not valid") from exc
    if dt.datetime.fromisoformat(content["expires"]) <= now:
        raise ConfError("the configuration has expired")
    return content


@dataclass
class Configuration:
    """A verified configuration, indexed for the questions a node asks on each message."""

    content: dict
    expires: dt.datetime = field(init=False)

    def __post_init__(self):
        c = self.content
        self.expires = dt.datetime.fromisoformat(c["expires"])
        self.instance = c["instance"]
        self.subsystems = {s["id"]: s for s in c["subsystems"]}
        self.services = {s["id"]: s for s in c["services"]}
        self.nodes = {n["member"]: n for n in c["nodes"]}
        self.signing = {}  # member id -> [certificate]
        for entry in c["signing_certificates"]:
            self.signing.setdefault(entry["member"], []).append(
                x509.load_pem_x509_certificate(entry["pem"].encode()))
        self.tls = {entry["sha256"]: entry["member"] for entry in c["tls_certificates"]}
        self.rights: dict[str, list[dict]] = {}
        for right in c["access"]:
            self.rights.setdefault(right["service"], []).append(right)

    def expired(self, now: dt.datetime | None = None) -> bool:
        return (now or dt.datetime.now(dt.UTC)) >= self.expires

    def allowed(self, client: SubsystemId, service: ServiceId, method: str, path: str) -> bool:
        """Whether ``client`` may call ``method path`` of ``service``."""
        for right in self.rights.get(str(service), []):
            if right["client"] != str(client):
                continue
            if right["method"] and right["method"] != method:
                continue
            wanted = right["path"]
            if not wanted or wanted == path or (wanted.endswith("*")
                                                and path.startswith(wanted[:-1])):
                return True
        return False
