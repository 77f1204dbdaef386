"""The signing page: a person signs in the browser what the platform prepared for them
(an application of a service that needs their signature, ...). The key stays in the
platform's signing service; the person sees what is signed (the exact PDF, its SHA-256)
and confirms with their authenticator code, or with the code texted to their phone beside
the check code this page shows too. Only their own request opens (else 404)."""

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.applications import signed
from yagona.core.permissions import SIGNED_IN, permission
from yagona.signing import remote
from yagona.signing.models import SignatureRequest

# The ValidationError codes of signing.remote and applications.signed after which the
# request cannot be used any more: the page says so and leads back.
ENDED = ("expired", "used", "changed")


def _private(response):
    """What is being signed is nobody else's: kept in no cache."""
    response["Cache-Control"] = "private, no-store"
    return response


def _back(found) -> str:
    """Where the person came from: the application's answers, else their documents."""
    application = signed.application_of(found)
    return reverse("portal:check", args=[application]) if application \
        else reverse("portal:documents")


def _ended(request, found, reason: str = ""):
    return _private(render(request, "portal/sign_ended.html", {
        "found": found, "reason": reason, "back": _back(found),
        "application": signed.application_of(found)}))


@permission(SIGNED_IN)
def sign(request, uuid):
    found = remote.pending(request.user, uuid)
    now = timezone.now()
    if found.state != SignatureRequest.State.PENDING or found.expires_at <= now:
        return _ended(request, found)
    errors = {}
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            remote.cancel(request.user, found.uuid)
            messages.info(request, _("You did not sign. Nothing was sent."))
            return redirect(_back(found))
        code = "".join(request.POST.get("code", "").split())
        if not code:  # not a try: nothing to check
            errors = {"code": _("Enter the code to sign.")}
        else:
            try:
                if signed.application_of(found):
                    application = signed.confirm(request.user, found.uuid, code)
                    target = found.next_url or reverse("portal:submitted",
                                                       args=[application.uuid])
                else:
                    document = remote.confirm(request.user, found.uuid, code)
                    target = found.next_url or reverse("portal:document", args=[document.uuid])
            except ValidationError as exc:
                if getattr(exc, "code", None) in ENDED:
                    found.refresh_from_db()
                    return _ended(request, found, exc.messages[0])
                errors = {"code": exc.messages[0]}
            else:
                messages.success(request, _("You signed the document."))
                return redirect(target)
    left = max(0, math.ceil((found.expires_at - now).total_seconds() / 60))
    return _private(render(request, "portal/sign.html", {
        "found": found, "errors": errors, "minutes": left, "back": _back(found),
        "short_sha": f"{found.sha256[:8]}…{found.sha256[-8:]}",
        "phone_end": (request.user.phone or "")[-2:],
    }, status=400 if errors else 200))


@permission(SIGNED_IN)
def sign_document(request, uuid):
    """The exact bytes to be signed, for the person to read before they sign."""
    found = remote.pending(request.user, uuid)
    return _private(FileResponse(found.content.open("rb"), as_attachment=False,
                                 filename=f"{str(found.uuid)[:8]}.pdf",
                                 content_type="application/pdf"))
