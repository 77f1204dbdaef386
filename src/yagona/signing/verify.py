"""Verification of signed documents, as ETSI TS 119 102-1 describes it, reported as
TS 119 102-2 does (``signing.report``).

    verify_file(data, filename="")   a PDF (PAdES) or an ASiC-E container, sniffed
    verify_pdf(data, now=None)       every signature of a PDF

Each signature goes through the validation process its form calls for (EN 319 102-1):
with a document timestamp after it, the long-term one (§5.6.3, "LTA"); with a signature
timestamp, the one with time (§5.5, "LTVM"), where the timestamp proves the signature
existed before a later revocation or expiry; else the basic one (§5.3). Trust and
revocation are ``verify_material``'s. A file that cannot be verified at all raises
``NotVerifiable`` with a message for people; anything else is a report.
"""

import asyncio
import hashlib
import io
from datetime import UTC, datetime

from asn1crypto import cms
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESStatus
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
from pyhanko.sign.validation import ades, generic_cms
from pyhanko.sign.validation.policy_decl import PdfSignatureValidationSpec
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo

from yagona.signing import asic, queries
from yagona.signing.report import (
    FAILED,
    INDETERMINATE,
    PASSED,
    IssuedDocument,
    Report,
    SignatureReport,
    overall,
)
from yagona.signing.verify_details import describe
from yagona.signing.verify_material import Material, embedded_knowledge

INDICATION = {AdESStatus.PASSED: PASSED, AdESStatus.FAILED: FAILED,
              AdESStatus.INDETERMINATE: INDETERMINATE}
PADES = "/ETSI.CAdES.detached"


class NotVerifiable(ValueError):
    """A file no signature can be read from: ``message`` is for people (translated),
    ``reason`` for programs (empty, too_large, not_a_document, damaged, encrypted,
    unsupported)."""

    def __init__(self, message: str, reason: str = "damaged"):
        super().__init__(message)
        self.message, self.reason = message, reason


def verify_file(data: bytes, filename: str = "", *, now: datetime | None = None) -> Report:
    """A PDF or an ASiC-E container (a ZIP), told apart by their first bytes: uploads
    are often misnamed, so ``filename`` decides nothing."""
    _check_size(data)
    if data.startswith(b"PK\x03\x04"):
        return _verify_container(data, now)
    if b"%PDF-" in data[:1024]:
        return verify_pdf(data, now=now)
    raise NotVerifiable(_("This file is neither a PDF nor an ASiC-E container."),
                        "not_a_document")


def verify_pdf(data: bytes, *, now: datetime | None = None) -> Report:
    """Every signature of a PDF, checked at ``now`` (default: the present)."""
    _check_size(data)
    if b"%PDF-" not in data[:1024]:
        raise NotVerifiable(_("This file is not a PDF."), "not_a_document")
    reader = _reader(data)
    try:
        signatures = list(reader.embedded_regular_signatures)
        stamps = [s.signed_revision for s in reader.embedded_timestamp_signatures]
    except Exception as exc:  # noqa: BLE001 - pyhanko raises many kinds for broken files
        raise _damaged() from exc
    timing = _timing(now)
    embedded, has_revinfo = embedded_knowledge(reader)
    material = Material(embedded)
    checked = asyncio.run(_all(signatures, stamps, has_revinfo, material.spec(), timing)) \
        if signatures else []
    # The database is read after the event loop is done (Django's ORM is not async).
    reports = [found if isinstance(found, SignatureReport) else _described(found, material)
               for found in checked]
    return _report(data, "pdf", reports, timing.validation_time)


def _described(found, material) -> SignatureReport:
    try:
        return describe(*found[:2], material=material, **found[2])
    except (ValueError, TypeError, KeyError) as exc:  # a certificate whose fields are broken
        return _unreadable(found[2]["field"], str(exc))


async def _all(signatures, stamps, has_revinfo, spec, timing) -> list:
    return [await _one(signature, stamps, has_revinfo, spec, timing)
            for signature in signatures]


async def _one(signature, stamps, has_revinfo, spec, timing):
    """(signed data, AdES result, what else the report says), or the report of a
    signature that could not be read."""
    field = _field_name(signature)
    try:
        signature.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)
        integrity = signature.summarise_integrity_info()
        later_stamps = any(revision > signature.signed_revision for revision in stamps)
        timestamped = next(generic_cms.extract_tst_data_iter(
            signature.signer_info, signed=False), None) is not None
        if later_stamps:
            process = "LTA"
            result = await ades.ades_lta_validation(
                signature, PdfSignatureValidationSpec(spec, diff_policy=DEFAULT_DIFF_POLICY),
                timing_info=timing)
        elif timestamped:
            process = "LTVM"
            result = await ades.ades_with_time_validation(
                signature.signed_data, spec, timing_info=timing,
                raw_digest=signature.compute_digest(), extra_status_kwargs=integrity,
                status_cls=PdfSignatureStatus)
        else:  # its status is CMS-only: pyhanko builds it without the PDF's integrity
            process = "Basic"
            result = await ades.ades_basic_validation(
                signature.signed_data, spec, timing_info=timing,
                raw_digest=signature.compute_digest())
    except Exception as exc:  # noqa: BLE001 - a signature pyhanko cannot even parse
        return _unreadable(field, str(exc))
    coverage = integrity["coverage"]
    changes = _changes(integrity["diff_result"])
    # A change after signing that the signature's rules do not allow (a page added, a
    # text rewritten): what was signed is intact, but the document is not what was
    # signed. EN 319 102-1 has no failure for that; its signature acceptance check
    # (§5.2.8, PAdES DocMDP) makes it INDETERMINATE/SIG_CONSTRAINTS_FAILURE.
    altered = integrity["docmdp_ok"] is False
    indication, sub = INDICATION[result.ades_subindic.status], \
        result.ades_subindic.standard_name
    if altered and indication == PASSED:
        indication, sub = INDETERMINATE, AdESIndeterminate.SIG_CONSTRAINTS_FAILURE.name
    level = _level(signature, timestamped or later_stamps, has_revinfo, later_stamps)
    return signature.signed_data, result, {
        "field": field, "process": process, "indication": indication, "sub_indication": sub,
        "coverage": coverage.name, "whole": coverage.name == "ENTIRE_FILE",
        "changes": changes, "altered": altered, "level": level,
        "claimed": signature.self_reported_timestamp}


def _unreadable(field: str, detail: str) -> SignatureReport:
    return SignatureReport(
        field=field, indication=FAILED, sub_indication=AdESFailure.FORMAT_FAILURE.name,
        process="Basic", signer=None, signing_time=None, claimed_time=None,
        timestamp_authority="", chain=[], coverage="UNCLEAR", covers_whole_document=False,
        changes="OTHER", altered_after_signing=False, level="", detail=detail[:500])


def _changes(diff_result) -> str:
    level = getattr(diff_result, "modification_level", None)
    return level.name if isinstance(level, ModificationLevel) else "OTHER"


def _level(signature, timestamped: bool, has_revinfo: bool, later_stamps: bool) -> str:
    """The PAdES baseline level the signature's form reaches (EN 319 142-1): B-B for a
    CAdES-based PDF signature, B-T with a trusted time, B-LT with validation data in
    the DSS, B-LTA with a document timestamp over it. Whether it is valid is the
    indication's business."""
    if str(signature.sig_object.get("/SubFilter", "")) != PADES:
        return ""
    if not timestamped:
        return "B-B"
    if not has_revinfo:
        return "B-T"
    return "B-LTA" if later_stamps else "B-LT"


def _field_name(signature) -> str:
    try:
        return str(signature.field_name or "")
    except Exception:  # noqa: BLE001 - a field without a usable name
        return ""


def _reader(data: bytes) -> PdfFileReader:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypt_dict is not None
        reader.root  # noqa: B018 - parse the catalogue now, not halfway through
    except Exception as exc:  # noqa: BLE001 - pyhanko raises many kinds for broken files
        raise _damaged() from exc
    if encrypted:
        raise NotVerifiable(_("This PDF is encrypted: upload it without a password."),
                            "encrypted")
    return reader


def _damaged() -> NotVerifiable:
    return NotVerifiable(_("This file is damaged or incomplete and cannot be read."),
                         "damaged")


def _check_size(data: bytes) -> None:
    if not data:
        raise NotVerifiable(_("The file is empty."), "empty")
    limit = settings.YAGONA_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise NotVerifiable(_("The file must be smaller than %(size)s MB.")
                            % {"size": round(limit / 1024 / 1024, 1)}, "too_large")


def _timing(now: datetime | None) -> ValidationTimingInfo:
    moment = now or datetime.now(UTC)
    return ValidationTimingInfo(validation_time=moment, best_signature_time=moment,
                                point_in_time_validation=now is not None)


def _report(data: bytes, kind: str, signatures, moment: datetime) -> Report:
    sha256 = hashlib.sha256(data).hexdigest()
    return Report(indication=overall(signatures), signatures=signatures, sha256=sha256,
                  size=len(data), format=kind, validated_at=moment,
                  document=issued(sha256))


def issued(sha256: str) -> IssuedDocument | None:
    """What the platform knows of the file, when it issued exactly these bytes."""
    from yagona.agencies import queries as agencies

    row = queries.issued_with_hash(sha256)
    if row is None:
        return None
    agency = agencies.agency_named(row.agency_code) if row.agency_code else None
    return IssuedDocument(
        uuid=str(row.uuid), kind=row.kind, agency_code=row.agency_code,
        agency_name=agency.display_name if agency else "", reference=row.reference,
        issued_at=row.issued_at, withdrawn_at=row.withdrawn_at,
        withdrawn_reason=row.withdrawn_reason)


# --- ASiC-E ------------------------------------------------------------------------------

def _verify_container(data: bytes, now: datetime | None) -> Report:
    """ASiC-E (EN 319 162-1) through ``signing.asic``: it reads the container (refusing
    what cannot be checked, with a translated ``ContainerError``) and gives each
    signature's ETSI indication; the report is the PDF one's. ``signing.asic`` checks at
    the present: ``now`` only dates the report."""
    try:
        container = asic.read(data)
    except asic.ContainerError as exc:
        raise NotVerifiable(exc.message, "damaged") from exc
    timing = _timing(now)
    material = Material()
    try:
        results = asyncio.run(asic.validate_ades(container, material.spec()))
    except Exception as exc:  # noqa: BLE001 - a signature read() let through, unparseable
        raise _damaged() from exc
    reports = []
    for signature, result in results:
        signed_data = cms.ContentInfo.load(signature.cms)["content"]
        timestamped = next(generic_cms.extract_tst_data_iter(
            signed_data["signer_infos"][0], signed=False), None) is not None
        whole = set(signature.covered) == set(container.files)
        reports.append(describe(
            signed_data, result, field=signature.name, process="LTVM" if timestamped
            else "Basic", indication=INDICATION[result.ades_subindic.status],
            sub_indication=result.ades_subindic.standard_name, material=material,
            coverage="ENTIRE_FILE" if whole else "PARTIAL", whole=whole, changes="NONE",
            altered=False, level="B-T" if timestamped else "B-B",
            claimed=generic_cms.extract_self_reported_ts(signed_data["signer_infos"][0])))
    return _report(data, "asic-e", reports, timing.validation_time)


# --- documents the platform issued ---------------------------------------------------------

CACHE_SECONDS = 300


def verify_issued(document) -> Report:
    """The report of a stored document, verified from its stored bytes. Kept briefly:
    it changes only when a certificate is revoked (the latest revocation is part of the
    key) or the document is withdrawn."""
    from django.core.cache import cache

    key = f"signing:verified:{document.uuid}:{queries.revocation_state()}:" \
          f"{document.withdrawn_at.isoformat() if document.withdrawn_at else '-'}"
    report = cache.get(key)
    if report is None:
        report = verify_pdf(queries.stored_bytes(document))
        cache.set(key, report, CACHE_SECONDS)
    return report


def url(document_uuid) -> str:
    """The public address of a document's verification (the QR code printed on it):
    the portal's ``portal:verify-document`` route under PUBLIC_URL."""
    return f"{settings.PUBLIC_URL}/verify/{document_uuid}/"
