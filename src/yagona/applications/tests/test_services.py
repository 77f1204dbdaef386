import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from yagona.accounts import services as accounts
from yagona.accounts.models import MandateKind
from yagona.applications import queries
from yagona.applications import services as apply
from yagona.applications.files import FileRejected
from yagona.applications.models import Application, Rating
from yagona.catalogue.models import Service
from yagona.conftest import make_person_id
from yagona.core import audit
from yagona.core.audit import SYSTEM
from yagona.notifications.models import InboxItem
from yagona.signing import pades
from yagona.testing.documents import plain_pdf

PDF = plain_pdf(1, "Certificate")
ANSWERS = {"child_name": "Amir Rahimov", "birth_date": "2026-01-05", "sex": "m",
           "hospital_birth": False}


def pdf(name="certificate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill(user, application):
    apply.save_answers(user, application, {k: ANSWERS[k] for k in
                                           ("child_name", "birth_date", "sex")},
                       ["child_name", "birth_date", "sex", "mother_id"])
    apply.save_answers(user, application, {"hospital_birth": False},
                       ["hospital_birth", "hospital_name"])
    apply.upload(user, application, "certificate", pdf())
    application.refresh_from_db()
    return application


@pytest.fixture
def birth(country):
    return Service.objects.get(code="birth-registration")


@pytest.fixture
def submitted(people, birth):
    application = fill(people["citizen"], apply.start(people["citizen"], birth))
    return apply.submit(people["citizen"], application)


@pytest.mark.django_db
def test_the_whole_path(people, birth):
    citizen, operator = people["citizen"], people["operator"]
    application = fill(citizen, apply.start(citizen, birth))
    assert apply.submission_errors(application) == {}
    application = apply.submit(citizen, application)
    year = application.submitted_at.year
    assert application.registration_number == f"REG-{year}-000001"
    assert application.due_date > application.submitted_at.date()
    assert application.status == "submitted"

    apply.assign(operator, application.uuid)
    application = apply.request_info(operator, application.uuid, "Please send the photo.")
    assert application.status == "info_requested" and application.paused_at
    days_left = application.days_left_at_pause
    application = apply.answer_request(citizen, application.uuid, "Here it is", pdf("photo.pdf"))
    assert application.status == "in_review" and application.paused_at is None
    assert days_left >= 0
    application = apply.decide(operator, application.uuid, True, "", pdf("result.pdf"))
    assert application.status == "approved"
    # The decision the platform wrote and the uploaded result, both sealed by the agency.
    results = application.attachments.filter(kind="result").order_by("pk")
    assert [r.filename for r in results] == [f"{application.registration_number}-decision.pdf",
                                             "result.pdf"]
    for result in results:
        (seal,) = pades.signatures_in(result.file.read())
        assert seal.field_name == "Seal"

    apply.rate(citizen, application.uuid, 5, "Fast")
    rating = Rating.objects.get()
    assert (rating.score, rating.channel, rating.service.code) == (5, "online", birth.code)
    with pytest.raises(ValidationError):
        apply.rate(citizen, application.uuid, 4)

    steps = list(application.timeline.values_list("action", flat=True))
    assert steps == ["submit", "assign", "request_info", "answer", "approve"]
    events = list(InboxItem.objects.filter(recipient=citizen).order_by("pk")
                  .values_list("event", flat=True))
    assert events == ["submit", "assign", "request_info", "answer", "approve"]
    assert audit.verify() == []


@pytest.mark.django_db
def test_registration_numbers_are_unique_and_sequential_per_agency(people, birth):
    numbers = []
    for _ in range(3):
        application = fill(people["citizen"], apply.start(people["citizen"], birth))
        numbers.append(apply.submit(people["citizen"], application).registration_number)
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["000001", "000002", "000003"]


@pytest.mark.django_db
def test_submitting_twice_gives_one_application(people, birth):
    application = fill(people["citizen"], apply.start(people["citizen"], birth))
    first = apply.submit(people["citizen"], application)
    second = apply.submit(people["citizen"], application)
    assert first.registration_number == second.registration_number
    assert first.timeline.count() == 1


@pytest.mark.django_db
def test_idempotency_key_on_start(people, birth):
    one = apply.start(people["citizen"], birth, idempotency_key="k1")
    two = apply.start(people["citizen"], birth, idempotency_key="k1")
    assert one.pk == two.pk and Application.objects.count() == 1


@pytest.mark.django_db
def test_incomplete_draft_cannot_be_submitted(people, birth):
    application = apply.start(people["citizen"], birth)
    with pytest.raises(ValidationError) as caught:
        apply.submit(people["citizen"], application)
    assert "child_name" in caught.value.message_dict
    application.refresh_from_db()
    assert application.status == "draft" and application.registration_number is None


@pytest.mark.django_db
def test_unknown_field_is_refused_and_audited(people, birth):
    application = apply.start(people["citizen"], birth)
    with pytest.raises(apply.Tampered):
        apply.save_answers(people["citizen"], application, {"is_admin": True},
                           ["child_name"])
    application.refresh_from_db()
    assert application.answers == {}
    assert audit.AuditEntry.objects.filter(action="application.tampered").count() == 1


@pytest.mark.django_db
def test_rejected_upload_keeps_the_draft(people, birth):
    application = fill(people["citizen"], apply.start(people["citizen"], birth))
    before = dict(application.answers)
    with pytest.raises(FileRejected, match="PDF"):
        apply.upload(people["citizen"], application, "certificate",
                     SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"))
    with pytest.raises(FileRejected, match="smaller"):
        apply.upload(people["citizen"], application, "certificate",
                     pdf(content=PDF + b"0" * (1024 * 1024)))
    application.refresh_from_db()
    assert application.answers == before


@pytest.mark.django_db
def test_wrong_answers_are_kept_in_the_draft(people, birth):
    application = apply.start(people["citizen"], birth)
    errors = apply.save_answers(people["citizen"], application,
                                {"child_name": "A", "birth_date": "2026-02-30"},
                                ["child_name", "birth_date", "sex", "mother_id"])
    assert set(errors) == {"child_name", "birth_date", "sex"}
    application.refresh_from_db()
    assert application.answers["child_name"] == "A"


# --- the permission matrix -------------------------------------------------------------

@pytest.mark.django_db
def test_a_citizen_cannot_reach_another_citizens_application(people, submitted):
    other = people["other"]
    with pytest.raises(Http404):
        queries.applicant_application(other, submitted.uuid)
    with pytest.raises(Http404):
        apply.withdraw(other, submitted.uuid)
    with pytest.raises(Http404):
        apply.editable(other, submitted.uuid)


@pytest.mark.django_db
def test_an_official_of_another_agency_gets_404(people, submitted):
    from yagona.agencies.models import Agency

    tax_operator = people["tax_operator"]
    with pytest.raises(Http404):
        apply.assign(tax_operator, submitted.uuid)
    with pytest.raises(Http404):
        queries.official_application(tax_operator, submitted.uuid)
    with pytest.raises(Http404):
        queries.queue(tax_operator, Agency.objects.get(code="REG"))
    with pytest.raises(Http404):  # and a citizen is no official
        apply.assign(people["citizen"], submitted.uuid)


@pytest.mark.django_db
def test_staff_reads_are_audited(people, submitted):
    queries.official_application(people["operator"], submitted.uuid)
    entry = audit.AuditEntry.objects.get(action="application.viewed")
    assert entry.actor == people["operator"].username
    assert entry.represented == submitted.party_id


@pytest.mark.django_db
def test_only_the_assignee_or_a_supervisor_decides(people, submitted):
    apply.assign(people["operator"], submitted.uuid)
    with pytest.raises(PermissionDenied):
        apply.decide(people["centre"], submitted.uuid, True, "")
    with pytest.raises(PermissionDenied):  # operators cannot assign to others
        apply.assign(people["centre"], submitted.uuid, people["operator"])
    apply.decide(people["supervisor"], submitted.uuid, False, "Incomplete")
    with pytest.raises(ValidationError):
        apply.decide(people["supervisor"], submitted.uuid, False, "")


@pytest.mark.django_db
def test_a_representative_sees_only_what_the_mandate_covers(people, birth):
    parent, child_id = people["citizen"], make_person_id(40)
    child = accounts.create_person(SYSTEM, child_id, first_name="Amir", last_name="Rahimov",
                                   birth_date=date(2015, 1, 1))
    mandate = accounts.grant_mandate(SYSTEM, parent, MandateKind.PARENT, person=child,
                                     services=["birth-registration"])
    application = apply.start(parent, birth, f"mandate-{mandate.pk}")
    assert (application.party_id, application.mandate_id) == (child_id, mandate.pk)

    tax = Service.objects.get(code="tax-clearance")
    with pytest.raises(Http404):  # not covered by this mandate
        apply.start(parent, tax, f"mandate-{mandate.pk}")
    # An application for the child that the parent did not make and the mandate
    # does not cover stays out of reach.
    own = apply.start(child, tax)
    with pytest.raises(Http404):
        queries.applicant_application(parent, own.uuid)
    assert queries.applicant_application(parent, application.uuid) == application

    accounts.revoke_mandate(audit.Actor(user=parent), mandate.pk)
    assert queries.for_applicant(parent).filter(pk=application.pk).exists()  # made it
    other_parent = people["other"]
    with pytest.raises(Http404):
        queries.applicant_application(other_parent, application.uuid)


@pytest.mark.django_db
def test_organisation_mandate(people, country):
    director = people["other"]
    org = accounts.upsert_organisation(SYSTEM, "123456782", "Pamir Trade LLC")
    mandate = accounts.grant_mandate(SYSTEM, director, MandateKind.DIRECTOR, organisation=org)
    tax = Service.objects.get(code="tax-clearance")
    application = apply.start(director, tax, f"mandate-{mandate.pk}")
    assert (application.party_kind, application.party_id) == ("organisation", "123456782")
    birth = Service.objects.get(code="birth-registration")
    with pytest.raises(ValidationError):  # a company cannot register a birth
        apply.start(director, birth, f"mandate-{mandate.pk}")


@pytest.mark.django_db
def test_assisted_channel_records_operator_and_citizen(people, birth):
    centre, person_id = people["centre"], make_person_id(77)
    with pytest.raises(PermissionDenied):
        apply.start_assisted(people["operator"], birth, person_id, "Gulnora Saidova")
    with pytest.raises(ValidationError):
        apply.start_assisted(centre, birth, "00000001", "Gulnora Saidova")
    application = apply.start_assisted(centre, birth, person_id, "Gulnora Saidova")
    application = apply.submit(centre, fill(centre, application))
    assert application.channel == "assisted" and application.party_id == person_id
    step = application.timeline.get()
    assert (step.actor, step.actor_role) == (centre, "operator")
    entry = audit.AuditEntry.objects.filter(action="application.submit").get()
    assert (entry.actor, entry.represented) == (centre.username, person_id)
    # The citizen, once registered, sees it in their account.
    citizen = accounts.create_person(SYSTEM, person_id, first_name="Gulnora",
                                     last_name="Saidova")
    assert queries.applicant_application(citizen, application.uuid) == application


@pytest.mark.django_db
def test_clock_pauses_while_waiting_for_the_applicant(people, submitted):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    apply.assign(people["operator"], submitted.uuid)
    application = apply.request_info(people["operator"], submitted.uuid, "Photo please")
    left = application.days_left_at_pause
    later = timezone.now() + timedelta(days=14)
    with mock.patch("django.utils.timezone.now", return_value=later):
        application = apply.answer_request(people["citizen"], submitted.uuid, "Sent")
    from yagona.core.countries import active_pack

    resumed = timezone.localtime(later, active_pack().zone).date()
    assert application.due_date == active_pack().calendar.add_working_days(resumed, left)


def test_file_sniffing():
    from yagona.applications.files import sniff

    assert sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(io.BytesIO(b"GIF89a").read()) is None


@pytest.mark.django_db(transaction=True)
def test_a_number_drawn_by_a_failed_submission_is_never_given_again(people, birth):
    from django.db import connection, transaction

    from yagona.applications.services import _next_registration_number

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite a rolled-back draw was never seen by anyone")
    with transaction.atomic():
        first = _next_registration_number("REG", 2031)
    with pytest.raises(RuntimeError), transaction.atomic():
        _next_registration_number("REG", 2031)
        raise RuntimeError("the submission failed after drawing its number")
    with transaction.atomic():
        third = _next_registration_number("REG", 2031)
    assert (first, third) == ("REG-2031-000001", "REG-2031-000003")
