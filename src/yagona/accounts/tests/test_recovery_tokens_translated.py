"""The pages of API tokens and password recovery speak Tajik, Russian and Azerbaijani."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from yagona.accounts import forms, models

TEMPLATES = ["account/api_tokens.html", "account/recover_phone.html",
             "account/recover_phone_code.html", "account/recover_assisted.html"]
PYTHON = [models.TokenScope.CITIZEN.label, models.TokenScope.OFFICE.label,
          forms.ApiTokenForm.base_fields["name"].help_text,
          forms.RecoveryCodeForm.base_fields["code"].label,
          forms.AssistedResetForm.base_fields["identity_checked"].label,
          "Yagona password recovery code: %(code)s. Do not tell it to anyone.",
          "The code has expired or was tried too often. Ask for a new one.",
          "The code is not correct.", "Too many codes were asked for. Try again later.",
          "Officials recover their access through their agency's administrator.",
          "An office token needs an official with a second factor.",
          "The token was revoked.", "Mobile phone"]


def template_strings():
    found = set()
    for name in TEMPLATES:
        text = (Path(settings.BASE_DIR) / "templates" / name).read_text()
        found |= set(re.findall(r'{% translate "([^"]+)" %}', text))
        found |= set(re.findall(r"{% translate '([^']+)' %}", text))
    return found


@pytest.mark.parametrize("language", ["tg", "ru", "az"])
def test_every_string_of_these_pages_is_translated(language):
    strings = template_strings() | {str(s) for s in PYTHON}
    assert len(strings) > 30
    with translation.override(language):
        missing = sorted(s for s in strings if translation.gettext(s) == s)
    assert missing == []


@pytest.mark.django_db
def test_the_phone_recovery_page_in_russian(country):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get("/accounts/recover/phone/").content.decode()
    assert "Восстановление пароля по телефону" in page
    assert "Мобильный телефон" in page
