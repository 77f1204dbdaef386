"""Checking an uploaded file on the server: its size, and its type by content, not by
name. Every room that takes files (applications, correspondence) checks them here."""

import hashlib

from django.utils.translation import gettext as _

# Leading bytes of the types forms may accept.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
DEFAULT_ACCEPT = tuple(SIGNATURES)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class FileRejected(Exception):
    """An upload that breaks the rules; the message is for the applicant."""


def sniff(head: bytes) -> str | None:
    for content_type, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return content_type
    return None


def check_size(upload, max_bytes: int) -> None:
    """A file was chosen, and it is not too big; else FileRejected."""
    if upload is None or not upload.size:
        raise FileRejected(_("Choose a file to upload."))
    if upload.size > max_bytes:
        raise FileRejected(_("The file must be smaller than %(size)s MB.")
                           % {"size": round(max_bytes / 1024 / 1024, 1)})


def check_upload(upload, accept=DEFAULT_ACCEPT, max_bytes=DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Return (content type, sha256) of an acceptable upload, else raise FileRejected."""
    check_size(upload, max_bytes)
    upload.seek(0)
    content_type = sniff(upload.read(16))
    if content_type is None or content_type not in accept:
        kinds = ", ".join(sorted({t.split("/")[-1].upper() for t in accept}))
        raise FileRejected(_("The file must be a %(kinds)s.") % {"kinds": kinds})
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()
