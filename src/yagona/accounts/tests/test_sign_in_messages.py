"""Sign-in messages in the reader's language, Tajik included (allauth ships no Tajik):
a wrong password and a wrong second-factor code are refused in Tajik, and the message
after signing in names the person, not their personal number."""

import pyotp
import pytest
from django.test import Client

from yagona.accounts import services as accounts
from yagona.core.audit import SYSTEM
from yagona.testing.web import TOTP_SECRET


@pytest.fixture
def tajik_people(people, monkeypatch):
    """The test pack's people, with Tajik as the pack's first interface language."""
    import dataclasses

    from yagona.core import middleware
    from yagona.core.countries import active_pack

    tajik = dataclasses.replace(active_pack(), languages=["tg", "en"])
    monkeypatch.setattr(middleware, "active_pack", lambda: tajik)
    return people


def test_sign_in_speaks_tajik(tajik_people, settings):
    operator = tajik_people["operator"]
    accounts.enable_totp(SYSTEM, operator, TOTP_SECRET)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tg"
    wrong = client.post("/accounts/login/", {"login": operator.username, "password": "wrong"})
    assert "Рақами мушаххаси шахсӣ ё парол нодуруст аст." in wrong.content.decode()
    client.post("/accounts/login/", {"login": operator.username,
                                     "password": "correct horse battery"})
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "Рамз нодуруст аст. Рамзи навтаринро ворид кунед." in wrong.content.decode()
    page = client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(TOTP_SECRET).now()},
                       follow=True).content.decode()
    assert "Шумо ҳамчун Operatorov Olim бомуваффақият ворид шудед." in page
    page = client.post("/accounts/logout/", follow=True).content.decode()
    assert "Шумо аз система баромадед." in page
