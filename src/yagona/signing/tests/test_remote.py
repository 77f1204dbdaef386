"""Remote signing: the platform signs in a person's name only after they confirm with
their authenticator code, or with the code texted to their verified phone beside the
check code their screen shows; a request expires and allows five tries."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from yagona.accounts import services as accounts
from yagona.core import sms
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.signing import pades, remote
from yagona.signing.models import SignatureRequest
from yagona.signing.tests.helpers import plain_pdf
from yagona.testing.web import TOTP_SECRET


@pytest.fixture
def citizen(people):
    accounts.enable_totp(SYSTEM, people["citizen"], TOTP_SECRET)
    return people["citizen"]


@pytest.mark.django_db
def test_a_person_signs_after_confirming_with_their_authenticator(citizen):
    request = remote.start(citizen, plain_pdf(), purpose="test", description={"en": "Form"})
    assert request.channel == "totp" and len(request.check_code) == 4
    with pytest.raises(ValidationError, match="not right"):
        remote.confirm(citizen, request.uuid, "000000")
    document = remote.confirm(citizen, request.uuid, pyotp.TOTP(TOTP_SECRET).now())
    (signature,) = pades.signatures_in(document.file.read())
    assert signature.signer_cert.subject.native["serial_number"] == \
        f"PNOXX-{citizen.username}"
    assert document.holder_id == citizen.username and document.signers[0]["profile"] == "citizen"
    request.refresh_from_db()
    assert request.state == "signed" and request.attempts == 1
    with pytest.raises(ValidationError, match="already used"):
        remote.confirm(citizen, request.uuid, pyotp.TOTP(TOTP_SECRET).now())
    actions = set(AuditEntry.objects.filter(object_id=str(request.uuid))
                  .values_list("action", flat=True))
    assert actions == {"signing.signature_requested", "signing.confirmation_failed",
                       "signing.signature_confirmed"}


@pytest.mark.django_db
def test_without_an_authenticator_the_code_comes_by_sms_with_the_check_code(people):
    person = people["other"]
    person.phone, person.phone_verified = "+992901234567", True
    person.save()
    sms.outbox.clear()
    request = remote.start(person, plain_pdf(), purpose="test", description={})
    assert request.channel == "sms"
    phone, text = sms.outbox[-1]
    assert phone == person.phone and request.check_code in text
    code = re.search(r"\b(\d{6})\b", text).group(1)
    document = remote.confirm(person, request.uuid, code)
    assert document.signers[0]["profile"] == "citizen"


@pytest.mark.django_db
def test_no_channel_no_signature_and_others_cannot_see_the_request(people, citizen):
    with pytest.raises(ValidationError, match="authenticator app or confirm your phone"):
        remote.start(people["other"], plain_pdf(), purpose="test", description={})
    with pytest.raises(ValidationError, match="not a PDF"):
        remote.start(citizen, b"%PDF-1.7 but not really", purpose="test", description={})
    request = remote.start(citizen, plain_pdf(), purpose="test", description={})
    with pytest.raises(Http404):
        remote.confirm(people["other"], request.uuid, "123456")
    with pytest.raises(Http404):
        remote.pending(citizen, "not-a-uuid")


@pytest.mark.django_db
def test_requests_expire_and_allow_five_tries(citizen):
    request = remote.start(citizen, plain_pdf(), purpose="test", description={})
    for _ in range(remote.MAX_ATTEMPTS):
        with pytest.raises(ValidationError, match="not right"):
            remote.confirm(citizen, request.uuid, "000000")
    with pytest.raises(ValidationError, match="expired or was tried too often"):
        remote.confirm(citizen, request.uuid, pyotp.TOTP(TOTP_SECRET).now())
    late = remote.start(citizen, plain_pdf(), purpose="test", description={})
    SignatureRequest.objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="expired"):
        remote.confirm(citizen, late.uuid, pyotp.TOTP(TOTP_SECRET).now())
    assert SignatureRequest.objects.get(pk=late.pk).state == "expired"
