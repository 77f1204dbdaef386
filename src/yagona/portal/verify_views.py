"""Public verification of signed documents, no sign-in: upload a PDF or an ASiC-E
container and read its report; or open a document the platform issued by the QR code
printed on it, and compare the paper's PDF with it."""

import hashlib

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from yagona.core.permissions import PUBLIC, permission
from yagona.signing import queries as signing
from yagona.signing import verify as verification


def _uploaded(request) -> tuple[bytes | None, str, str]:
    """(the file's bytes, its name, an error for people)."""
    upload = request.FILES.get("file")
    if upload is None:
        return None, "", _("Choose the file to verify.")
    if upload.size > settings.YAGONA_MAX_UPLOAD_BYTES:
        return None, upload.name, _("The file must be smaller than %(size)s MB.") % {
            "size": round(settings.YAGONA_MAX_UPLOAD_BYTES / 1024 / 1024, 1)}
    return upload.read(), upload.name, ""


def _checked(data: bytes, name: str):
    """(the report, an error for people)."""
    try:
        return verification.verify_file(data, name), ""
    except verification.NotVerifiable as exc:
        return None, exc.message


@permission(PUBLIC)
def verify(request):
    """Upload a signed file; the report follows on the same page."""
    report, error = None, ""
    if request.method == "POST":
        data, name, error = _uploaded(request)
        if data is not None:
            report, error = _checked(data, name)
    return render(request, "portal/verify.html", {
        "report": report, "errors": {"file": error} if error else {},
        "limit_mb": round(settings.YAGONA_MAX_UPLOAD_BYTES / 1024 / 1024),
    }, status=400 if error else 200)


@permission(PUBLIC)
def verify_document(request, uuid):
    """The QR code's page: the stored document's report and what it is, its holder
    masked (whoever holds the paper can open this), and a comparison with a file."""
    document = signing.issued_document(uuid)
    report = verification.verify_issued(document)
    same, other, error = None, None, ""
    if request.method == "POST":
        data, name, error = _uploaded(request)
        if data is not None:
            same = hashlib.sha256(data).hexdigest() == document.sha256
            if not same:
                other, error = _checked(data, name)
    return render(request, "portal/verify_document.html", {
        "document": document, "report": report, "holder": signing.holder_shown(document),
        "same": same, "other": other, "errors": {"file": error} if error else {},
        "limit_mb": round(settings.YAGONA_MAX_UPLOAD_BYTES / 1024 / 1024),
    }, status=400 if error else 200)
