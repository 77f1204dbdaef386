from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yagona.core import audit
from yagona.core.countries import active_pack


class AccountAdapter(DefaultAccountAdapter):
    """Person IDs as usernames, checked against the country pack's format."""

    # The messages people see, in our words and our translations.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _lazy(
            "The personal identification number or the password is not correct."),
        "too_many_login_attempts": _lazy("Too many failed attempts. Try again in a few "
                                         "minutes."),
        "username_taken": _lazy("An account with this personal identification number "
                                "already exists."),
        "email_taken": _lazy("Another account already uses this e-mail address."),
        "account_inactive": _lazy("This account is blocked."),
    }

    def clean_username(self, username, shallow=False):
        username = username.strip().upper() if username else username
        if not active_pack().person_id.is_valid(username):
            raise forms.ValidationError(_("Enter a valid personal identification number."))
        return super().clean_username(username, shallow=shallow)

    # Phone numbers: kept on the user, verified with a code sent by SMS.
    def phone_form_field(self, **kwargs):
        kwargs.setdefault("validators", [])  # the pack's pattern decides, in clean_phone
        return super().phone_form_field(**kwargs)

    def clean_phone(self, phone):
        """The pack's phone pattern (pack.yaml ``phone``); kept without spaces."""
        cleaned = active_pack().clean_phone(phone)
        if cleaned is None:
            raise forms.ValidationError(_("Enter the mobile number as in %(example)s.") % {
                "example": active_pack().phone_example or "+12025550123"})
        return super().clean_phone(cleaned)

    def set_phone(self, user, phone, verified):
        user.phone, user.phone_verified = phone, verified
        if user.pk:  # during sign-up the new user is saved (and audited) afterwards
            with transaction.atomic():
                user.save(update_fields=["phone", "phone_verified"])
                audit.record(audit.Actor(user=user), "account.phone_set", "user",
                             user.username, {"verified": verified})

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user, phone):
        with transaction.atomic():
            user.phone_verified = True
            user.save(update_fields=["phone_verified"])
            audit.record(audit.Actor(user=user), "account.phone_verified", "user",
                         user.username)

    def get_user_by_phone(self, phone):
        from yagona.accounts.models import User

        return User.objects.filter(phone=phone).order_by("-phone_verified", "pk").first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        from django.contrib import messages

        from yagona.core.sms import SmsNotSent, send_sms

        try:
            send_sms(phone, _("Yagona verification code: %(code)s") % {"code": code})
        except SmsNotSent:  # the verification page offers to send it again
            if self.request is not None:
                messages.error(self.request, _("We could not send the SMS just now. Try "
                                               "again later."))

    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=False)
            data = form.cleaned_data
            user.patronymic = data.get("patronymic", "")
            if commit:
                user.save()
                audit.record(audit.Actor(user=user), "account.registered", "user", user.username)
        return user


class MfaAdapter(DefaultMFAAdapter):
    error_messages = {**DefaultMFAAdapter.error_messages,
                      "incorrect_code": _lazy("The code is not correct. Try the newest code.")}
