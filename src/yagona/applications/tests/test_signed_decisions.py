"""A decision is issued as a signed document: rendered from the pack's template, signed
by the official (after their authenticator code) and sealed by the agency, PAdES B-LT,
verifiable at the address its QR code holds; a system's API decision is sealed only."""

import pyotp
import pytest
from django.core.exceptions import ValidationError

from yagona.accounts import services as accounts
from yagona.applications import services as apply
from yagona.applications.files import FileRejected
from yagona.applications.models import Application
from yagona.applications.tests.test_services import fill, pdf
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM
from yagona.signing import pades, verify
from yagona.signing.models import SignedDocument
from yagona.testing.web import TOTP_SECRET


@pytest.fixture
def in_review(people):
    citizen = people["citizen"]
    service = Service.objects.get(code="birth-registration")
    application = apply.submit(citizen, fill(citizen, apply.start(citizen, service)))
    apply.assign(people["operator"], application.uuid)
    return application


def code():
    return pyotp.TOTP(TOTP_SECRET).now()


@pytest.mark.django_db
def test_the_officials_code_signs_the_decision_beside_the_seal(people, in_review):
    operator = people["operator"]
    accounts.enable_totp(SYSTEM, operator, TOTP_SECRET)
    decided = apply.decide(operator, in_review.uuid, False, "The mother's ID does not match.",
                           confirmation=code())
    document = SignedDocument.objects.get(source=f"application:{decided.uuid}")
    assert document.holder_id == people["citizen"].username
    assert document.reference == decided.registration_number
    assert [s["profile"] for s in document.signers] == ["official", "seal"]
    signed = document.file.read()
    official, seal = pades.signatures_in(signed)
    assert official.signer_cert.subject.native["common_name"] == operator.display_name
    report = verify.verify_pdf(signed)
    assert report.indication == "TOTAL_PASSED", report
    assert report.document and report.document.reference == decided.registration_number
    assert document.title["en"] == "Decision to refuse the application"
    # What the citizen downloads as the result is the same signed file.
    result = decided.attachments.get(kind="result")
    assert result.file.read() == signed


@pytest.mark.django_db
def test_a_wrong_code_records_nothing(people, in_review):
    operator = people["operator"]
    with pytest.raises(ValidationError, match="authenticator app"):
        apply.decide(operator, in_review.uuid, True, "", confirmation="123456")
    accounts.enable_totp(SYSTEM, operator, TOTP_SECRET)
    with pytest.raises(ValidationError, match="not right"):
        apply.decide(operator, in_review.uuid, True, "", pdf(), confirmation="000000")
    application = Application.objects.get(pk=in_review.pk)
    assert application.status == "in_review" and application.decided_at is None
    assert not SignedDocument.objects.exists()
    assert not application.attachments.filter(kind="result").exists()


@pytest.mark.django_db
def test_an_unreadable_result_is_refused_before_anything_is_decided(people, in_review):
    operator = people["operator"]
    fake = pdf("result.pdf", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(FileRejected, match="cannot be signed"):
        apply.decide(operator, in_review.uuid, True, "", fake)
    assert Application.objects.get(pk=in_review.pk).status == "in_review"
    assert not SignedDocument.objects.exists()


@pytest.mark.django_db
def test_a_systems_decision_is_sealed_by_the_agency_alone(people, in_review):
    decided = apply.decide(people["operator"], in_review.uuid, True, "")
    document = SignedDocument.objects.get(source=f"application:{decided.uuid}")
    assert [s["profile"] for s in document.signers] == ["seal"]
