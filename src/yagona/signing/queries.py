"""Reads of the signing room: a person's documents (their own and those of the
organisations they act for), the share links made for them and who opened them, and
what a document's signatures are worth today.

    documents_of(user)            the wallet, newest first (a queryset: the view pages it)
    document_for(user, uuid)      one document of the wallet, else Http404
    holders_of(user)              whose documents the user sees: {(kind, id): name}
    share_links_of(user, document)  the links made for it, with their latest openings
    status_of(document)           valid, withdrawn, or a signer's certificate revoked

For verification (``signing.verify``, the public /verify/ pages):

    issued_document(uuid)         an issued document by its public id, else Http404
    issued_with_hash(sha256)      the issued document with exactly these bytes, or None
    holder_shown(document)        its holder as anyone with the paper may see it
"""

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from yagona.accounts import queries as accounts
from yagona.signing.models import Certificate, ShareLink, ShareOpening, SignedDocument

PERSON, ORGANISATION = "person", "organisation"
# A link opened more often than this shows its latest openings (and the count of all).
OPENINGS_SHOWN = 50


def holders_of(user) -> dict[tuple[str, str], str]:
    """{(holder kind, holder id): name} of the wallets the user may open: their own and
    those of organisations they hold a whole mandate for (a director, a power of
    attorney for every service). A mandate limited to some services does not open the
    organisation's documents: a document names no service, so it could reach beyond."""
    found = {(PERSON, user.username): user.display_name}
    today = timezone.localdate()
    for mandate in accounts.valid_mandates(user):
        if mandate.organisation_id and not mandate.services and mandate.is_valid(today):
            found[(ORGANISATION, mandate.party_id)] = mandate.party_name
    return found


def _scope(user) -> Q:
    organisations = [holder for kind, holder in holders_of(user) if kind == ORGANISATION]
    scope = Q(holder_kind=PERSON, holder_id=user.username)
    if organisations:
        scope |= Q(holder_kind=ORGANISATION, holder_id__in=organisations)
    return scope


def documents_of(user):
    """The documents the user holds or holds for an organisation, newest first."""
    if not user.is_authenticated:
        return SignedDocument.objects.none()
    return SignedDocument.objects.filter(_scope(user)).order_by("-issued_at", "-pk")


def document_for(user, uuid) -> SignedDocument:
    """One document of the user's wallet; any other (or no such) document is 404."""
    try:
        uuid = uuid_module.UUID(str(uuid))
    except ValueError:
        raise Http404 from None
    found = documents_of(user).filter(uuid=uuid).first()
    if found is None:
        raise Http404
    return found


def share_links_of(user, document) -> list[ShareLink]:
    """The share links made for a document of the user's wallet, newest first, each with
    ``shown_openings`` (the latest ``OPENINGS_SHOWN``) and ``opening_count``."""
    document = document_for(user, document.uuid)
    links = list(document.share_links.order_by("-created_at", "-pk"))
    for link in links:
        link.shown_openings = list(ShareOpening.objects.filter(link=link)
                                   .order_by("-at", "-pk")[:OPENINGS_SHOWN])
        link.opening_count = len(link.shown_openings) \
            if len(link.shown_openings) < OPENINGS_SHOWN else link.openings.count()
    return links


@dataclass(frozen=True)
class Status:
    """What a document's signatures are worth today, as a person reads it.

    ``state`` is VALID, WITHDRAWN (``at`` and ``reason`` say when and why the agency
    withdrew it) or SIGNER_REVOKED (``at``: when a signer's certificate was revoked;
    ``valid_when_signed``: whether that came after the document was signed, so that the
    signature was valid when made and stays proof of it)."""

    state: str
    at: datetime | None = None
    reason: str = ""
    valid_when_signed: bool = True

    VALID = "valid"
    WITHDRAWN = "withdrawn"
    SIGNER_REVOKED = "signer_revoked"

    @property
    def is_valid(self) -> bool:
        return self.state == self.VALID


def _status(document, revoked: dict[str, datetime]) -> Status:
    if document.withdrawn_at:
        return Status(Status.WITHDRAWN, document.withdrawn_at, document.withdrawn_reason)
    times = [revoked[s["serial"]] for s in document.signers if s.get("serial") in revoked]
    if times:
        first = min(times)  # the earliest revocation is the one that matters most
        return Status(Status.SIGNER_REVOKED, first, valid_when_signed=first > document.issued_at)
    return Status(Status.VALID)


def _revocations(serials) -> dict[str, datetime]:
    return dict(Certificate.objects.filter(serial__in=set(serials), revoked_at__isnull=False)
                .values_list("serial", "revoked_at"))


def status_of(document) -> Status:
    """The document's status, from the withdrawal and its signers' certificates."""
    return _status(document, _revocations(s.get("serial") for s in document.signers))


def statuses_of(documents) -> dict[int, Status]:
    """{document pk: Status} for a page of documents, in one query."""
    documents = list(documents)
    revoked = _revocations(s.get("serial") for d in documents for s in d.signers)
    return {document.pk: _status(document, revoked) for document in documents}


# --- verification -----------------------------------------------------------------------

def issued_document(uuid) -> SignedDocument:
    """A document the platform issued, by its public id (the QR code's); else 404."""
    found = SignedDocument.objects.filter(uuid=uuid).first()
    if found is None:
        raise Http404
    return found


def issued_with_hash(sha256: str) -> SignedDocument | None:
    """The document the platform issued with exactly these bytes, if any."""
    return SignedDocument.objects.filter(sha256=sha256).order_by("issued_at").first()


def stored_bytes(document: SignedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def certificates_by_fingerprint(fingerprints) -> dict[str, Certificate]:
    """The hierarchy's certificates among these SHA-256 fingerprints (hex)."""
    return {row.sha256: row for row in Certificate.objects.filter(sha256__in=list(fingerprints))}


def revocation_state() -> str:
    """Changes whenever a certificate is revoked: part of the key of cached reports."""
    latest = Certificate.objects.aggregate(latest=Max("revoked_at"))["latest"]
    return latest.isoformat() if latest else "none"


def holder_shown(document: SignedDocument) -> dict:
    """Who holds the document, as much as anyone with the paper may see: initials and
    the last two characters of the identifier, never the whole of either."""
    identifier = document.holder_id or ""
    initials = ""
    if document.holder_kind == "person" and identifier:
        person = accounts.person(identifier)
        if person is not None:
            initials = " ".join(f"{part[0]}." for part in person.display_name.split() if part)
    masked = "•" * max(len(identifier) - 2, 0) + identifier[-2:] if len(identifier) > 2 else ""
    return {"initials": initials, "identifier": masked, "kind": document.holder_kind}
