"""The official's application page: what it offers and how its history reads."""

import pytest

from yagona.applications import services as apply
from yagona.applications.tests.test_services import fill
from yagona.backoffice.tests.test_admin_pages import official
from yagona.catalogue.models import Service


@pytest.fixture
def application(people):
    citizen = people["citizen"]
    service = Service.objects.get(code="birth-registration")
    return apply.submit(citizen, fill(citizen, apply.start(citizen, service)))


@pytest.mark.django_db
def test_take_it_is_not_offered_to_the_official_it_is_assigned_to(people, application):
    office = official(people["operator"])
    url = f"/office/applications/{application.uuid}/"
    assert "Assign to me" in office.get(url).content.decode()
    office.post(url, {"action": "assign"})
    page = office.get(url).content.decode()
    assert "Assign to me" not in page and 'value="assign"' not in page
    # A supervisor may still hand it to someone else.
    assert 'value="assign"' in official(people["supervisor"]).get(url).content.decode()


@pytest.mark.django_db
def test_the_history_does_not_say_the_same_twice(people, application):
    office = official(people["operator"])
    url = f"/office/applications/{application.uuid}/"
    office.post(url, {"action": "assign"})
    office.post(url, {"action": "request_info", "text": "A clearer scan, please"})
    page = office.get(url).content.decode()
    assert "More information requested</strong>" in page
    assert "More information requested → More information requested" not in page
    assert "Sent to the agency → Submitted" in page


@pytest.mark.django_db
def test_a_decision_is_signed_with_the_officials_code_and_a_wrong_code_keeps_the_text(
        people, application):
    import pyotp
    from django.core.cache import cache

    from yagona.signing.models import SignedDocument
    from yagona.testing.web import TOTP_SECRET

    office = official(people["operator"])
    url = f"/office/applications/{application.uuid}/"
    office.post(url, {"action": "assign"})
    page = office.get(url).content.decode()
    assert 'autocomplete="one-time-code"' in page
    office.post(url, {"action": "reject", "reason": "The scan is unreadable.", "code": "000000"})
    page = office.get(url).content.decode()
    assert "not right" in page and "The scan is unreadable.</textarea>" in page
    assert not SignedDocument.objects.exists()
    cache.clear()  # the sign-in used this period's code; a real official waits for the next
    office.post(url, {"action": "reject", "reason": "The scan is unreadable.",
                      "code": pyotp.TOTP(TOTP_SECRET).now()})
    page = office.get(url).content.decode()
    assert "The decision is signed and sent to the applicant." in page
    (document,) = SignedDocument.objects.all()
    assert [s["profile"] for s in document.signers] == ["official", "seal"]
