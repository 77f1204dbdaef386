"""The public verification pages: upload a file and read its report; the QR code's page
of an issued document, its holder masked, and the comparison with a copy; 404 for an
unknown code. No sign-in anywhere."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.signing import services, verify
from yagona.signing.tests.helpers import plain_pdf


@pytest.fixture
def sealed(people):
    document = services.seal(plain_pdf(), Agency.objects.get(code="REG"),
                             official=people["operator"], kind="result",
                             title={"en": "Birth certificate"},
                             holder_id=people["citizen"].username, reference="REG-2026-000007")
    return document, document.file.read()


def upload(data: bytes, name: str = "decision.pdf"):
    return {"file": SimpleUploadedFile(name, data, "application/pdf")}


def tampered(data: bytes) -> bytes:
    at = data.index(b"page 1")
    return data[:at] + b"PAGE 1" + data[at + 6:]


@pytest.mark.django_db
def test_the_upload_page_shows_a_report(sealed):
    _document, data = sealed
    client = Client()
    form = client.get(reverse("portal:verify"))
    assert form.status_code == 200 and b'type="file"' in form.content
    page = client.post(reverse("portal:verify"), upload(data)).content.decode()
    assert "TOTAL_PASSED" in page and "Every signature on this document is valid." in page
    assert page.count("PAdES B-LT") == 2 and "REG-2026-000007" in page
    assert reverse("portal:verify-document", args=[_document.uuid]) in page
    failed = client.post(reverse("portal:verify"), upload(tampered(data))).content.decode()
    assert "TOTAL_FAILED" in failed and "HASH_FAILURE" in failed
    assert "REG-2026-000007" not in failed  # not the bytes the platform issued


@pytest.mark.django_db
def test_the_upload_page_refuses_clearly(people):
    client = Client()
    missing = client.post(reverse("portal:verify"), {})
    assert missing.status_code == 400 and b"error-summary" in missing.content
    garbage = client.post(reverse("portal:verify"), upload(b"not a pdf at all", "x.pdf"))
    assert garbage.status_code == 400
    assert "neither a PDF nor an ASiC-E container" in garbage.content.decode()
    unsigned = client.post(reverse("portal:verify"), upload(plain_pdf()))
    assert "This document carries no electronic signature." in unsigned.content.decode()


@pytest.mark.django_db
def test_the_qr_page_shows_the_issued_document_with_its_holder_masked(sealed, people):
    document, data = sealed
    client = Client()
    page = client.get(reverse("portal:verify-document", args=[document.uuid])).content.decode()
    assert "TOTAL_PASSED" in page and "REG-2026-000007" in page and "Civil Registry" in page
    citizen = people["citizen"].username
    assert citizen not in page and f"••••••{citizen[-2:]}" in page
    assert "R. D." in page and "Rahimova" not in page  # initials only
    same = client.post(reverse("portal:verify-document", args=[document.uuid]), upload(data))
    assert "This is the same document." in same.content.decode()
    other = client.post(reverse("portal:verify-document", args=[document.uuid]),
                        upload(tampered(data))).content.decode()
    assert "This is not the document the platform issued under this code." in other
    assert "HASH_FAILURE" in other


@pytest.mark.django_db
def test_a_withdrawn_document_says_so(sealed):
    document, _data = sealed
    document.withdrawn_at, document.withdrawn_reason = timezone.now(), "Issued in error."
    document.save()
    page = Client().get(reverse("portal:verify-document", args=[document.uuid])).content
    assert "The agency withdrew this document on" in page.decode()
    assert "Issued in error." in page.decode()


@pytest.mark.django_db
def test_the_report_of_an_issued_document_is_cached_until_a_revocation(sealed, monkeypatch):
    document, _data = sealed
    calls = []
    real = verify.verify_pdf
    monkeypatch.setattr(verify, "verify_pdf", lambda data, **kw: calls.append(1) or
                        real(data, **kw))
    client = Client()
    url = reverse("portal:verify-document", args=[document.uuid])
    client.get(url)
    client.get(url)
    assert len(calls) == 1
    services.revoke(SYSTEM, document.signers[0]["serial"], "key_compromise")
    page = client.get(url).content.decode()
    assert len(calls) == 2 and page.count("Revoked") >= 1


@pytest.mark.django_db
def test_an_unknown_code_is_404(people):
    client = Client()
    assert client.get(reverse("portal:verify-document", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/verify/not-a-uuid/").status_code == 404


def test_the_printed_address_is_the_portal_route(settings):
    code = uuid.uuid4()
    assert verify.url(code) == settings.PUBLIC_URL + reverse("portal:verify-document",
                                                             args=[code])
