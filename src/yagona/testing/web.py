"""Helpers for tests that go through the web like a person."""

import pyotp
from django.test import Client

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def signed_in(user, password="correct horse battery", client=None) -> Client:
    """A client signed in through the real sign-in form (and the second factor, if set)."""
    from allauth.mfa.models import Authenticator

    client = client or Client()
    response = client.post("/accounts/login/", {"login": user.username, "password": password})
    assert response.status_code == 302, response.content[:2000]
    if Authenticator.objects.filter(user=user, type="totp").exists():
        response = client.post("/accounts/2fa/authenticate/",
                               {"code": pyotp.TOTP(TOTP_SECRET).now()})
        assert response.status_code == 302, response.content[:2000]
    return client
