"""The platform's root of trust (the `cryptography` package throughout; nothing hand-made).

One self-signed root, kept with the platform's configuration-signing and timestamping
key pairs in ``settings.EXCHANGE_DIR`` (private keys readable by the owner only). The
root certifies the data exchange's nodes and members (``exchange.ca``) and the signing
hierarchy's issuing authorities (``signing.pki``): one anchor for the whole platform.
Keys are ECDSA P-256 (TLS, JWS ES256 and PAdES all take them); the timestamping key is
RSA, which RFC 3161 tools expect first.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ROOT_YEARS, AUTHORITY_YEARS = 20, 5
FILES = ("root", "conf", "tsa")


@dataclass(frozen=True)
class KeyPair:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> str:
        return pem(self.certificate)


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def write_key(path: Path, key) -> None:
    """A private key file that only its owner can read, from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_bytes(key_pem(key))


def read_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def name(common_name: str, organisation: str = "", **more: str) -> x509.Name:
    """A subject: common name, organisation, and any of serial_number, title, country."""
    oids = {"serial_number": NameOID.SERIAL_NUMBER, "title": NameOID.TITLE,
            "country": NameOID.COUNTRY_NAME, "unit": NameOID.ORGANIZATIONAL_UNIT_NAME,
            "identifier": NameOID.ORGANIZATION_IDENTIFIER}
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name))]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)))
    parts += [x509.NameAttribute(oids[k], _fit(v)) for k, v in more.items() if v]
    return x509.Name(parts)


def _fit(text: str, limit: int = 64) -> str:
    """At most 64 characters and 64 bytes of UTF-8 (RFC 5280's upper bounds; cryptography
    counts the bytes, so a Tajik or Russian name of 33 letters is already too long), cut
    between characters."""
    return text[:limit].encode()[:limit].decode(errors="ignore")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def usage(*, sign=False, commitment=False, ca=False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=commitment, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False)


def _root(key) -> x509.Certificate:
    subject = name("Yagona root", "Yagona")
    # Path length 1: the root certifies issuing authorities (signing.pki), which certify
    # seals and persons but no further authorities.
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now() - dt.timedelta(minutes=5))
            .not_valid_after(now() + dt.timedelta(days=365 * ROOT_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))


def issue(issuer: KeyPair, subject: x509.Name, public_key, days: int, usages=(), *,
          commitment: bool = False, sans=None, extensions=()) -> x509.Certificate:
    """A leaf certificate; ``commitment`` (non-repudiation) for keys that sign content.
    ``extensions`` are (extension, critical) pairs the profile adds."""
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.certificate.subject).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now() - dt.timedelta(minutes=5))
               .not_valid_after(min(now() + dt.timedelta(days=days),
                                    issuer.certificate.not_valid_after_utc))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(usage(sign=True, commitment=commitment), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer.key.public_key()), critical=False))
    if usages:  # RFC 3161 wants the timestamping usage alone, and critical
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(list(usages)),
            critical=ExtendedKeyUsageOID.TIME_STAMPING in usages)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer.key, hashes.SHA256())


def exists(folder: Path) -> bool:
    return all((Path(folder) / f"{n}.key").exists() for n in FILES)


def create(folder: Path) -> None:
    """Make the root and the configuration-signing and timestamping key pairs."""
    folder = Path(folder)
    root_key = new_key()
    root = KeyPair(root_key, _root(root_key))
    pairs = {"root": root}
    for label, title, purpose in (
            ("conf", "configuration", ExtendedKeyUsageOID.CODE_SIGNING),
            ("tsa", "timestamping", ExtendedKeyUsageOID.TIME_STAMPING)):
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072) \
            if label == "tsa" else new_key()
        pairs[label] = KeyPair(key, issue(root, name(f"Yagona {title}", "Yagona"),
                                          key.public_key(), 365 * AUTHORITY_YEARS, [purpose]))
    for label, pair in pairs.items():
        write_key(folder / f"{label}.key", pair.key)
        (folder / f"{label}.pem").write_text(pair.certificate_pem)


class Authority:
    """The root, configuration-signing and timestamping key pairs, read from (or, where
    allowed, made in) a folder."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or settings.EXCHANGE_DIR)
        if not exists(self.folder):
            if settings.PRODUCTION:
                raise ImproperlyConfigured(
                    f"No authority in {self.folder}: run "
                    "'yagona exchange init-authority' once, and keep its keys safe.")
            create(self.folder)
        self.root, self.conf, self.tsa = _pairs(str(self.folder), _written(self.folder))


def _written(folder: Path) -> tuple:
    return tuple((folder / f"{label}.pem").stat().st_mtime_ns for label in FILES)


@functools.lru_cache(maxsize=8)
def _pairs(folder: str, _written: tuple) -> tuple[KeyPair, ...]:
    # Loading keys (an RSA key above all) costs more than signing with them: once per
    # process, again only when the files change.
    return tuple(KeyPair(read_key(Path(folder) / f"{label}.key"),
                         x509.load_pem_x509_certificate((Path(folder) / f"{label}.pem")
                                                        .read_bytes()))
                 for label in FILES)
