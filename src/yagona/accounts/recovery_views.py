"""Pages of password recovery without e-mail (see recovery.py)."""

import base64

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yagona.accounts import queries, recovery
from yagona.accounts.forms import AssistedResetForm, PhoneRecoveryForm, RecoveryCodeForm
from yagona.core.permissions import OFFICIAL, PUBLIC, permission
from yagona.core.sms import SmsNotSent

NOT_SENT = _lazy("We could not send the SMS just now. Try again later, or recover your "
                 "password by e-mail or at a service centre.")


@permission(PUBLIC)
def by_phone(request):
    from allauth.core import ratelimit

    form = PhoneRecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        # Codes cost money and annoy the phone's owner: a few per number, more per address.
        if not ratelimit.consume(request, action="recover_by_phone", key=phone):
            form.add_error(None, _("Too many codes were asked for. Try again later."))
            return render(request, "account/recover_phone.html", {"form": form}, status=429)
        try:
            recovery.send_phone_code(request, form.cleaned_data["person_id"], phone)
        except SmsNotSent:
            form.add_error(None, NOT_SENT)
            return render(request, "account/recover_phone.html", {"form": form}, status=503)
        return redirect("accounts:recover-phone-code")
    return render(request, "account/recover_phone.html", {"form": form},
                  status=400 if form.errors else 200)


@permission(PUBLIC)
def phone_code(request):
    if not recovery.has_pending_code(request):
        return redirect("accounts:recover-phone")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return redirect(recovery.check_phone_code(request, form.cleaned_data["code"]))
        except ValidationError as exc:
            form.add_error("code", exc)
            if exc.code == "expired":
                return redirect("accounts:recover-phone")
    return render(request, "account/recover_phone_code.html", {"form": form},
                  status=400 if form.errors else 200)


def qr_data_uri(text: str) -> str:
    """A QR code as an inline SVG image (allowed by the CSP: img-src data:)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    svg = qrcode.make(text, image_factory=SvgPathImage).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@permission(OFFICIAL)
def assisted(request):
    """A service-centre official gives a person who is present a one-time password reset."""
    if not queries.is_service_centre(request.user):
        raise Http404
    form = AssistedResetForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            link = request.build_absolute_uri(
                recovery.issue_assisted_reset(request.user, form.cleaned_data["person_id"]))
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
    return render(request, "account/recover_assisted.html", {
        "form": form, "link": link, "qr": qr_data_uri(link) if link else None},
        status=400 if form.errors else 200)
