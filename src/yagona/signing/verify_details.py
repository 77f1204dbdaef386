"""One signature's report from pyhanko's AdES result: the signer (with the profile the
platform gave the certificate, when it is one of its own), the proven and the claimed
signing time, the timestamp authority, and the certificate chain with each certificate's
revocation now and at signing time (for the platform's own certificates, from its current
CRLs: the very data the validation used; others are "not known")."""

from datetime import datetime, timedelta

from pyhanko.sign.general import CMSExtractionError, extract_certificate_info
from pyhanko.sign.validation import generic_cms

from yagona.signing import queries
from yagona.signing.models import Certificate
from yagona.signing.report import CertificateReport, SignatureReport, Signer

MAX_CHAIN = 8


def describe(signed_data, result, *, field: str, process: str, indication: str,
             sub_indication: str, material, coverage: str, whole: bool, changes: str,
             altered: bool, level: str, claimed: datetime | None) -> SignatureReport:
    status = result.api_status
    signer_cert, others = _certificates(signed_data)
    certs = _chain(signer_cert, getattr(status, "validation_path", None), others, material)
    token_time, authority = _timestamp(signed_data)
    signing_time = _proven_time(result, token_time)
    row = queries.certificates_by_fingerprint([signer_cert.sha256.hex()]).get(
        signer_cert.sha256.hex()) if signer_cert is not None else None
    return SignatureReport(
        field=field, indication=indication, sub_indication=sub_indication, process=process,
        signer=_signer(signer_cert, row), signing_time=signing_time, claimed_time=claimed,
        timestamp_authority=authority,
        chain=[_certificate(c, material, signing_time) for c in certs],
        coverage=coverage, covers_whole_document=whole, changes=changes,
        altered_after_signing=altered, level=level,
        detail=(result.failure_msg or "")[:500] if sub_indication != "OK" else "")


def _certificates(signed_data):
    try:
        info = extract_certificate_info(signed_data)
    except (CMSExtractionError, ValueError, KeyError):
        return None, []
    return info.signer_cert, list(info.other_certs)


def _chain(signer_cert, path, others, material) -> list:
    """The path pyhanko validated, leaf first; without one (an unknown authority), the
    chain the signature presents, as far as names and key identifiers lead."""
    if path is not None:
        return list(path.iter_certs(include_root=True))[::-1]
    if signer_cert is None:
        return []
    pool = [*others, *material.certificates()]
    chain = [signer_cert]
    while len(chain) < MAX_CHAIN and chain[-1].issuer != chain[-1].subject:
        child = chain[-1]
        parent = next((c for c in pool if c.subject == child.issuer and _keys_match(child, c)
                       and all(c.sha256 != seen.sha256 for seen in chain)), None)
        if parent is None:
            break
        chain.append(parent)
    return chain


def _keys_match(child, parent) -> bool:
    wanted, given = child.authority_key_identifier, parent.key_identifier
    return wanted is None or given is None or wanted == given


def _timestamp(signed_data) -> tuple[datetime | None, str]:
    """The signature timestamp's time and authority, as the token says."""
    try:
        signer_info = signed_data["signer_infos"][0]
        token = next(generic_cms.extract_tst_data_iter(signer_info, signed=False), None)
        if token is None:
            return None, ""
        time = token["encap_content_info"]["content"].parsed["gen_time"].native
        tsa = extract_certificate_info(token).signer_cert
        return time, _common_name(tsa)
    except (CMSExtractionError, ValueError, KeyError, TypeError, IndexError):
        return None, ""


def _proven_time(result, token_time: datetime | None) -> datetime | None:
    """The best signature time, when the timestamp proved it: pyhanko lowers it to the
    token's time only once the token validated (else it stays at the validation time)."""
    best = getattr(result, "best_signature_time", None)
    if best is None or token_time is None:
        return None
    return best if best <= token_time + timedelta(seconds=1) else None


def _signer(certificate, row: Certificate | None):
    if certificate is None:
        return None
    subject = certificate.subject.native
    return Signer(
        common_name=_common_name(certificate),
        identifier=_text(subject.get("serial_number") or subject.get("organization_identifier")),
        organisation=_text(subject.get("organization_name")),
        profile=row.profile if row is not None and row.profile != "authority" else "")


def _certificate(certificate, material, signing_time: datetime | None) -> CertificateReport:
    if certificate.sha256 == material.root.sha256:
        now, revoked_at, reason = "anchor", None, ""
    else:
        now, revoked_at, reason = material.revocation(certificate)
    if now != "revoked":
        at = now
    elif signing_time is None:
        at = "unknown"
    else:
        at = "revoked" if revoked_at <= signing_time else "good"
    return CertificateReport(
        common_name=_common_name(certificate), subject=certificate.subject.human_friendly,
        issuer=certificate.issuer.human_friendly,
        issuer_common_name=_text(certificate.issuer.native.get("common_name")),
        serial=f"{certificate.serial_number:x}",
        not_before=certificate.not_valid_before, not_after=certificate.not_valid_after,
        status_now=now, status_at_signing=at, revoked_at=revoked_at, revocation_reason=reason)


def _common_name(certificate) -> str:
    return _text(certificate.subject.native.get("common_name")) if certificate else ""


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value) if value else ""
