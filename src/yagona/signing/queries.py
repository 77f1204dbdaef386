"""Reads of the signing room for the rooms above it (and for its own verification)."""

from django.db.models import Max
from django.http import Http404

from yagona.signing.models import Certificate, SignedDocument


def document(uuid) -> SignedDocument:
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
    from yagona.accounts import queries as accounts

    identifier = document.holder_id or ""
    initials = ""
    if document.holder_kind == "person" and identifier:
        person = accounts.person(identifier)
        if person is not None:
            initials = " ".join(f"{part[0]}." for part in person.display_name.split() if part)
    masked = "•" * max(len(identifier) - 2, 0) + identifier[-2:] if len(identifier) > 2 else ""
    return {"initials": initials, "identifier": masked, "kind": document.holder_kind}
