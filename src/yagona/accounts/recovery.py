"""Password recovery without e-mail: a code by SMS to a verified phone, or a one-time reset
issued at a service centre to a person who is present.

Both end on allauth's own "set a new password" page (its one-time reset key: invalid once
the password changes), so there is one place where passwords are set and checked.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.accounts.models import User
from yagona.accounts.queries import service_centre_agency
from yagona.core import audit
from yagona.core.sms import SmsNotSent, send_sms

SESSION_KEY = "yagona_phone_recovery"
CODE_SECONDS = 10 * 60
MAX_ATTEMPTS = 5


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def reset_url(user: User) -> str:
    """allauth's one-time "set a new password" address for this person."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    return reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})


def send_phone_code(request, person_id: str, phone: str) -> None:
    """Send a code when the person ID and the verified phone belong together. The answer is
    the same either way (no one learns whose number it is); the caller rate-limits."""
    user = User.objects.filter(username=person_id.strip().upper(), phone=phone,
                               phone_verified=True, is_active=True).first()
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[SESSION_KEY] = {"user": user.pk if user else None, "digest": _digest(code),
                                    "until": time.time() + CODE_SECONDS, "attempts": 0}
    if user is None:
        return
    try:
        with translation.override(user.language or translation.get_language()):
            send_sms(phone, _("Yagona password recovery code: %(code)s. Do not tell it to "
                              "anyone.") % {"code": code})
    except SmsNotSent:
        # Said only when a message was due: it hints that the pair belongs together, but
        # hiding it would leave the person waiting for a code that never comes.
        del request.session[SESSION_KEY]
        raise
    with transaction.atomic():
        audit.record(audit.Actor(user=user), "account.recovery_code_sent", "user",
                     user.username, {"channel": "sms"})


def has_pending_code(request) -> bool:
    return SESSION_KEY in request.session


def check_phone_code(request, code: str) -> str:
    """The reset address once the code is right; ValidationError otherwise. A code is good for
    ten minutes and five tries."""
    state = request.session.get(SESSION_KEY)
    if not state or state["until"] < time.time() or state["attempts"] >= MAX_ATTEMPTS:
        request.session.pop(SESSION_KEY, None)
        raise ValidationError(_("The code has expired or was tried too often. Ask for a new "
                                "one."), code="expired")
    user = User.objects.filter(pk=state["user"], is_active=True).first() \
        if state["user"] else None
    if user is None or not hmac.compare_digest(state["digest"], _digest(code.strip())):
        state["attempts"] += 1
        request.session[SESSION_KEY] = state
        raise ValidationError(_("The code is not correct."), code="wrong")
    del request.session[SESSION_KEY]
    with transaction.atomic():
        audit.record(audit.Actor(user=user), "account.recovery_phone_verified", "user",
                     user.username, {"channel": "sms"})
    return reset_url(user)


def issue_assisted_reset(official: User, person_id: str) -> str:
    """A service-centre official, the person present with their identity document, issues a
    one-time reset: the address of allauth's page where the person sets a new password.
    Officials' accounts are not recovered this way (their agency's administrator does)."""
    centre = service_centre_agency(official)
    if centre is None:
        raise PermissionDenied
    person = User.objects.filter(username=person_id.strip().upper(), is_active=True).first()
    if person is None:
        raise ValidationError({"person_id": _("No account has this personal identification "
                                              "number.")})
    if person == official or person.is_official or person.is_platform_admin:
        raise ValidationError({"person_id": _("Officials recover their access through their "
                                              "agency's administrator.")})
    agency = centre.code
    with transaction.atomic():
        audit.record(audit.Actor(user=official, represented=person.username, agency=agency),
                     "account.password_reset_issued", "user", person.username,
                     {"channel": "assisted", "present": True}, agency=agency)
    return reset_url(person)


def record_password_reset(sender, request, user, **kwargs):
    """allauth set a new password through a reset (e-mail, SMS code or service centre)."""
    with transaction.atomic():
        audit.record(audit.Actor(user=user), "account.password_reset", "user", user.username)
