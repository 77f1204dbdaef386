"""Sealed extracts of a person's record in a base register: what the PDF says (read back
by poppler), that it verifies, that it enters the wallet once a day per record state,
that nobody gets an extract of a record not about them, and the registers page's button."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone, translation

from yagona.core.audit import SYSTEM, AuditEntry
from yagona.registries import queries as registries
from yagona.registries import services as registry_services
from yagona.registries.tests.test_records import person
from yagona.signing import queries, services
from yagona.signing.models import SignedDocument
from yagona.signing.verify import verify_pdf
from yagona.testing.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(people):
    return registry_services.create(SYSTEM, "population", person(1, given_name="Дилноза"))


def text_of(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (Debian package poppler-utils)")
    path = tmp_path / "extract.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())


def test_the_extract_is_sealed_by_the_keeper_and_says_what_the_register_holds(
        people, record, tmp_path):
    citizen = people["citizen"]
    with translation.override("ru"):  # the state language (en) first, then the reader's
        extract = services.registry_extract(citizen, "population")
    assert (extract.kind, extract.agency_code, extract.holder_id) == (
        "registry_extract", "REG", citizen.username)
    assert [s["profile"] for s in extract.signers] == ["seal"]
    assert list(queries.documents_of(citizen)) == [extract]
    pdf = extract.file.open("rb").read()
    assert verify_pdf(pdf).indication == "TOTAL_PASSED"
    text = text_of(pdf, tmp_path)
    for expected in ("Extract from a state register", "Выписка из государственного реестра",
                     "Population register", "Civil Registry", citizen.username, "Дилноза",
                     "Khujand", "A1234567", str(extract.uuid)):
        assert expected in text, expected
    entry = AuditEntry.objects.get(action="signing.extract_issued")
    assert entry.actor == citizen.username and entry.object_id == str(extract.uuid)
    assert entry.summary == {"registry": "population", "record": str(record.uuid)}


def test_the_same_day_and_record_give_the_same_extract_a_change_or_a_day_a_new_one(
        people, record):
    citizen = people["citizen"]
    first = services.registry_extract(citizen, "population")
    assert services.registry_extract(citizen, "population") == first  # a double click
    registry_services.correct(SYSTEM, "population", record.uuid, {"marital_status": "married"},
                              reason="Marriage registered")
    changed = services.registry_extract(citizen, "population")
    assert changed != first
    SignedDocument.objects.filter(pk=changed.pk).update(
        issued_at=timezone.now() - timedelta(days=1))
    assert services.registry_extract(citizen, "population") not in (first, changed)
    assert SignedDocument.objects.filter(kind="registry_extract").count() == 3


def test_no_extract_of_a_record_that_is_not_about_the_person(people, record):
    for user, code in ((people["other"], "population"), (people["citizen"], "nonexistent")):
        with pytest.raises(Http404):
            services.registry_extract(user, code)
    assert not SignedDocument.objects.exists()
    assert [r.code for r, _schema, _record in registries.own_records(people["citizen"])] == [
        "population"]


def test_the_registers_page_gives_the_extract_into_the_wallet(people, record):
    client = signed_in(people["citizen"])
    page = client.get("/account/registers/").content.decode()
    assert 'action="/account/registers/population/extract/"' in page
    assert client.get("/account/registers/population/extract/").status_code == 405
    response = client.post("/account/registers/population/extract/", follow=True)
    extract = SignedDocument.objects.get()
    assert response.redirect_chain[-1][0] == f"/account/documents/{extract.uuid}/"
    assert "sealed by the agency that keeps the register" in response.content.decode()
    other = signed_in(people["other"])
    assert other.post("/account/registers/population/extract/").status_code == 404
    assert other.get(f"/account/documents/{extract.uuid}/").status_code == 404
