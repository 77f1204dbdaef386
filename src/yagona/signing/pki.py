"""The platform's signing hierarchy: the root (``signing.authority``) certifies two
issuing authorities, ``seals`` (agencies' electronic seals) and ``persons`` (officials
and citizens), which certify signing keys by profile. Both authorities, and the root
for them, publish CRLs and answer OCSP (served at ``/pki/``, ``signing.views``).

Certificate profiles (key usages and subject) follow ETSI EN 319 412: every signing
certificate has digitalSignature and nonRepudiation (content commitment); a person's
subject carries ``serialNumber`` PNO<country>-<national ID>, a seal's an
``organizationIdentifier``. The authorities' own keys are files (0600) in
``settings.SIGNING_DIR/ca``; signing keys are in the key store (``signing.keystore``).
"""

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max

from yagona.core.countries import active_pack
from yagona.signing import authority, keystore
from yagona.signing.models import Certificate

AUTHORITIES = {"seals": "Yagona seals", "persons": "Yagona persons"}
ISSUER_OF = {Certificate.Profile.SEAL: "seals", Certificate.Profile.OFFICIAL: "persons",
             Certificate.Profile.CITIZEN: "persons"}
DAYS = {Certificate.Profile.SEAL: 3 * 365, Certificate.Profile.OFFICIAL: 2 * 365,
        Certificate.Profile.CITIZEN: 2 * 365}
AUTHORITY_YEARS = 10
CRL_HOURS = 24  # a CRL's nextUpdate; relying parties fetch a new one after that
REASONS = {reason.name: reason for reason in x509.ReasonFlags}


def url(path: str) -> str:
    return f"{settings.PUBLIC_URL}/pki/{path}"


def _publication(issuer: str) -> list:
    """Where relying parties find the issuer's certificate, CRL and OCSP responder."""
    return [
        (x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(url(f"{issuer}.crl"))], None, None, None)]), False),
        (x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                   x509.UniformResourceIdentifier(url(f"ocsp/{issuer}"))),
            x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                   x509.UniformResourceIdentifier(url(f"{issuer}.crt")))]),
         False),
    ]


@dataclass(frozen=True)
class Hierarchy:
    root: authority.KeyPair
    authorities: dict  # name -> KeyPair

    def chain(self, issuer: str) -> list[x509.Certificate]:
        """The certificates above a leaf of ``issuer``, nearest first."""
        if issuer == "root":
            return [self.root.certificate]
        return [self.authorities[issuer].certificate, self.root.certificate]

    def issuer_pair(self, issuer: str) -> authority.KeyPair:
        return self.root if issuer == "root" else self.authorities[issuer]


def _folder() -> Path:
    return Path(settings.SIGNING_DIR) / "ca"


def hierarchy() -> Hierarchy:
    """The root and both issuing authorities (made on first use outside production)."""
    root = authority.Authority().root
    return _load(authority.fingerprint(root.certificate), str(_folder()), root)


def create_authorities() -> list[Certificate]:
    """Make both issuing authorities under the platform root, once: refuses if either
    is there already (``yagona signing init``; the caller audits). Production makes
    them only so."""
    root, folder = authority.Authority().root, _folder()
    present = sorted(path.name for name in AUTHORITIES
                     for path in (folder / f"{name}.key", folder / f"{name}.pem")
                     if path.exists())
    if present:
        raise FileExistsError(f"{folder} already holds {', '.join(present)}")
    return [_make_authority(root, name, title, folder / f"{name}.key", folder / f"{name}.pem")
            for name, title in AUTHORITIES.items()]


@functools.lru_cache(maxsize=8)
def _load(_root_fingerprint: str, folder: str, root: authority.KeyPair) -> Hierarchy:
    folder = Path(folder)
    pairs = {}
    for name, title in AUTHORITIES.items():
        key_file, cert_file = folder / f"{name}.key", folder / f"{name}.pem"
        if not key_file.exists():
            if settings.PRODUCTION:
                raise ImproperlyConfigured(f"No issuing authority in {folder}: run "
                                           "'yagona signing init' once.")
            _make_authority(root, name, title, key_file, cert_file)
        certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
        if certificate.issuer != root.certificate.subject:
            raise ImproperlyConfigured(f"{cert_file} was not issued by the platform root")
        pairs[name] = authority.KeyPair(authority.read_key(key_file), certificate)
    return Hierarchy(root, pairs)


def _make_authority(root, name, title, key_file: Path, cert_file: Path) -> Certificate:
    key = authority.new_key()
    certificate = (
        x509.CertificateBuilder().subject_name(authority.name(title, "Yagona"))
        .issuer_name(root.certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(authority.now() - dt.timedelta(minutes=5))
        .not_valid_after(min(authority.now() + dt.timedelta(days=365 * AUTHORITY_YEARS),
                             root.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        # digitalSignature: the authority signs its own OCSP answers (RFC 6960 §2.6).
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            root.key.public_key()), False)
        .add_extension(_publication("root")[0][0], False)
        .sign(root.key, hashes.SHA256()))
    authority.write_key(key_file, key)
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return _record(certificate, "root", Certificate.Profile.AUTHORITY, name, "", f"ca-{name}")


def _record(certificate, issuer, profile, holder, agency_code, key_label) -> Certificate:
    common_name = certificate.subject.get_attributes_for_oid(
        x509.oid.NameOID.COMMON_NAME)[0].value
    return Certificate.objects.create(
        serial=f"{certificate.serial_number:x}", issuer=issuer, profile=profile,
        holder=holder, agency_code=agency_code, common_name=common_name,
        key_label=key_label, pem=authority.pem(certificate),
        sha256=authority.fingerprint(certificate),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc)


def seal_identifier(agency_code: str) -> str:
    """How an agency's seal names it (organizationIdentifier, EN 319 412-1): GOVTJ-VKD."""
    return f"GOV{active_pack().code.upper()}-{agency_code}"


def subject(profile: str, *, common_name: str, holder: str, organisation: str = "",
            title: str = "") -> x509.Name:
    country = active_pack().code.upper()
    if profile == Certificate.Profile.SEAL:
        return authority.name(common_name, organisation, identifier=seal_identifier(holder),
                              country=country)
    return authority.name(common_name, organisation, serial_number=f"PNO{country}-{holder}",
                          title=title, country=country)


def issue(profile: str, *, holder: str, common_name: str, agency_code: str = "",
          organisation: str = "", title: str = "") -> Certificate:
    """A new key in the key store and its certificate (call inside the service's
    transaction, which audits it)."""
    issuer = ISSUER_OF[profile]
    pair = hierarchy().authorities[issuer]
    label = f"{profile}-{holder.lower()}-{agency_code.lower() or 'self'}-" \
            f"{x509.random_serial_number():x}"[:100]
    public_key = keystore.store().generate(label)
    certificate = authority.issue(
        pair, subject(profile, common_name=common_name, holder=holder,
                      organisation=organisation, title=title),
        public_key, DAYS[profile], commitment=True, extensions=_publication(issuer))
    return _record(certificate, issuer, profile, holder, agency_code, label)


def current(profile: str, holder: str, agency_code: str = "") -> Certificate | None:
    """The holder's newest usable certificate of this profile."""
    return Certificate.objects.filter(
        profile=profile, holder=holder, agency_code=agency_code, revoked_at__isnull=True,
        not_after__gt=authority.now() + dt.timedelta(days=1)).order_by("-not_after").first()


def load(row: Certificate) -> x509.Certificate:
    return _certificate(row.pem)


@functools.lru_cache(maxsize=512)
def _certificate(pem: str) -> x509.Certificate:
    # Every signature, OCSP answer and DSS needs the signer's certificate: parse it once.
    return x509.load_pem_x509_certificate(pem.encode())


def signer(row: Certificate):
    """A pyhanko signer for the certificate's key, presenting its chain."""
    return keystore.store().signer(row.key_label, load(row), hierarchy().chain(row.issuer))


def crl(issuer: str) -> bytes:
    """The issuer's current CRL (DER). Made again when the last one is half-way to its
    nextUpdate, and at once after a revocation: issued then, with a greater CRL number
    (RFC 5280 §5.2.3), so that relying parties holding the older one take the new one."""
    return crls([issuer])[0]


def crls(issuers) -> list[bytes]:
    """The current CRLs of these issuers, in order, with one query for all of them."""
    latest = dict(Certificate.objects.filter(issuer__in=issuers, revoked_at__isnull=False)
                  .order_by().values_list("issuer").annotate(latest=Max("revoked_at")))
    hour = authority.now().replace(minute=0, second=0, microsecond=0)
    this_update = hour - dt.timedelta(hours=hour.hour % (CRL_HOURS // 2))
    root = authority.fingerprint(hierarchy().root.certificate)
    return [_crl(issuer, max(this_update, latest[issuer]) if issuer in latest
                 else this_update, root) for issuer in issuers]


@functools.lru_cache(maxsize=16)
def _crl(issuer: str, this_update: dt.datetime, _root: str) -> bytes:
    pair = hierarchy().issuer_pair(issuer)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(pair.certificate.subject)
               .last_update(this_update - dt.timedelta(minutes=5))
               .next_update(this_update + dt.timedelta(hours=CRL_HOURS))
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   pair.key.public_key()), False)
               # Microseconds: two revocations within a second make two CRL numbers.
               .add_extension(x509.CRLNumber(int(this_update.timestamp() * 1_000_000)),
                              False))
    for row in Certificate.objects.filter(issuer=issuer, revoked_at__isnull=False):
        entry = (x509.RevokedCertificateBuilder().serial_number(int(row.serial, 16))
                 .revocation_date(row.revoked_at))
        if row.revocation_reason in REASONS:
            entry = entry.add_extension(x509.CRLReason(REASONS[row.revocation_reason]), False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(pair.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class BadOcspRequest(ValueError):
    pass


def ocsp_refusal(status: ocsp.OCSPResponseStatus) -> bytes:
    """An unsuccessful OCSP response (malformedRequest, unauthorized, ...), DER."""
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER)


def ocsp_answer(issuer: str, request_der: bytes) -> bytes:
    """The DER OCSP response for a request about one of the issuer's certificates."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        # Parsed lazily: read every part here, so that bad DER anywhere is malformed.
        serial, algorithm = request.serial_number, request.hash_algorithm
        key_hash, extensions = request.issuer_key_hash, list(request.extensions)
    except (ValueError, UnsupportedAlgorithm):  # bad DER, or a hash we do not know
        return ocsp_refusal(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    pair = hierarchy().issuer_pair(issuer)
    row = Certificate.objects.filter(issuer=issuer, serial=f"{serial:x}").first()
    if row is None or key_hash != _key_hash(pair, algorithm):
        return ocsp_refusal(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    return status_of(row, algorithm, extensions)


def _key_hash(pair, algorithm) -> bytes:
    """RFC 6960's issuerKeyHash: the hash of the issuer's public key bits (an EC point)."""
    digest = hashes.Hash(algorithm)
    digest.update(pair.key.public_key().public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.UncompressedPoint))
    return digest.finalize()


# Answers without a nonce are kept for the minute they were made in, keyed by the
# certificate and its revocation state as the caller read it: a revocation changes the
# key, so it shows in the next answer, and a revoked certificate never meets a "good".
_answers: dict[tuple, bytes] = {}
ANSWERS_KEPT = 2048


def status_of(row: Certificate, algorithm=None, request_extensions=()) -> bytes:
    """A signed OCSP answer about one certificate, as of now (this minute)."""
    algorithm = algorithm or hashes.SHA256()
    nonces = [extension.value for extension in request_extensions or ()
              if isinstance(extension.value, x509.OCSPNonce)]
    now = authority.now()
    if nonces:  # the requester wants an answer made for this request alone
        return _status(row, algorithm, now, nonces)
    minute = now.replace(second=0, microsecond=0)
    key = (row.sha256, row.issuer, row.revoked_at, row.revocation_reason, algorithm.name,
           minute)
    answer = _answers.get(key)
    if answer is None:
        if len(_answers) >= ANSWERS_KEPT:
            _answers.clear()
        answer = _answers[key] = _status(row, algorithm, minute, ())
    return answer


def _status(row: Certificate, algorithm, now: dt.datetime, extensions) -> bytes:
    pair = hierarchy().issuer_pair(row.issuer)
    revoked = row.revoked_at is not None
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=load(row), issuer=pair.certificate, algorithm=algorithm,
        cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
        this_update=now - dt.timedelta(minutes=1), next_update=now + dt.timedelta(hours=1),
        revocation_time=row.revoked_at if revoked else None,
        revocation_reason=REASONS.get(row.revocation_reason) if revoked else None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, pair.certificate)
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(pair.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def revoke(row: Certificate, reason: str = "unspecified") -> None:
    """Mark revoked (the service audits it); CRLs and OCSP say so from now on."""
    if reason not in REASONS:
        raise ValueError(f"not a revocation reason: {reason}")
    row.revoked_at = authority.now()
    row.revocation_reason = reason
    row.save(update_fields=["revoked_at", "revocation_reason"])
