"""Where signing keys live, behind one interface: ``generate`` a key pair under a
label (the private key never leaves the store) and get a pyhanko ``Signer`` for it.

``FileKeyStore`` keeps each key as a PKCS#8 file readable by its owner only (0600) in
``settings.SIGNING_DIR/keys``. ``Pkcs11KeyStore`` keeps them in a PKCS#11 token (an
HSM; SoftHSM in the tests) through python-pkcs11 and pyhanko's ``PKCS11Signer``:
``SIGNING_KEYSTORE=pkcs11`` with ``PKCS11_MODULE``, ``PKCS11_TOKEN`` and ``PKCS11_PIN``.
Document signing keys (seals, officials, citizens) go through here; the issuing
authorities' own keys sign certificates and CRLs with `cryptography`, so they are files
(an offline authority's, in a real deployment).
"""

import functools
import re
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from yagona.signing import authority

LABEL = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


def _checked(label: str) -> str:
    if not LABEL.match(label):
        raise ValueError(f"not a key label: {label!r}")
    return label


def asn1(certificate) -> asn1_x509.Certificate:
    """A `cryptography` certificate as asn1crypto's, which pyhanko speaks."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class FileKeyStore:
    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or Path(settings.SIGNING_DIR) / "keys")

    def _path(self, label: str) -> Path:
        return self.folder / f"{_checked(label)}.key"

    def generate(self, label: str):
        """A new ECDSA P-256 key pair under ``label``; returns its public key."""
        path = self._path(label)
        if path.exists():
            raise ValueError(f"a key {label!r} exists already")
        key = authority.new_key()
        authority.write_key(path, key)
        return key.public_key()

    def has(self, label: str) -> bool:
        return self._path(label).exists()

    def signer(self, label: str, certificate, chain) -> signers.Signer:
        """A pyhanko signer for the key, presenting its certificate and chain."""
        return _file_signer(str(self._path(label)), certificate.public_bytes(
            serialization.Encoding.DER), tuple(c.public_bytes(serialization.Encoding.DER)
                                               for c in chain))


@functools.lru_cache(maxsize=256)
def _file_signer(path: str, certificate_der: bytes, chain_der: tuple[bytes, ...]):
    # Parsing a key and certificates costs more than an ECDSA signature: keep signers.
    key = authority.read_key(Path(path))
    key_info = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate_der), signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c) for c in chain_der]))


class Pkcs11KeyStore:
    """Keys in a PKCS#11 token. The session stays open for the process."""

    def __init__(self, module: str | None = None, token: str | None = None,
                 pin: str | None = None):
        import pkcs11  # optional at run time: only a deployment with an HSM loads it

        self._pkcs11 = pkcs11
        lib = pkcs11.lib(module or settings.PKCS11_MODULE)
        found = lib.get_token(token_label=token or settings.PKCS11_TOKEN)
        try:
            self.session = found.open(user_pin=pin or settings.PKCS11_PIN, rw=True)
        except pkcs11.UserAlreadyLoggedIn:
            # PKCS#11 logs in the process, not a session: another store of this process
            # did, and this session shares its login.
            self.session = found.open(rw=True)

    def _private(self, label: str):
        return self.session.get_key(object_class=self._pkcs11.ObjectClass.PRIVATE_KEY,
                                    label=_checked(label))

    def has(self, label: str) -> bool:
        try:
            self._private(label)
        except self._pkcs11.NoSuchKey:
            return False
        return True

    def generate(self, label: str):
        from pkcs11 import Attribute, KeyType
        from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

        if self.has(label):
            raise ValueError(f"a key {label!r} exists already")
        parameters = self.session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True)
        # Said outright, not left to the token's defaults: the private key is made in the
        # token, signs, and can never be read out of it.
        public, _private = parameters.generate_keypair(
            store=True, label=_checked(label), id=label.encode(),
            private_template={Attribute.TOKEN: True, Attribute.PRIVATE: True,
                              Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
                              Attribute.SIGN: True})
        return serialization.load_der_public_key(encode_ec_public_key(public))

    def signer(self, label: str, certificate, chain) -> signers.Signer:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        # Raw ECDSA over a digest pyhanko makes: every token has CKM_ECDSA, not every one
        # the hashing variants (SoftHSM has none of them).
        return PKCS11Signer(self.session, key_label=_checked(label),
                            signing_cert=asn1(certificate),
                            ca_chain=[asn1(c) for c in chain], use_raw_mechanism=True)


@functools.cache
def _pkcs11_store() -> Pkcs11KeyStore:
    return Pkcs11KeyStore()


def store():
    """The configured key store."""
    if settings.SIGNING_KEYSTORE == "pkcs11":
        return _pkcs11_store()
    return FileKeyStore()
