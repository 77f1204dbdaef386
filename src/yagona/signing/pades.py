"""PAdES signatures (ETSI EN 319 142) with pyhanko: every signature is timestamped by
the platform TSA and carries its validation material (certificates, CRLs and OCSP
answers) in the document security store, so it verifies long after the certificates
expire or are revoked: PAdES B-LT."""

import asyncio
import io
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from cryptography.hazmat.primitives import hashes
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from yagona.signing import authority, keystore, pki, tsa
from yagona.signing.models import Certificate


class NotAPdf(ValueError):
    """Bytes pyhanko cannot read as a PDF, or a PDF that cannot take a signature."""


def revocation_material(rows: list[Certificate]) -> tuple[list, list]:
    """Fresh CRLs of the authorities involved and OCSP answers for the signers: what a
    B-LT signature embeds, made here (the platform is its own CA; no fetching)."""
    issuers = {"root"} | {row.issuer for row in rows}
    crls = [asn1_crl.CertificateList.load(der) for der in pki.crls(sorted(issuers))]
    ocsps = [asn1_ocsp.OCSPResponse.load(pki.status_of(row)) for row in rows]
    return crls, ocsps


def validation_context(crls=(), ocsps=(), moment=None) -> ValidationContext:
    chain = pki.hierarchy()
    return ValidationContext(
        trust_roots=[keystore.asn1(chain.root.certificate)],
        other_certs=[keystore.asn1(p.certificate) for p in chain.authorities.values()],
        crls=list(crls), ocsps=list(ocsps), allow_fetching=False,
        revocation_mode="hard-fail", moment=moment)


@dataclass(frozen=True)
class Signature:
    """One signature to add: whose key, and the field's name and reason."""

    certificate: Certificate
    field: str
    reason: str = ""
    location: str = ""


def sign(pdf: bytes, signatures: list[Signature]) -> bytes:
    """``pdf`` with these PAdES signatures added in order, each timestamped (B-T), and
    one document security store with every certificate, CRL and OCSP answer they need:
    B-LT. The material is the platform's own (it is the CA), so nothing is fetched and
    nothing is validated twice; being known beforehand, it goes into the last
    signature's revision, ahead of that signature (pyhanko's "DSS together with the
    signature"), not into a revision of its own: one reading and writing of the file
    less here, one revision less for every verifier to compare."""
    if not signatures:
        raise ValueError("nothing to sign with")
    out = pdf
    for signature in signatures[:-1]:
        out = _sign_one(out, signature)
    return _sign_one(out, signatures[-1], dss=_dss_material([s.certificate for s in signatures]))


def _dss_material(rows: list[Certificate]) -> dict:
    crls, ocsps = revocation_material(rows)
    chain = pki.hierarchy()
    certificates = [pki.load(row) for row in rows] + [chain.root.certificate, tsa_certificate()]
    certificates += [pair.certificate for pair in chain.authorities.values()]
    return {"certs": [keystore.asn1(c) for c in certificates], "ocsps": ocsps, "crls": crls}


def _sign_one(pdf: bytes, signature: Signature, dss: dict | None = None) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=signature.field, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=signature.reason or None, location=signature.location or None)
    cms_signer, stamper = pki.signer(signature.certificate), tsa.timestamper()
    key = (signature.certificate.sha256, stamper.tsa_cert.sha256)
    try:
        return _signed(pdf, metadata, cms_signer, stamper, dss,
                       _reserved(key, cms_signer, stamper))
    except SigningError:  # the CMS outgrew the space measured for it: let pyhanko measure
        _RESERVED.pop(key, None)
        return _signed(pdf, metadata, cms_signer, stamper, dss, None)


def _signed(pdf, metadata, cms_signer, stamper, dss, reserved) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:  # pyhanko raises several kinds for a broken file
        raise NotAPdf(str(exc)) from exc
    if dss:
        DocumentSecurityStore.supply_dss_in_writer(writer, None, **dss)
    out = io.BytesIO()
    signers.PdfSigner(metadata, signer=cms_signer, timestamper=stamper,
                      new_field_spec=fields.SigFieldSpec(metadata.field_name)
                      ).sign_pdf(writer, output=out, bytes_reserved=reserved)
    return out.getvalue()


# Hex digits to keep for a signature's CMS, per signing certificate and TSA. Without it
# pyhanko builds a whole trial CMS for every signature to measure it, and reserves half
# as much again (for remote TSAs, whose answers vary): the space is zeros in the file,
# which every verifier reads one hex digit at a time.
_RESERVED: dict[tuple[str, bytes], int] = {}
SLACK = 256  # bytes; two signatures of one key and TSA differ by a few dozen (an ECDSA
# value's length, the token's serial number, nonce and time)


def _reserved(key, cms_signer, stamper) -> int:
    if key not in _RESERVED:
        trial = asyncio.run(cms_signer.async_sign(
            hashes.Hash(hashes.SHA256()).finalize(), "sha256", dry_run=True, use_pades=True,
            timestamper=stamper,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=authority.now())))
        _RESERVED[key] = 2 * (len(trial.dump()) + SLACK)
    return _RESERVED[key]


def tsa_certificate():
    return authority.Authority().tsa.certificate


def signatures_in(pdf: bytes) -> list:
    return PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures


