from django import forms
from django.utils.translation import gettext_lazy as _


class CitizenSignupForm(forms.Form):
    """Extra fields of the citizen sign-up form (allauth adds person ID and password)."""

    last_name = forms.CharField(label=_("Surname"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)

    def signup(self, request, user):
        """allauth calls this after creating the user; the adapter audits it."""
