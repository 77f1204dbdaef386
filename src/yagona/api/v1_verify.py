"""/api/v1/verify: anyone may check a signed document (a PDF or an ASiC-E container) and
get the report the portal's /verify/ page shows, as JSON."""

from datetime import datetime
from uuid import UUID

from ninja import File, Router, Schema
from ninja.files import UploadedFile

from yagona.api.common import PUBLIC, problem
from yagona.signing import verify

router = Router(tags=["verification"])


class CertificateOut(Schema):
    common_name: str
    subject: str
    issuer: str
    issuer_common_name: str
    serial: str
    not_before: datetime
    not_after: datetime
    status_now: str  # good | revoked | unknown | anchor
    status_at_signing: str
    revoked_at: datetime | None
    revocation_reason: str


class SignerOut(Schema):
    common_name: str
    identifier: str
    organisation: str
    profile: str


class SignatureOut(Schema):
    field: str
    indication: str
    sub_indication: str
    process: str
    signer: SignerOut | None
    signing_time: datetime | None
    claimed_time: datetime | None
    timestamp_authority: str
    chain: list[CertificateOut]
    coverage: str
    covers_whole_document: bool
    changes: str
    altered_after_signing: bool
    level: str
    detail: str


class IssuedOut(Schema):
    uuid: UUID
    kind: str
    agency_code: str
    agency_name: str
    reference: str
    issued_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str


class ReportOut(Schema):
    indication: str
    altered_after_signing: bool
    signatures: list[SignatureOut]
    sha256: str
    size: int
    format: str
    validated_at: datetime
    document: IssuedOut | None


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str = ""
    reason: str = ""


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {
        "schema": ProblemOut.model_json_schema()}}}


# Errors are problem+json, as everywhere in v1 (ninja's own would say JSON).
DOCUMENTED = {**PUBLIC, "openapi_extra": {**PUBLIC["openapi_extra"], "responses": {
    400: _problem("The file cannot be verified"), 413: _problem("The file is too large")}}}


@router.post("/verify", response={200: ReportOut}, summary="Verify a signed document",
             **DOCUMENTED)
def verify_document(request, file: UploadedFile = File(...)):
    """The report of a PDF (PAdES) or an ASiC-E container (multipart, field ``file``),
    modelled on ETSI TS 119 102-2. ``indication`` is TOTAL_PASSED, TOTAL_FAILED or
    INDETERMINATE (the worst of the signatures), or NO_SIGNATURE; each signature has
    its ETSI EN 319 102-1 sub-indication, signer, proven (timestamp) and claimed signing
    time, certificate chain with revocation now and at signing, coverage, changes after
    signing (``altered_after_signing``) and PAdES level. ``document`` names the
    platform's issued document when the file is byte for byte one of them. A file
    that cannot be read is a 400 (``reason``: empty, not_a_document, damaged,
    encrypted, unsupported), one too large a 413."""
    try:
        report = verify.verify_file(file.read(), file.name or "")
    except verify.NotVerifiable as exc:
        return problem(413 if exc.reason == "too_large" else 400,
                       "The file cannot be verified", detail=exc.message, reason=exc.reason)
    return report.as_dict()
