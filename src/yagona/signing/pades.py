"""PAdES signatures (ETSI EN 319 142) with pyhanko: every signature is timestamped by
the platform TSA and carries its validation material (certificates, CRLs and OCSP
answers) in the document security store, so it verifies long after the certificates
expire or are revoked: PAdES B-LT."""

import io
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
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
    crls = [asn1_crl.CertificateList.load(pki.crl(issuer)) for issuer in sorted(issuers)]
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
    """``pdf`` with these PAdES signatures added in order, each timestamped (B-T), then
    one document security store with every certificate, CRL and OCSP answer they need:
    B-LT. The material is the platform's own (it is the CA), so nothing is fetched and
    nothing is validated twice."""
    out = pdf
    for signature in signatures:
        out = _sign_one(out, signature)
    rows = [s.certificate for s in signatures]
    crls, ocsps = revocation_material(rows)
    chain = pki.hierarchy()
    certificates = [pki.load(row) for row in rows] + [chain.root.certificate, tsa_certificate()]
    certificates += [pair.certificate for pair in chain.authorities.values()]
    writer = IncrementalPdfFileWriter(io.BytesIO(out), strict=False)
    DocumentSecurityStore.supply_dss_in_writer(
        writer, None, certs=[keystore.asn1(c) for c in certificates], ocsps=ocsps, crls=crls)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _sign_one(pdf: bytes, signature: Signature) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:  # pyhanko raises several kinds for a broken file
        raise NotAPdf(str(exc)) from exc
    metadata = signers.PdfSignatureMetadata(
        field_name=signature.field, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=signature.reason or None, location=signature.location or None)
    signer = signers.PdfSigner(metadata, signer=pki.signer(signature.certificate),
                               timestamper=tsa.timestamper(),
                               new_field_spec=fields.SigFieldSpec(signature.field))
    out = io.BytesIO()
    signer.sign_pdf(writer, output=out)
    return out.getvalue()


def tsa_certificate():
    return authority.Authority().tsa.certificate


def signatures_in(pdf: bytes) -> list:
    return PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures


