"""The platform's certificate authority for the data exchange (the `cryptography`
package throughout; nothing hand-made).

One self-signed root issues three kinds of certificate: the authority's own
configuration-signing and timestamping certificates, nodes' TLS certificates (server
and client authentication, for mutual TLS between nodes) and members' signing
certificates (the key that signs every message). Keys are ECDSA P-256: TLS and JWS
(ES256) both take them; the timestamping key is RSA. The authority's private keys are files in
``settings.EXCHANGE_DIR`` readable by the owner only.
"""

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# What a node makes for itself; the authority makes its own keys the same way.
from yagona.exchange.node.enrol import key_pem, make_request, new_key  # noqa: F401

ROOT_YEARS, AUTHORITY_YEARS = 20, 5
TLS_DAYS, SIGN_DAYS = 365, 2 * 365


class BadRequest(ValueError):
    """A certificate signing request that cannot be honoured."""


@dataclass(frozen=True)
class KeyPair:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> str:
        return pem(self.certificate)


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def _name(common_name: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    return x509.Name(parts)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _root(key) -> x509.Certificate:
    name = _name("Yagona exchange root", "Yagona")
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(_now() - dt.timedelta(minutes=5))
            .not_valid_after(_now() + dt.timedelta(days=365 * ROOT_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))


def _issue(root: KeyPair, subject: x509.Name, public_key, days: int, usages, *,
           commitment: bool = False, sans: list[x509.GeneralName] | None = None,
           ) -> x509.Certificate:
    """A leaf certificate; ``commitment`` (non-repudiation) for keys that sign messages."""
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(root.certificate.subject).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(_now() - dt.timedelta(minutes=5))
               .not_valid_after(_now() + dt.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, content_commitment=commitment,
                   key_encipherment=False, data_encipherment=False, key_agreement=False,
                   key_cert_sign=False, crl_sign=False, encipher_only=False,
                   decipher_only=False), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   root.key.public_key()), critical=False))
    if usages:  # RFC 3161 wants the timestamping usage alone, and critical
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(usages),
            critical=ExtendedKeyUsageOID.TIME_STAMPING in usages)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(root.key, hashes.SHA256())


FILES = ("root", "conf", "tsa")


def exists(folder: Path) -> bool:
    return all((Path(folder) / f"{name}.key").exists() for name in FILES)


def create(folder: Path) -> None:
    """Make the root and the configuration-signing and timestamping key pairs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    root_key = new_key()
    root = KeyPair(root_key, _root(root_key))
    pairs = {"root": root}
    for name, label, usage in (
            ("conf", "configuration", ExtendedKeyUsageOID.CODE_SIGNING),
            ("tsa", "timestamping", ExtendedKeyUsageOID.TIME_STAMPING)):
        # RSA for timestamps: what RFC 3161 tools expect first (pyhanko's TSA needs it).
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072) \
            if name == "tsa" else new_key()
        pairs[name] = KeyPair(key, _issue(root, _name(f"Yagona exchange {label}", "Yagona"),
                                          key.public_key(), 365 * AUTHORITY_YEARS, [usage]))
    for name, pair in pairs.items():
        key_file = folder / f"{name}.key"
        key_file.touch(mode=0o600)
        key_file.write_bytes(key_pem(pair.key))
        (folder / f"{name}.pem").write_text(pair.certificate_pem)


class Authority:
    """The authority's three key pairs, read from (or, where allowed, made in) a folder."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or settings.EXCHANGE_DIR)
        if not exists(self.folder):
            if settings.PRODUCTION:
                raise ImproperlyConfigured(
                    f"No exchange authority in {self.folder}: run "
                    "'yagona exchange init-authority' once, and keep its keys safe.")
            create(self.folder)
        self.root, self.conf, self.tsa = (self._load(n) for n in FILES)

    def _load(self, name: str) -> KeyPair:
        key = serialization.load_pem_private_key((self.folder / f"{name}.key").read_bytes(),
                                                 password=None)
        return KeyPair(key, x509.load_pem_x509_certificate(
            (self.folder / f"{name}.pem").read_bytes()))

    def sign_request(self, csr_pem: str, kind: str, common_name: str, organisation: str,
                     hosts: list[str] = ()) -> x509.Certificate:
        """A certificate for a node's request: its subject is what the authority says
        (the member's identifier, the node's name), never what the request asks."""
        public_key = checked_request(csr_pem)
        subject = _name(common_name, organisation)
        if kind == "tls":
            return _issue(self.root, subject, public_key, TLS_DAYS,
                          [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
                          sans=[_host(h) for h in hosts])
        if kind == "sign":
            return _issue(self.root, subject, public_key, SIGN_DAYS, [], commitment=True)
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


