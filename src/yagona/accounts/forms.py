from django import forms
from django.utils.translation import gettext_lazy as _


class CitizenSignupForm(forms.Form):
    """Extra fields of the citizen sign-up form (allauth adds person ID and password)."""

    last_name = forms.CharField(label=_("Surname"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)

    def signup(self, request, user):
        """allauth calls this after creating the user; the adapter audits it."""


class ApiTokenForm(forms.Form):
    """A new API token: a name to recognise it by and what it may open."""

    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("For example the program or computer that will use it."))
    scope = forms.ChoiceField(label=_("Use"), widget=forms.RadioSelect)

    def __init__(self, *args, office_allowed=False, **kwargs):
        from yagona.accounts.models import TokenScope

        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [c for c in TokenScope.choices
                                        if office_allowed or c[0] != TokenScope.OFFICE]
        self.fields["scope"].initial = TokenScope.CITIZEN


def _person_id_field():
    from yagona.core.countries import active_pack
    from yagona.core.text import localized

    return forms.CharField(label=localized(active_pack().person_id_label), max_length=32,
                           widget=forms.TextInput(attrs={"autocomplete": "username"}))


def phone_field(label, help_text: str, required: bool = True):
    """The phone field of sign-up and recovery alike: allauth's, cleaned by our adapter with
    the pack's ``clean_phone`` (spaces, dashes and brackets dropped, the pack's pattern);
    ``help_text`` names the pack's example as ``%(example)s``."""
    from allauth.account.adapter import get_adapter

    from yagona.core.countries import active_pack

    field = get_adapter().phone_form_field(label=label, required=required, help_text=help_text % {
        "example": active_pack().phone_example or "+12025550123"})
    field.widget.attrs.pop("placeholder", None)
    return field


class PhoneRecoveryForm(forms.Form):
    """Recover a password with a code sent to the phone number the person verified."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_id"] = _person_id_field()
        self.fields["phone"] = phone_field(_("Mobile phone"), _(
            "The number you verified, in international form, for example %(example)s."))


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the SMS"), max_length=12, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class AssistedResetForm(forms.Form):
    """A service-centre official issues a one-time password reset to a person who is present."""

    identity_checked = forms.BooleanField(
        label=_("I have checked the person's identity document."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_id"] = _person_id_field()
        self.order_fields(["person_id", "identity_checked"])
