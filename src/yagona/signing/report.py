"""A verification report, modelled on ETSI TS 119 102-2: one overall indication for the
document, and per signature its indication and sub-indication (ETSI EN 319 102-1), who
signed, when (by the timestamp, and as claimed), the certificate chain with revocation
now and at signing time, what the signature covers and what changed after it, and the
PAdES baseline level reached. The codes are the standard's; ``*_label`` give them in
words of the active language.
"""

import dataclasses
import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yagona.signing.models import Certificate

PASSED, FAILED, INDETERMINATE = "TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"
NO_SIGNATURE = "NO_SIGNATURE"
WORST_FIRST = (FAILED, INDETERMINATE, PASSED)

# Said of signatures (the wallet's "Valid" is said of a document: another word in Russian).
INDICATIONS = {
    PASSED: pgettext_lazy("signature", "Valid"),
    FAILED: pgettext_lazy("signature", "Not valid"),
    INDETERMINATE: pgettext_lazy("signature", "Could not be confirmed"),
    NO_SIGNATURE: pgettext_lazy("signature", "No signature"),
}
VERDICTS = {
    PASSED: _("Every signature on this document is valid."),
    FAILED: _("At least one signature on this document is not valid."),
    INDETERMINATE: _("At least one signature on this document could not be confirmed."),
    NO_SIGNATURE: _("This document carries no electronic signature."),
}
SUB_INDICATIONS = {
    "OK": _("Every check passed."),
    "FORMAT_FAILURE": _("The signature is not in a form that can be checked."),
    "HASH_FAILURE": _("The signed content was changed after signing."),
    "SIG_CRYPTO_FAILURE": _("The signature does not match the signer's key."),
    "REVOKED": _("The signer's certificate had been revoked when this was signed."),
    "NOT_YET_VALID": _("The signer's certificate was not yet valid when this was signed."),
    "EXPIRED": _("The signer's certificate had expired when this was signed."),
    "SIG_CONSTRAINTS_FAILURE": _("The signature does not meet the rules for signatures."),
    "CHAIN_CONSTRAINTS_FAILURE": _("The certificate chain does not meet the rules."),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": _("The certificate chain could not be checked."),
    "CRYPTO_CONSTRAINTS_FAILURE": _("An algorithm used is no longer considered secure."),
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": _(
        "An algorithm used is no longer secure, and nothing proves the signature was made "
        "while it was."),
    "POLICY_PROCESSING_ERROR": _("The signature policy could not be processed."),
    "SIGNATURE_POLICY_NOT_AVAILABLE": _("The signature policy is not available."),
    "TIMESTAMP_ORDER_FAILURE": _("The timestamps are not in a possible order."),
    "NO_SIGNING_CERTIFICATE_FOUND": _("The signer's certificate is missing."),
    "NO_CERTIFICATE_CHAIN_FOUND": _("The certificate does not lead to an authority "
                                    "this platform trusts."),
    "REVOKED_NO_POE": _("The signer's certificate is revoked, and nothing proves the "
                        "signature was made before that."),
    "REVOKED_CA_NO_POE": _("An authority's certificate in the chain is revoked, and nothing "
                           "proves the signature was made before that."),
    "OUT_OF_BOUNDS_NO_POE": _("The certificate is outside its validity period, and nothing "
                              "proves the signature was made within it."),
    "OUT_OF_BOUNDS_NOT_REVOKED": _("The certificate has expired, and nothing proves the "
                                   "signature was made before, though it was not revoked."),
    "REVOCATION_OUT_OF_BOUNDS_NO_POE": _("The revocation information cannot be placed "
                                         "within the certificate's validity period."),
    "NO_POE": _("Nothing proves when the signature was made."),
    "TRY_LATER": _("The revocation information is not available yet: try again later."),
    "SIGNED_DATA_NOT_FOUND": _("The signed data could not be found."),
    "GENERIC": _("The signature could not be checked."),
}
LEVELS = {
    "B-B": _("Basic signature"),
    "B-T": _("Signature with a trusted time"),
    "B-LT": _("Signature with long-term validation data"),
    "B-LTA": _("Signature with long-term archive timestamps"),
}
CHANGES = {
    "NONE": _("Nothing was changed after signing."),
    "LTA_UPDATES": _("Only validation data was added after signing."),
    "FORM_FILLING": _("Only signatures or form fields were added after signing."),
    "ANNOTATIONS": _("Only comments were added after signing."),
    "OTHER": _("The document was altered after signing."),
}
REVOCATION = {
    "good": _("Not revoked"),
    "revoked": _("Revoked"),
    "unknown": _("Not known"),
    "anchor": _("Trusted root"),
}


@dataclasses.dataclass
class CertificateReport:
    common_name: str
    subject: str
    issuer: str
    issuer_common_name: str
    serial: str  # hex, as CRLs and OCSP name it
    not_before: dt.datetime
    not_after: dt.datetime
    status_now: str  # good | revoked | unknown | anchor
    status_at_signing: str
    revoked_at: dt.datetime | None = None
    revocation_reason: str = ""

    @property
    def status_now_label(self):
        return REVOCATION[self.status_now]

    @property
    def status_at_signing_label(self):
        return REVOCATION[self.status_at_signing]


@dataclasses.dataclass
class Signer:
    common_name: str
    identifier: str  # serialNumber (PNOTJ-...) or organizationIdentifier (GOVTJ-...)
    organisation: str
    profile: str = ""  # ours only: seal | official | citizen

    @property
    def profile_label(self):
        return Certificate.Profile(self.profile).label if self.profile else ""


@dataclasses.dataclass
class SignatureReport:
    field: str
    indication: str
    sub_indication: str
    process: str  # Basic | LTVM | LTA (ETSI's validation processes)
    signer: Signer | None
    signing_time: dt.datetime | None  # proven: the timestamp (best signature time)
    claimed_time: dt.datetime | None  # the signer's own (signing-time attribute or /M)
    timestamp_authority: str
    chain: list[CertificateReport]
    coverage: str  # pyhanko's SignatureCoverageLevel name
    covers_whole_document: bool
    changes: str  # pyhanko's ModificationLevel name
    altered_after_signing: bool
    level: str  # B-B | B-T | B-LT | B-LTA, or "" (not a PAdES signature)
    detail: str = ""  # the validator's own words (English), for integrators

    @property
    def indication_label(self):
        return INDICATIONS[self.indication]

    @property
    def sub_indication_label(self):
        return SUB_INDICATIONS.get(self.sub_indication, SUB_INDICATIONS["GENERIC"])

    @property
    def level_label(self):
        return LEVELS.get(self.level, "")

    @property
    def changes_label(self):
        return CHANGES.get(self.changes, CHANGES["OTHER"])


@dataclasses.dataclass
class IssuedDocument:
    """The platform's own record of the document, when the file is one it issued."""

    uuid: str
    kind: str
    agency_code: str
    agency_name: str
    reference: str
    issued_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str


@dataclasses.dataclass
class Report:
    indication: str
    signatures: list[SignatureReport]
    sha256: str
    size: int
    format: str  # pdf | asic-e
    validated_at: dt.datetime
    document: IssuedDocument | None = None

    @property
    def indication_label(self):
        return INDICATIONS[self.indication]

    @property
    def verdict(self):
        return VERDICTS[self.indication]

    @property
    def altered_after_signing(self) -> bool:
        return any(s.altered_after_signing for s in self.signatures)

    def as_dict(self) -> dict:
        """Plain JSON values: dates in ISO 8601, the words left to the reader's side."""
        out = _plain(dataclasses.asdict(self))
        out["altered_after_signing"] = self.altered_after_signing
        return out


def overall(signatures: list[SignatureReport]) -> str:
    """The worst indication of the signatures; a document without any is its own case."""
    if not signatures:
        return NO_SIGNATURE
    found = {s.indication for s in signatures}
    return next(i for i in WORST_FIRST if i in found)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value
