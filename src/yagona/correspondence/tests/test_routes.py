"""An outgoing letter's way to its signature: the route (stages in order, approvers of a
stage in parallel), refusals with remarks, recall, substitutes while someone is away,
access for official use, and the signature (PAdES alone, ASiC-E with attachments)."""

import io
import zipfile
from datetime import timedelta

import pyotp
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from yagona.core.models import AuditEntry
from yagona.correspondence import routes, services
from yagona.correspondence.models import Access, Approval, Document, DocumentFile
from yagona.correspondence.queries import visible
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import pdf_upload
from yagona.correspondence.workflow import Status
from yagona.signing import verify
from yagona.signing.models import SignedDocument
from yagona.testing.web import TOTP_SECRET

Decision = Approval.Decision


def code():
    return pyotp.TOTP(TOTP_SECRET).now()


def draft(office, author="lawyer", **card):
    values = {"doc_type": "letter", "subject": "On the exchange of civil status records",
              "correspondent_agency": office["tax"], **card}
    document = services.create_draft(office[author], office["reg"], "outgoing", Card(**values))
    services.attach(office[author], document.pk, "main", pdf_upload())
    return document


def decisions(document):
    return [(a.approver.username, a.stage, a.decision)
            for a in Document.objects.get(pk=document.pk).approvals.exclude(round=0)]


def test_stages_follow_each_other_and_approvers_of_a_stage_decide_in_parallel(office):
    document = draft(office)
    routes.set_route(office["lawyer"], document.pk,
                     [[office["operator"], office["supervisor"]], [office["deputy"]]],
                     signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    assert Document.objects.get(pk=document.pk).status == Status.IN_APPROVAL
    assert office["operator"].inbox.filter(event="approval_requested").count() == 1
    assert not office["deputy"].inbox.exists()  # their stage is not open yet
    with pytest.raises(PermissionError):  # the second stage waits for the first
        routes.decide(office["deputy"], document.pk, True)
    routes.decide(office["supervisor"], document.pk, True)
    with pytest.raises(PermissionError):  # once is enough
        routes.decide(office["supervisor"], document.pk, True)
    assert Document.objects.get(pk=document.pk).status == Status.IN_APPROVAL
    routes.decide(office["operator"], document.pk, True)
    assert office["deputy"].inbox.filter(event="approval_requested").count() == 1
    routes.decide(office["deputy"], document.pk, True, "Fine.")
    assert Document.objects.get(pk=document.pk).status == Status.APPROVED
    assert office["lawyer"].inbox.get().event == "route_approved"
    waiting = office["head"].inbox.get()
    assert (waiting.event, waiting.title) == ("signature_requested",
                                              "A document waits for your signature")
    assert {d for *_, d in decisions(document)} == {Decision.APPROVED}
    assert AuditEntry.objects.filter(action="document.approval_given",
                                     object_id=str(document.pk)).count() == 3
    assert AuditEntry.objects.filter(action="document.approve").count() == 1


def test_a_refusal_needs_remarks_returns_the_draft_and_a_new_round_starts_over(office):
    document = draft(office)
    routes.set_route(office["lawyer"], document.pk, [[office["operator"]], [office["deputy"]]],
                     signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    with pytest.raises(ValidationError) as refused:
        routes.decide(office["operator"], document.pk, False, "  ")
    assert "remarks" in refused.value.message_dict
    routes.decide(office["operator"], document.pk, False, "Cite the article of the law.")
    again = Document.objects.get(pk=document.pk)
    assert again.status == Status.DRAFT
    assert decisions(document) == [(office["operator"].username, 1, Decision.REFUSED),
                                   (office["deputy"].username, 2, Decision.CANCELLED)]
    entry = AuditEntry.objects.get(action="document.refuse", object_id=str(document.pk))
    assert entry.summary["remarks"] == "Cite the article of the law."
    told = office["lawyer"].inbox.get(event="route_refused")
    assert "Cite the article of the law." in told.body
    services.attach(office["lawyer"], document.pk, "main", pdf_upload(text="Corrected"))
    routes.send_for_approval(office["lawyer"], document.pk)
    second = Document.objects.get(pk=document.pk).approvals.filter(round=2)
    assert [a.decision for a in second] == [Decision.PENDING, Decision.WAITING]


def test_the_author_recalls_and_only_the_author_routes(office):
    document = draft(office)
    with pytest.raises(PermissionError):
        routes.set_route(office["operator"], document.pk, [], signatory=office["head"])
    with pytest.raises(ValidationError) as refused:
        routes.set_route(office["lawyer"], document.pk, [[office["tax_clerk"]]],
                         signatory=office["lawyer"])
    assert set(refused.value.message_dict) == {"route", "signatory"}
    routes.set_route(office["lawyer"], document.pk, [[office["operator"]]],
                     signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    with pytest.raises(PermissionError):  # not a draft any more
        services.attach(office["lawyer"], document.pk, "main", pdf_upload())
    routes.recall(office["lawyer"], document.pk)
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT
    assert decisions(document) == [(office["operator"].username, 1, Decision.CANCELLED)]


def test_without_approvers_the_draft_goes_to_its_signatory_but_never_without_a_text(office):
    document = services.create_draft(office["lawyer"], office["reg"], "outgoing",
                                     Card(doc_type="letter", subject="A reminder"))
    routes.set_route(office["lawyer"], document.pk, [], signatory=office["head"])
    with pytest.raises(ValidationError) as refused:
        routes.send_for_approval(office["lawyer"], document.pk)
    assert "files" in refused.value.message_dict
    with pytest.raises(ValidationError):  # the text must be a PDF, judged by content
        services.attach(office["lawyer"], document.pk, "main",
                        SimpleUploadedFile("letter.pdf", b"GIF89a not a pdf"))
    services.attach(office["lawyer"], document.pk, "main", pdf_upload())
    routes.send_for_approval(office["lawyer"], document.pk)
    assert Document.objects.get(pk=document.pk).status == Status.APPROVED


def test_a_substitute_decides_and_signs_for_an_official_who_is_away(office):
    document = draft(office, access=Access.OFFICIAL_USE)
    routes.set_route(office["lawyer"], document.pk, [[office["operator"]]],
                     signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    assert not visible(office["supervisor"]).filter(pk=document.pk).exists()
    with pytest.raises(Http404):  # for official use: not on the route, not there at all
        routes.decide(office["supervisor"], document.pk, True)
    today = routes.today()
    with pytest.raises(PermissionError):  # only for oneself, unless a head
        routes.appoint_substitute(office["lawyer"], office["reg"], office["operator"],
                                  office["supervisor"], today, today)
    routes.appoint_substitute(office["operator"], office["reg"], office["operator"],
                              office["supervisor"], today, today + timedelta(days=14), "Leave")
    routes.appoint_substitute(office["head"], office["reg"], office["head"],
                              office["deputy"], today, today, "Mission")
    assert visible(office["supervisor"]).filter(pk=document.pk).exists()
    routes.recall(office["lawyer"], document.pk)  # sent again: the substitute is told
    routes.send_for_approval(office["lawyer"], document.pk)
    told = office["supervisor"].inbox.get(event="approval_requested")
    assert "exchange" not in told.body  # for official use: the subject is not e-mailed
    routes.decide(office["supervisor"], document.pk, True)
    approval = Document.objects.get(pk=document.pk).approvals.get(round=2)
    assert (approval.approver, approval.acted_by) == (office["operator"], office["supervisor"])
    signed = routes.sign(office["deputy"], document.pk, code())
    assert signed.status == Status.SIGNED
    entry = AuditEntry.objects.get(action="document.sign", object_id=str(document.pk))
    assert entry.summary["for"] == office["head"].username
    kept = SignedDocument.objects.get(uuid=signed.signed_uuid)
    # For official use: the public verification page names its kind, not its subject.
    assert kept.title == document.doc_type.name and "exchange" not in str(kept.title)


def test_substitutions_are_checked(office):
    today = routes.today()
    with pytest.raises(ValidationError) as refused:
        routes.appoint_substitute(office["head"], office["reg"], office["operator"],
                                  office["tax_clerk"], today, today)
    assert "substitute" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        routes.appoint_substitute(office["head"], office["reg"], office["operator"],
                                  office["supervisor"], today, today - timedelta(days=1))
    assert "ends" in refused.value.message_dict
    with pytest.raises(Http404):
        routes.appoint_substitute(office["tax_clerk"], office["reg"], office["operator"],
                                  office["supervisor"], today, today)
    row = routes.appoint_substitute(office["head"], office["reg"], office["operator"],
                                    office["supervisor"], today, today)
    assert routes.acts_for(office["supervisor"], office["operator"], office["reg"])
    routes.cancel_substitution(office["operator"], row.pk)
    assert not routes.acts_for(office["supervisor"], office["operator"], office["reg"])
    assert AuditEntry.objects.filter(action__startswith="substitution.").count() == 2


def test_the_signatory_signs_with_their_code_and_the_seal_follows(office):
    document = draft(office)
    routes.set_route(office["lawyer"], document.pk, [], signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    with pytest.raises(PermissionError):
        routes.sign(office["deputy"], document.pk, code())  # not the signatory
    with pytest.raises(ValidationError) as refused:
        routes.sign(office["head"], document.pk, "000000")
    assert "confirmation" in refused.value.message_dict
    signed = routes.sign(office["head"], document.pk, code())
    kept = SignedDocument.objects.get(uuid=signed.signed_uuid)
    assert kept.content_type == "application/pdf"
    assert [s["profile"] for s in kept.signers] == ["official", "seal"]
    report = verify.verify_file(kept.file.open("rb").read(), kept.filename)
    assert report.indication == "TOTAL_PASSED", report
    file = signed.files.get(role=DocumentFile.Role.SIGNED)
    assert file.sha256 == kept.sha256
    with pytest.raises(ValidationError):  # once
        routes.sign(office["head"], document.pk, code())


def test_a_text_with_attachments_is_signed_as_an_asic_e_container(office):
    document = draft(office)
    services.attach(office["lawyer"], document.pk, "attachment",
                    pdf_upload("annex 1.pdf", "Annex"))
    with pytest.raises(ValidationError):  # the same name twice
        services.attach(office["lawyer"], document.pk, "attachment",
                        pdf_upload("annex 1.pdf", "Annex"))
    routes.set_route(office["lawyer"], document.pk, [], signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    signed = routes.sign(office["head"], document.pk, code())
    kept = SignedDocument.objects.get(uuid=signed.signed_uuid)
    data = kept.file.open("rb").read()
    assert kept.content_type == "application/vnd.etsi.asic-e+zip"
    assert {"letter.pdf", "annex 1.pdf"} <= set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    report = verify.verify_file(data, kept.filename)
    assert report.indication == "TOTAL_PASSED" and len(report.signatures) == 2, report


def test_an_executor_sees_a_document_for_official_use_once_assigned(office):
    from yagona.correspondence import resolutions

    secret = services.register_incoming(office["clerk"], office["reg"], Card(
        doc_type="letter", subject="Personnel matters", correspondent_name="A ministry",
        access=Access.OFFICIAL_USE))
    assert not visible(office["lawyer"]).filter(pk=secret.pk).exists()
    resolutions.write_resolution(office["head"], secret.pk, "Prepare an answer.",
                                 [(office["lawyer"], 5, True)])
    assert visible(office["lawyer"]).filter(pk=secret.pk).exists()
    assert not visible(office["operator"]).filter(pk=secret.pk).exists()
