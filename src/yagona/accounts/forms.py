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
