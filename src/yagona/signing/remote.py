"""Remote signing for people (like SİMA or Smart-ID): the person's key stays in the
platform's key store; the platform signs in their name only after they confirm.

    start(user, pdf, purpose=..., description=..., next_url=..., language=...)
                                                    → a request, with a check code
    confirm(user, uuid, code)                       → the signed document
    cancel(user, uuid)

Confirmation is the person's authenticator code (TOTP) where they have one, else a
one-time code sent by SMS to their verified phone together with the check code the
page shows, so the person sees that the message belongs to what is on their screen.
A request is good for ten minutes and five tries; every step is audited.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts import services as account_services
from yagona.core import audit
from yagona.core.identifiers import is_uuid
from yagona.core.sms import SmsNotSent, send_sms
from yagona.signing import pades, services
from yagona.signing.models import SignatureRequest, SignedDocument

VALID_MINUTES, MAX_ATTEMPTS = 10, 5


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def channel_for(user) -> str | None:
    """How this person can confirm a signature, or None (they must set one up first)."""
    if accounts.has_second_factor(user):
        return "totp"
    if user.phone and user.phone_verified:
        return "sms"
    return None


NEXT_LENGTH = SignatureRequest._meta.get_field("next_url").max_length


def safe_next(url: str) -> str:
    """``url`` when it is a path of this site ("/applications/..."), else "": a signing
    page must never send the person elsewhere (an open redirect after a signature)."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or len(url) > NEXT_LENGTH \
            or any(ord(c) < 32 or c == "\\" for c in url):
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=set()) else ""


def start(user, pdf: bytes, *, purpose: str, description: dict, next_url: str = "",
          language: str = "") -> SignatureRequest:
    """A request to sign ``pdf`` in the person's name, waiting for their confirmation.
    ``next_url`` is where the signing page leads once signed (kept only if a path of this
    site); ``language`` the document's, for whoever renders it again to compare."""
    channel = channel_for(user)
    if channel is None:
        raise ValidationError(_("To sign, set up an authenticator app or confirm your "
                                "phone number in your account."), code="no_channel")
    try:
        pades.signatures_in(pdf)
    except Exception as exc:  # noqa: BLE001 - pyhanko raises several kinds for a broken file
        raise ValidationError(_("This file is not a PDF that can be signed."),
                              code="not_pdf") from exc
    check = f"{secrets.randbelow(10**4):04d}"
    sms_code = f"{secrets.randbelow(10**6):06d}" if channel == "sms" else ""
    with transaction.atomic():
        request = SignatureRequest(
            user=user, purpose=purpose[:80], description=description, check_code=check,
            next_url=safe_next(next_url), language=(language or "")[:8],
            channel=channel, sms_code_sha256=_digest(sms_code) if sms_code else "",
            sha256=hashlib.sha256(pdf).hexdigest(),
            expires_at=timezone.now() + timedelta(minutes=VALID_MINUTES))
        request.content.save(f"{request.uuid}.pdf", ContentFile(pdf), save=False)
        request.save()
        audit.record(audit.Actor(user=user), "signing.signature_requested",
                     "signature_request", request.uuid,
                     {"purpose": request.purpose, "sha256": request.sha256, "channel": channel})
    if sms_code:
        with translation.override(user.language or translation.get_language()):
            try:
                send_sms(user.phone, _("Yagona signing %(check)s: your code is %(code)s. "
                                       "Enter it only if your screen shows %(check)s.")
                         % {"check": check, "code": sms_code})
            except SmsNotSent as exc:
                cancel(user, request.uuid)
                raise ValidationError(_("The text message could not be sent. Try again "
                                        "later."), code="sms") from exc
    return request


def pending(user, uuid) -> SignatureRequest:
    """The person's own request, else 404."""
    request = SignatureRequest.objects.filter(uuid=uuid, user=user).first() \
        if is_uuid(uuid) else None
    if request is None:
        raise Http404
    return request


def confirm(user, uuid, code: str, *, kind: str = SignedDocument.Kind.SIGNED,
            source: str = "", reference: str = "") -> SignedDocument:
    """Check the code, then sign in the person's name (PAdES B-LT, timestamped)."""
    request = pending(user, uuid)
    if request.state != SignatureRequest.State.PENDING:
        raise ValidationError(_("This request was already used or cancelled."), code="used")
    if request.expires_at < timezone.now() or request.attempts >= MAX_ATTEMPTS:
        with transaction.atomic():  # kept, though the caller gets an error
            SignatureRequest.objects.filter(pk=request.pk).update(
                state=SignatureRequest.State.EXPIRED)
            audit.record(audit.Actor(user=user), "signing.signature_expired",
                         "signature_request", request.uuid)
        raise ValidationError(_("The request has expired or was tried too often. Start "
                                "again."), code="expired")
    code = "".join((code or "").split())
    good = account_services.check_totp(user, code) if request.channel == "totp" else \
        bool(code) and hmac.compare_digest(request.sms_code_sha256, _digest(code))
    if not good:
        with transaction.atomic():  # the failed try counts, though the caller gets an error
            SignatureRequest.objects.filter(pk=request.pk).update(attempts=F("attempts") + 1)
            audit.record(audit.Actor(user=user), "signing.confirmation_failed",
                         "signature_request", request.uuid)
        raise ValidationError(_("The code is not right."), code="wrong")
    with transaction.atomic():
        request = SignatureRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != SignatureRequest.State.PENDING:  # a double click, signed already
            raise ValidationError(_("This request was already used or cancelled."),
                                  code="used")
        document = services.sign_as_person(
            user, request.content.open("rb").read(), kind=kind, title=request.description,
            source=source or request.purpose, reference=reference)
        request.state = SignatureRequest.State.SIGNED
        request.signed_document = document
        request.save(update_fields=["state", "signed_document"])
        audit.record(audit.Actor(user=user), "signing.signature_confirmed",
                     "signature_request", request.uuid, {"document": str(document.uuid)})
    return document


def cancel(user, uuid) -> None:
    with transaction.atomic():
        request = SignatureRequest.objects.select_for_update().get(pk=pending(user, uuid).pk)
        if request.state == SignatureRequest.State.PENDING:
            request.state = SignatureRequest.State.CANCELLED
            request.save(update_fields=["state"])
            audit.record(audit.Actor(user=user), "signing.signature_cancelled",
                         "signature_request", request.uuid)
