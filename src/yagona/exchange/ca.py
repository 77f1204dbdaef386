"""The data exchange's certificates: nodes' TLS certificates (server and client
authentication, for mutual TLS between nodes) and members' signing certificates (the key
that signs every message), issued by the platform's root (``signing.authority``) for a
node's certificate signing request.
"""

import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

# The root, its files and helpers are the signing room's; the exchange uses them.
from yagona.exchange.node.enrol import make_request  # noqa: F401
from yagona.signing import authority
from yagona.signing.authority import (  # noqa: F401
    KeyPair,
    create,
    exists,
    fingerprint,
    key_pem,
    new_key,
    pem,
)

TLS_DAYS, SIGN_DAYS = 365, 2 * 365


class BadRequest(ValueError):
    """A certificate signing request that cannot be honoured."""


class Authority(authority.Authority):
    """The platform authority, signing nodes' requests."""

    def sign_request(self, csr_pem: str, kind: str, common_name: str, organisation: str,
                     hosts: list[str] = ()) -> x509.Certificate:
        """A certificate for a node's request: its subject is what the authority says
        (the member's identifier, the node's name), never what the request asks."""
        public_key = checked_request(csr_pem)
        subject = authority.name(common_name, organisation)
        if kind == "tls":
            return authority.issue(
                self.root, subject, public_key, TLS_DAYS,
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
                sans=[_host(h) for h in hosts])
        if kind == "sign":
            return authority.issue(self.root, subject, public_key, SIGN_DAYS, [],
                                   commitment=True)
        raise BadRequest(f"unknown certificate kind {kind!r}")


def checked_request(csr_pem: str) -> ec.EllipticCurvePublicKey:
    """The key a certificate signing request is for, once its form is checked."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode())
    except ValueError as exc:
        raise BadRequest("not a PEM certificate signing request") from exc
    if not csr.is_signature_valid:
        raise BadRequest("the request's signature does not match its key")
    public_key = csr.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey) or \
            public_key.curve.name != "secp256r1":
        raise BadRequest("the key must be ECDSA P-256")
    return public_key


def _host(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


