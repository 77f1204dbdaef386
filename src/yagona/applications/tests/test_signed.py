"""Applications the applicant signs (the pack's ``signature: required``): never submitted
unsigned, by any path; signed in the person's name once they confirm, then submitted
with the signed document; a wrong code or a changed draft keeps the draft as it was; a
representative signs with their own key, and the document names whom it is for."""

import re
import subprocess

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from yagona.accounts import services as accounts
from yagona.accounts.models import MandateKind
from yagona.applications import services as apply
from yagona.applications import signed
from yagona.applications.models import Application
from yagona.catalogue.models import Service
from yagona.conftest import make_person_id
from yagona.core import sms
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.signing import pades
from yagona.signing import queries as wallet
from yagona.signing.models import SignatureRequest, SignedDocument
from yagona.signing.tests.helpers import plain_pdf, tool
from yagona.testing.web import TOTP_SECRET


def code_now(offset=0):
    """An authenticator code (each works once: the next window's for a second one)."""
    import time

    return pyotp.TOTP(TOTP_SECRET).at(time.time() + offset)


@pytest.fixture
def licence(country):
    return Service.objects.get(code="trade-licence")


@pytest.fixture
def citizen(people):
    accounts.enable_totp(SYSTEM, people["citizen"], TOTP_SECRET)
    return people["citizen"]


def draft(user, service, party="self"):
    application = apply.start(user, service, party)
    apply.save_answers(user, application, {"activity": "Dried fruit and nuts"},
                       ["activity", "plan"])
    apply.upload(user, application, "plan", SimpleUploadedFile(
        "plan.pdf", plain_pdf(1, "Plan"), content_type="application/pdf"))
    application.refresh_from_db()
    return application


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([tool("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          text=True, timeout=60, check=True)
    return " ".join(done.stdout.split())


@pytest.mark.django_db
def test_a_service_that_needs_a_signature_is_never_submitted_unsigned(people, citizen,
                                                                     licence):
    application = draft(citizen, licence)
    with pytest.raises(apply.SignatureRequired) as refused:
        apply.submit(citizen, application)
    assert refused.value.application == application.uuid
    application.refresh_from_db()
    assert application.status == "draft" and application.registration_number is None
    assert application.answers["activity"] == "Dried fruit and nuts"  # nothing lost
    before = Application.objects.count()
    with pytest.raises(apply.SignatureRequired) as refused:
        apply.apply_in_one_go(citizen, licence, {"activity": "Tea"})
    assert refused.value.application is None and Application.objects.count() == before
    with pytest.raises(ValidationError, match="apply in the portal"):
        apply.start_assisted(people["centre"], licence, make_person_id(77), "A. Person")
    with pytest.raises(Http404):  # a service without signature has no signing
        signed.start(citizen, apply.start(citizen, Service.objects.get(
            code="tax-clearance")).uuid)


@pytest.mark.django_db
def test_signed_and_submitted_with_the_document_that_was_signed(people, citizen, licence,
                                                               tmp_path):
    application = draft(citizen, licence)
    request = signed.start(citizen, application.uuid,
                           next_url=f"/applications/{application.uuid}/submitted/")
    assert (request.channel, request.purpose, request.next_url) == (
        "totp", f"application:{application.uuid}",
        f"/applications/{application.uuid}/submitted/")
    assert request.description == {"en": "Application: Trade licence",
                                   "ru": "Заявление: Торговая лицензия"}
    content = request.content.read()
    text = text_of(content, tmp_path)
    plan = application.attachments.get(field="plan")
    for expected in ("Trade licence", "Tax Service", "Rahimova Dilnoza", citizen.username,
                     "What will you trade?", "Dried fruit and nuts", "plan.pdf",
                     plan.sha256[:8], str(application.uuid), "Page 1 of 1"):
        assert expected in text, expected

    with pytest.raises(ValidationError, match="not right"):
        signed.confirm(citizen, request.uuid, "000000")
    application.refresh_from_db()
    assert application.status == "draft" and application.signed_document is None

    submitted = signed.confirm(citizen, request.uuid, code_now())
    assert submitted.status == "submitted" and submitted.registration_number
    document = submitted.signed_document
    stored = document.file.read()
    assert stored.startswith(content)  # the signature is an incremental update of it
    (signature,) = pades.signatures_in(stored)
    assert signature.signer_cert.subject.native["serial_number"] == f"PNOXX-{citizen.username}"
    assert (document.kind, document.source, document.reference, document.holder_id) == (
        SignedDocument.Kind.APPLICATION, f"application:{application.uuid}",
        submitted.registration_number, citizen.username)
    assert document in wallet.documents_of(citizen)  # My documents
    # A second click on "Sign" gives the submitted application, not an error.
    assert signed.confirm(citizen, request.uuid, code_now(30)).pk == submitted.pk
    actions = set(AuditEntry.objects.filter(object_id=str(application.uuid))
                  .values_list("action", flat=True))
    assert {"application.signing_started", "application.signed",
            "application.submit"} <= actions

    # The official of the agency reads it (audited); another agency's is 404.
    apply.assign(people["tax_operator"], submitted.uuid)
    assert signed.signed_copy_for(people["tax_operator"], submitted.uuid,
                                  official=True) == document
    assert AuditEntry.objects.filter(action="application.signed_copy_viewed").count() == 1
    with pytest.raises(Http404):
        signed.signed_copy_for(people["operator"], submitted.uuid, official=True)
    assert signed.signed_copy_for(citizen, submitted.uuid, official=False) == document
    with pytest.raises(Http404):
        signed.signed_copy_for(people["other"], submitted.uuid, official=False)


@pytest.mark.django_db
def test_a_draft_changed_while_signing_must_be_signed_again(citizen, licence):
    application = draft(citizen, licence)
    request = signed.start(citizen, application.uuid)
    apply.save_answers(citizen, application, {"activity": "Carpets"}, ["activity", "plan"])
    with pytest.raises(ValidationError, match="changed after you started signing") as error:
        signed.confirm(citizen, request.uuid, code_now())
    assert error.value.code == "changed"
    assert SignatureRequest.objects.get(pk=request.pk).state == "cancelled"
    application.refresh_from_db()
    assert application.status == "draft" and application.answers["activity"] == "Carpets"
    assert not SignedDocument.objects.exists()
    # Signed again, as it is now.
    again = signed.start(citizen, application.uuid)
    assert signed.confirm(citizen, again.uuid, code_now()).status == "submitted"


@pytest.mark.django_db
def test_unfinished_answers_and_no_way_to_confirm_are_said_before_signing(people, citizen,
                                                                          licence):
    empty = apply.start(citizen, licence)
    with pytest.raises(ValidationError) as error:
        signed.start(citizen, empty.uuid)
    assert "activity" in error.value.message_dict
    with pytest.raises(ValidationError, match="set up an authenticator app"):
        signed.start(people["other"], draft(people["other"], licence).uuid)
    with pytest.raises(Http404):  # somebody else's draft
        signed.start(people["other"], empty.uuid)
    request = signed.start(citizen, draft(citizen, licence).uuid)
    with pytest.raises(Http404):  # somebody else's request
        signed.confirm(people["other"], request.uuid, code_now())
    unrelated = SignatureRequest.objects.filter(pk=request.pk)
    unrelated.update(purpose="test")
    with pytest.raises(Http404):  # not an application's request
        signed.confirm(citizen, request.uuid, code_now())


@pytest.mark.django_db
def test_a_director_signs_with_their_own_key_for_the_company(people, licence, tmp_path):
    director = people["other"]
    director.phone, director.phone_verified = "+992901234567", True
    director.save()
    org = accounts.upsert_organisation(SYSTEM, "123456782", "Pamir Trade LLC")
    mandate = accounts.grant_mandate(SYSTEM, director, MandateKind.DIRECTOR, organisation=org)
    application = draft(director, licence, f"mandate-{mandate.pk}")
    sms.outbox.clear()
    request = signed.start(director, application.uuid)
    assert request.channel == "sms"
    assert request.description["en"] == "Application: Trade licence, for Pamir Trade LLC"
    text = text_of(request.content.read(), tmp_path)
    assert "Pamir Trade LLC (123456782)" in text
    assert f"Karimov Farrukh ({director.username}), representative" in text
    phone, message = sms.outbox[-1]
    assert request.check_code in message
    code = re.search(r"\b(\d{6})\b", message).group(1)
    submitted = signed.confirm(director, request.uuid, code)
    assert (submitted.party_kind, submitted.party_id) == ("organisation", "123456782")
    document = submitted.signed_document
    assert document.signers[0]["profile"] == "citizen"  # the director's own key
    assert document.holder_id == director.username
    entry = AuditEntry.objects.get(action="application.signed")
    assert entry.actor == director.username and entry.represented == "123456782"
