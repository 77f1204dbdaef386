"""The signing page and "Sign and submit": what is signed is shown (the exact PDF, its
SHA-256), the code is asked for, errors keep everything, an ended request says so and
leads back; the official sees the signed application and downloads it (audited)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from yagona.accounts import services as accounts
from yagona.applications.tests.test_signed import code_now, draft
from yagona.backoffice.tests.test_admin_pages import official
from yagona.catalogue.models import Service
from yagona.core import sms
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.signing import remote
from yagona.signing.models import SignatureRequest
from yagona.signing.tests.helpers import plain_pdf
from yagona.testing.web import TOTP_SECRET, signed_in

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def licence(country):
    return Service.objects.get(code="trade-licence")


@pytest.fixture
def citizen(people):
    accounts.enable_totp(SYSTEM, people["citizen"], TOTP_SECRET)
    return people["citizen"]


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def _started(client, application):
    response = client.post(f"/applications/{application.uuid}/check/", **EN)
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/sign/([0-9a-f-]{36})/", response["Location"])
    return SignatureRequest.objects.get(uuid=match.group(1))


@pytest.mark.django_db
def test_a_citizen_signs_and_submits_in_the_browser(people, citizen, licence):
    application = draft(citizen, licence)
    client = signed_in(citizen)
    check = client.get(f"/applications/{application.uuid}/check/", **EN).content.decode()
    assert "Sign and submit" in check and "Accept and send" not in check
    request = _started(client, application)
    assert request.next_url == f"/applications/{application.uuid}/submitted/"
    url = f"/sign/{request.uuid}/"
    page = client.get(url, **EN)
    assert page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    assert "Application: Trade licence" in text
    assert f'href="/sign/{request.uuid}/document"' in text
    assert f"{request.sha256[:8]}…{request.sha256[-8:]}" in text
    assert "enter the code it shows" in text and request.check_code not in text
    assert 'autocomplete="one-time-code"' in text and 'inputmode="numeric"' in text
    assert re.search(r"10 minutes, until \d\d:\d\d", text)
    document = client.get(f"/sign/{request.uuid}/document")
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"].startswith("inline;")
    request.content.open("rb")
    assert _bytes(document) == request.content.read()

    empty = client.post(url, {"action": "sign", "code": " "}, **EN)
    assert empty.status_code == 400 and "Enter the code to sign." in empty.content.decode()
    wrong = client.post(url, {"action": "sign", "code": "000000"}, **EN)
    assert wrong.status_code == 400
    assert 'class="error-summary"' in wrong.content.decode()
    assert 'href="#f-code"' in wrong.content.decode()
    assert SignatureRequest.objects.get(pk=request.pk).attempts == 1  # the blank one is free
    application.refresh_from_db()
    assert application.status == "draft"

    done = client.post(url, {"action": "sign", "code": code_now(30)}, **EN)
    assert done["Location"] == f"/applications/{application.uuid}/submitted/"
    application.refresh_from_db()
    assert application.status == "submitted" and application.signed_document is not None
    submitted = client.get(done["Location"], **EN).content.decode()
    assert application.registration_number in submitted
    ended = client.get(url, **EN).content.decode()
    assert "This document is signed already." in ended
    detail = client.get(f"/applications/{application.uuid}/", **EN).content.decode()
    assert f'href="/account/documents/{application.signed_document.uuid}/"' in detail
    wallet = client.get("/account/documents/", **EN).content.decode()
    assert application.registration_number in wallet
    # The QR-code page of the platform verifies the applicant's signature as valid.
    verified = client.get(f"/verify/{application.signed_document.uuid}/", **EN)
    assert verified.status_code == 200 and "TOTAL_PASSED" in verified.content.decode()

    # The tax official sees who signed and downloads the signed file; the read is audited.
    office = official(people["tax_operator"])
    page = office.get(f"/office/applications/{application.uuid}/", **EN).content.decode()
    assert "Signed by the applicant" in page and "Rahimova Dilnoza" in page
    download = office.get(f"/office/applications/{application.uuid}/signed/")
    application.signed_document.file.open("rb")
    assert _bytes(download) == application.signed_document.file.read()
    assert AuditEntry.objects.filter(action="application.signed_copy_viewed").exists()
    assert official(people["operator"]).get(
        f"/office/applications/{application.uuid}/signed/").status_code == 404


@pytest.mark.django_db
def test_only_the_person_opens_their_request(people, citizen, licence):
    request = _started(signed_in(citizen), draft(citizen, licence))
    other = signed_in(people["other"])
    for url in (f"/sign/{request.uuid}/", f"/sign/{request.uuid}/document", "/sign/nope/"):
        assert other.get(url).status_code == 404
    assert other.post(f"/sign/{request.uuid}/", {"action": "cancel"}).status_code == 404
    assert SignatureRequest.objects.get(pk=request.pk).state == "pending"
    anonymous = signed_in(people["other"])
    anonymous.logout()
    assert anonymous.get(f"/sign/{request.uuid}/").status_code == 302  # to sign in


@pytest.mark.django_db
def test_cancel_and_expiry_lead_back_to_the_answers(citizen, licence):
    application = draft(citizen, licence)
    client = signed_in(citizen)
    request = _started(client, application)
    back = client.post(f"/sign/{request.uuid}/", {"action": "cancel"})
    assert back["Location"] == f"/applications/{application.uuid}/check/"
    assert SignatureRequest.objects.get(pk=request.pk).state == "cancelled"
    page = client.get(f"/sign/{request.uuid}/", **EN).content.decode()
    assert "cancelled: nothing was signed" in page
    assert f'href="/applications/{application.uuid}/check/"' in page
    late = _started(client, application)
    SignatureRequest.objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    page = client.post(f"/sign/{late.uuid}/", {"action": "sign", "code": code_now(30)},
                       **EN).content.decode()
    assert "has expired or was tried too often" in page
    application.refresh_from_db()
    assert application.status == "draft"


@pytest.mark.django_db
def test_a_changed_draft_is_not_signed(citizen, licence):
    application = draft(citizen, licence)
    client = signed_in(citizen)
    request = _started(client, application)
    client.post(f"/applications/{application.uuid}/page/trade/",
                {"activity": "Carpets", "action": "continue"})
    page = client.post(f"/sign/{request.uuid}/", {"action": "sign", "code": code_now(30)},
                       **EN).content.decode()
    assert "The application changed after you started signing." in page
    assert f'href="/applications/{application.uuid}/check/"' in page


@pytest.mark.django_db
def test_by_sms_the_page_shows_the_check_code_the_message_carries(people, licence):
    person = people["other"]
    person.phone, person.phone_verified = "+992901234567", True
    person.save()
    client = signed_in(person)
    sms.outbox.clear()
    request = _started(client, draft(person, licence))
    page = client.get(f"/sign/{request.uuid}/", **EN).content.decode()
    assert f'<p class="check-code">{request.check_code}</p>' in page
    assert "ending in 67" in page and request.check_code in sms.outbox[-1][1]


@pytest.mark.django_db
def test_without_a_way_to_confirm_the_answers_page_says_how_to_get_one(people, licence):
    person = people["other"]
    client = signed_in(person)
    application = draft(person, licence)
    page = client.get(f"/applications/{application.uuid}/check/", **EN).content.decode()
    assert "set up an authenticator app or confirm your phone number" in page
    assert "Sign and submit" not in page
    refused = client.post(f"/applications/{application.uuid}/check/", **EN)
    assert refused.status_code == 400 and 'href="#f-sign"' in refused.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"


@pytest.mark.django_db
def test_another_document_leads_to_the_wallet_once_signed(citizen):
    request = remote.start(citizen, plain_pdf(), purpose="test", description={"en": "A form"},
                           next_url="https://elsewhere.example/")
    assert request.next_url == ""  # only paths of this site are kept
    client = signed_in(citizen)
    done = client.post(f"/sign/{request.uuid}/", {"action": "sign", "code": code_now(30)})
    assert re.fullmatch(r"/account/documents/[0-9a-f-]{36}/", done["Location"])
