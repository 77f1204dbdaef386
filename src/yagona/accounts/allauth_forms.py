"""Our versions of allauth's forms (kept apart: allauth imports forms.py while loading)."""

from allauth.account.forms import LoginForm, SignupForm
from allauth.mfa.base.forms import AuthenticateForm
from django.utils.translation import gettext_lazy as _

from yagona.accounts.forms import phone_field
from yagona.core.countries import active_pack
from yagona.core.text import localized


class PersonIdLoginForm(LoginForm):
    """Sign in with the national person ID and a password, labelled in our words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = localized(active_pack().person_id_label)
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # allauth puts a "Forgot your password?" link here; the page has its own below.
        self.fields["password"].help_text = ""
        self.fields.pop("remember", None)


class CodeForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code")
        self.fields["code"].widget.attrs.pop("placeholder", None)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class PersonIdSignupForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = localized(active_pack().person_id_label)
        self.fields["username"].help_text = _("As written in your identity document, "
                                              "for example %(example)s.") % {
            "example": active_pack().person_id.example}
        labels = {"email": _("E-mail (optional)"), "phone": _("Mobile phone (optional)"),
                  "password1": _("Password"), "password2": _("Password again")}
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        if "phone" in self.fields:
            self.fields["phone"] = phone_field(labels["phone"], _(
                "In international form, for example %(example)s. We send a code to check "
                "it."), required=self.fields["phone"].required)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
