"""POST /api/v1/verify: public, multipart, the report as JSON; files that cannot be
verified are problem+json 400, too large ones 413."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yagona.agencies.models import Agency
from yagona.signing import services
from yagona.signing.tests.helpers import plain_pdf

URL = "/api/v1/verify"


def post(data: bytes, name: str = "decision.pdf", **extra):
    return Client().post(URL, {"file": SimpleUploadedFile(name, data, "application/pdf")},
                         **extra)


@pytest.fixture
def sealed(people):
    document = services.seal(plain_pdf(), Agency.objects.get(code="REG"),
                             official=people["operator"], kind="result", title={},
                             reference="REG-2026-000009")
    return document, document.file.read()


@pytest.mark.django_db
def test_anyone_gets_the_report_of_a_sealed_document(sealed):
    document, data = sealed
    response = post(data)
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["indication"] == "TOTAL_PASSED" and report["format"] == "pdf"
    assert [s["field"] for s in report["signatures"]] == ["Official", "Seal"]
    assert {s["level"] for s in report["signatures"]} == {"B-LT"}
    assert report["document"]["uuid"] == str(document.uuid)
    assert report["document"]["reference"] == "REG-2026-000009"
    assert report["sha256"] == document.sha256 and report["altered_after_signing"] is False


@pytest.mark.django_db
def test_a_tampered_file_fails(sealed):
    _document, data = sealed
    at = data.index(b"page 1")
    report = post(data[:at] + b"PAGE 1" + data[at + 6:]).json()
    assert report["indication"] == "TOTAL_FAILED" and report["document"] is None
    assert report["signatures"][0]["sub_indication"] == "HASH_FAILURE"


@pytest.mark.django_db
@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b"GIF89a...", "not_a_document"),
                                         (b"%PDF-1.7\n garbage", "damaged")])
def test_files_that_cannot_be_verified_are_problems(people, data, reason):
    response = post(data, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400 and body["reason"] == reason and body["detail"]


@pytest.mark.django_db
def test_a_missing_file_is_a_problem_and_a_huge_one_413(people, settings):
    missing = Client().post(URL, {})
    assert missing.status_code == 422
    assert missing["Content-Type"].startswith("application/problem+json")
    settings.YAGONA_MAX_UPLOAD_BYTES = 1024
    huge = post(b"%PDF-1.7\n" + b"0" * 4096)
    assert huge.status_code == 413
    assert huge["Content-Type"].startswith("application/problem+json")
