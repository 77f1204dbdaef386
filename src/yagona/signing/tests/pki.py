"""A throwaway PKI for the signing tests, made with `cryptography`: a root, signers'
certificates (ECDSA P-256, digitalSignature + nonRepudiation) and an RSA timestamping
authority whose only usage is timeStamping, critical (RFC 3161 §2.3)."""

import datetime as dt
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

CRL_URL = "http://crl.yagona.test/root.crl"  # never fetched: contexts forbid it


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _usage(*, signature: bool, commitment: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signature, content_commitment=commitment, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Yagona tests")])


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def key_to_asn1(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class Pki:
    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate
    tsa_key: rsa.RSAPrivateKey = field(init=False)
    tsa: x509.Certificate = field(init=False)

    def __post_init__(self):
        self.tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.tsa = self.issue("Yagona test TSA", self.tsa_key.public_key(),
                              _usage(signature=True), [ExtendedKeyUsageOID.TIME_STAMPING])

    def issue(self, common_name, public_key, usage, eku=()) -> x509.Certificate:
        builder = (x509.CertificateBuilder().subject_name(_name(common_name))
                   .issuer_name(self.root.subject).public_key(public_key)
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(_now() - dt.timedelta(minutes=5))
                   .not_valid_after(_now() + dt.timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                                  critical=True)
                   .add_extension(usage, critical=True)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       self.root_key.public_key()), critical=False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                                  critical=False)
                   # Declared, so that a validator checks the CRL the caller hands it.
                   .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                       [x509.UniformResourceIdentifier(CRL_URL)], None, None, None)]),
                       critical=False))
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=True)
        return builder.sign(self.root_key, hashes.SHA256())

    def signer(self, common_name: str) -> tuple[SimpleSigner, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = self.issue(common_name, key.public_key(),
                                 _usage(signature=True, commitment=True))
        signer = SimpleSigner(
            signing_cert=to_asn1(certificate), signing_key=key_to_asn1(key),
            cert_registry=SimpleCertificateStore.from_certs([to_asn1(self.root)]))
        return signer, certificate

    def timestamper(self) -> DummyTimeStamper:
        tsa = to_asn1(self.tsa)
        return DummyTimeStamper(tsa, key_to_asn1(self.tsa_key),
                                certs_to_embed=SimpleCertificateStore.from_certs([tsa]))

    def crl(self, revoked: list[x509.Certificate] = ()) -> bytes:
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.root.subject)
                   .last_update(_now() - dt.timedelta(minutes=1))
                   .next_update(_now() + dt.timedelta(days=1))
                   .add_extension(x509.CRLNumber(1), critical=False))
        for certificate in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(certificate.serial_number)
                .revocation_date(_now() - dt.timedelta(minutes=1)).build())
        return builder.sign(self.root_key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER)

    def context(self, *, crls=None, mode: str = "soft-fail") -> ValidationContext:
        """What the caller builds: our root trusted, nothing fetched."""
        return ValidationContext(trust_roots=[to_asn1(self.root)], allow_fetching=False,
                                 crls=crls, revocation_mode=mode)


def make_pki(common_name: str = "Yagona test root") -> Pki:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    root = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(_now() - dt.timedelta(minutes=5))
            .not_valid_after(_now() + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(signature=False, ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return Pki(key, root)
