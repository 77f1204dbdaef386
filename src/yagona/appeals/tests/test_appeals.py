"""Sending, routing, the legal clock, answers, ratings and complaints, through the
services' door."""

import io
from datetime import timedelta

import pyotp
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation
from PIL import Image

from yagona.agencies.models import Agency
from yagona.appeals import deadlines, figures, queries, services
from yagona.appeals.models import AnswerDays, Appeal, MonthlyFigures
from yagona.appeals.tests.conftest import photo, send
from yagona.appeals.workflow import Status
from yagona.core.models import AuditEntry
from yagona.signing import queries as signed
from yagona.testing.web import TOTP_SECRET

pytestmark = pytest.mark.django_db


def code():
    return pyotp.TOTP(TOTP_SECRET).now()


def test_the_pack_gives_kinds_categories_and_the_reception(desk):
    rules = queries.rules()
    assert rules.reception.code == "REG" and rules.superiors == {"TAX": "REG"}
    assert [k.code for k in queries.kinds()] == ["statement", "complaint", "problem",
                                                "corruption"]
    assert {c.code: c.agency.code for c in queries.categories()} == {
        "street_light": "TAX", "dumping": "REG"}


def test_a_named_agency_a_category_or_the_reception_receives_it(desk):
    citizen = desk["citizen"]
    to_tax = send(citizen, agency="TAX")
    unknown = send(citizen, text="Who issues fishing permits?")
    light = send(citizen, "problem", category="street_light", latitude="38.56",
                 longitude="68.77", attributes={"poles": "3"})
    assert (to_tax.agency.code, unknown.agency.code, light.agency.code) == ("TAX", "REG", "TAX")
    assert to_tax.number.startswith("A-") and to_tax.number != unknown.number
    assert to_tax.status == Status.RECEIVED and to_tax.party_id == citizen.username
    assert to_tax.due_date == to_tax.received_on + timedelta(days=15)
    assert light.attributes == {"poles": "3"}


def test_a_double_click_sends_one_appeal(desk):
    first = send(desk["citizen"], agency="TAX")
    assert send(desk["citizen"], agency="TAX") == first
    assert Appeal.objects.count() == 1


def test_complaints_count_working_days(desk):
    complaint = send(desk["citizen"], "complaint", agency="TAX")
    calendar = deadlines.active_pack().calendar
    assert complaint.due_date == calendar.add_working_days(complaint.received_on, 15)


@pytest.mark.parametrize("fields, field", [
    ({"text": " "}, "text"),
    ({"agency": "NOPE"}, "agency"),
    ({"anonymous": True}, "anonymous"),
    ({"party": "mandate-999"}, "party"),
    ({"subject": "x" * 301}, "subject"),
])
def test_bad_input_is_refused_with_its_field_and_nothing_is_kept(desk, fields, field):
    with pytest.raises(ValidationError) as error:
        send(desk["citizen"], **fields)
    assert field in error.value.message_dict
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("fields, field", [
    ({"category": "street_light"}, "location"),
    ({"category": "street_light", "latitude": "51.5", "longitude": "-0.1"}, "location"),
    ({"category": "street_light", "latitude": "north", "longitude": "68"}, "location"),
    ({"category": "dumping", "latitude": "38.5", "longitude": "68.7"}, "attribute_size"),
    ({"category": "dumping", "latitude": "38.5", "longitude": "68.7",
      "attributes": {"size": "ship"}}, "attribute_size"),
    ({"category": "street_light", "latitude": "38.5", "longitude": "68.7",
      "attributes": {"poles": "many"}}, "attribute_poles"),
    ({"category": "nope", "latitude": "38.5", "longitude": "68.7"}, "category"),
])
def test_a_problem_report_needs_a_place_inside_the_country_and_its_answers(desk, fields,
                                                                          field):
    with pytest.raises(ValidationError) as error:
        send(desk["citizen"], "problem", **fields)
    assert field in error.value.message_dict


def test_photos_lose_their_exif_and_only_images_are_taken(desk):
    appeal, _ = services.submit(desk["citizen"], services.Draft(
        kind="problem", category="street_light", latitude="38.5", longitude="68.7",
        text="Dark street"), [photo()])
    kept = appeal.photos.get()
    image = Image.open(io.BytesIO(kept.file.read()))
    assert kept.content_type == "image/jpeg" and not image.getexif()
    pdf = SimpleUploadedFile("x.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg")
    broken = SimpleUploadedFile("y.jpg", b"\xff\xd8\xff\xe0 broken", content_type="image/jpeg")
    for upload, many in ((pdf, 1), (broken, 1), (photo(), 3)):
        with pytest.raises(ValidationError) as error:
            services.submit(desk["other"], services.Draft(
                kind="problem", category="street_light", latitude="38.5",
                longitude="68.7", text=f"Dark {many}"), [upload] * many)
        assert "photos" in error.value.message_dict
    assert Appeal.objects.count() == 1


def test_an_anonymous_report_leads_back_to_nobody(desk):
    appeal, tracking = services.submit(desk["citizen"], services.Draft(
        kind="corruption", anonymous=True, text="An inspector asks for cash."))
    assert appeal.author is None and appeal.party_id == "" and tracking
    assert appeal.tracking_hash and tracking not in appeal.tracking_hash
    assert queries.by_tracking_code(tracking) == appeal
    assert queries.by_tracking_code("guess") is None
    assert queries.authored(desk["citizen"]).count() == 0
    entries = AuditEntry.objects.filter(object_id=str(appeal.uuid))
    assert entries.count() == 1 and entries.get().actor == "anonymous"
    assert desk["citizen"].username not in str(entries.get().summary)
    with pytest.raises(ValidationError):  # a statement cannot be anonymous
        send(desk["citizen"], anonymous=True)


def test_forwarding_restarts_the_clock_at_the_competent_body_and_the_author_sees_it(desk):
    appeal = send(desk["citizen"])  # to the reception, REG
    with pytest.raises(Http404):
        services.forward(desk["tax_operator"], appeal.uuid, "REG", "not ours")
    with pytest.raises(ValidationError):
        services.forward(desk["operator"], appeal.uuid, "TAX", " ")
    services.forward(desk["operator"], appeal.uuid, "TAX", "Tax matters are the TAX's.")
    appeal.refresh_from_db()
    assert appeal.agency.code == "TAX" and appeal.status == Status.RECEIVED
    forward = queries.history(appeal).get(action="forward")
    assert (forward.agency.code, forward.to_agency.code) == ("REG", "TAX")
    assert forward.note == "Tax matters are the TAX's."
    month = figures.month_of(deadlines.today())
    rows = {r.agency.code: r for r in MonthlyFigures.objects.filter(month=month)}
    assert (rows["REG"].received, rows["REG"].forwarded) == (1, 1)
    assert rows["TAX"].received == 1
    with pytest.raises(Http404):  # REG no longer handles it
        services.assign(desk["operator"], appeal.uuid)


def test_asking_for_more_stops_the_clock_until_the_author_answers(desk):
    appeal = send(desk["citizen"])
    services.assign(desk["operator"], appeal.uuid)
    services.request_info(desk["operator"], appeal.uuid, "Which office?")
    appeal.refresh_from_db()
    assert appeal.status == Status.INFO_REQUESTED and appeal.days_left_at_pause == 15
    assert deadlines.time_left(appeal, deadlines.today() + timedelta(days=40)) == 15
    with pytest.raises(Http404):
        services.provide_info(desk["other"], appeal.uuid, "Rudaki 5")
    services.provide_info(desk["citizen"], appeal.uuid, "Rudaki 5")
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_REVIEW and appeal.days_left_at_pause is None
    assert appeal.due_date == deadlines.today() + timedelta(days=15)


def test_a_supervisor_extends_within_the_law_and_says_why(desk):
    appeal = send(desk["citizen"])
    services.assign(desk["operator"], appeal.uuid)
    due = Appeal.objects.get().due_date
    with pytest.raises(PermissionDenied):
        services.extend(desk["operator"], appeal.uuid, 5, "A check is needed")
    with pytest.raises(ValidationError):
        services.extend(desk["supervisor"], appeal.uuid, 16, "A check is needed")
    services.extend(desk["supervisor"], appeal.uuid, 10, "A check is needed")
    with pytest.raises(ValidationError) as error:
        services.extend(desk["supervisor"], appeal.uuid, 6, "More")
    assert "days" in error.value.message_dict
    appeal.refresh_from_db()
    assert appeal.due_date == due + timedelta(days=10) and appeal.extended_days == 10
    assert queries.history(appeal).get(action="extend").note == "A check is needed"


def test_the_answer_is_signed_for_the_author_and_counted(desk):
    appeal = send(desk["citizen"], agency="TAX")
    services.assign(desk["tax_operator"], appeal.uuid)
    with pytest.raises(ValidationError):
        services.answer(desk["tax_operator"], appeal.uuid, "Done.", "000000")
    services.answer(desk["tax_operator"], appeal.uuid, "The queue is now electronic.", code())
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.answered_on_time is True
    document = appeal.answer_document
    assert document.holder_id == desk["citizen"].username and document.kind == "appeal_answer"
    assert signed.stored_bytes(document).startswith(b"%PDF")
    assert signed.documents_of(desk["citizen"]).filter(pk=document.pk).exists()
    row = MonthlyFigures.objects.get(agency__code="TAX")
    assert (row.received, row.answered, row.answered_on_time) == (1, 1, 1)
    assert AnswerDays.objects.get(agency__code="TAX").days == 0


def test_rating_once_and_a_complaint_goes_to_the_superior_linked(desk):
    appeal = send(desk["citizen"], agency="TAX")
    services.assign(desk["tax_operator"], appeal.uuid)
    with pytest.raises(ValidationError):  # not answered yet
        services.rate(desk["citizen"], appeal.uuid, useful=False, on_time=True)
    services.answer(desk["tax_operator"], appeal.uuid, "No.", code())
    services.rate(desk["citizen"], appeal.uuid, useful=False, on_time=True)
    with pytest.raises(ValidationError):
        services.rate(desk["citizen"], appeal.uuid, useful=True, on_time=True)
    complaint = services.complain(desk["citizen"], appeal.uuid, "The answer says nothing.")
    assert complaint.agency.code == "REG" and complaint.kind.code == "complaint"
    assert complaint.complaint_about == appeal and complaint.party_id == appeal.party_id
    row = MonthlyFigures.objects.get(agency__code="TAX")
    assert (row.rated, row.rated_useful, row.rated_on_time) == (1, 0, 1)


def test_a_complaints_subject_is_in_the_language_of_the_appeal(desk):
    """Whoever reads it later, in whatever language, reads the author's words."""
    appeal = send(desk["citizen"], agency="TAX", language="ru")
    services.assign(desk["tax_operator"], appeal.uuid)
    services.answer(desk["tax_operator"], appeal.uuid, "No.", code())
    with translation.override("tg"):
        complaint = services.complain(desk["citizen"], appeal.uuid, "Ответ пустой.")
    assert complaint.language == "ru"
    assert complaint.subject == f"Жалоба на ответ по обращению {appeal.number}"


def test_a_merged_duplicate_gets_the_answer_of_the_case_it_repeats(desk):
    first = send(desk["citizen"], "problem", category="dumping", latitude="38.5",
                 longitude="68.7", attributes={"size": "bag"}, text="Rubbish by the canal")
    again = send(desk["other"], "problem", category="dumping", latitude="38.5003",
                 longitude="68.7002", attributes={"size": "truck"}, text="A dump by the canal")
    assert queries.possible_duplicates(again) == [first]
    services.merge(desk["operator"], again.uuid, first.number)
    services.assign(desk["operator"], first.uuid)
    services.answer(desk["operator"], first.uuid, "Cleared on Monday.", code())
    again.refresh_from_db()
    assert again.status == Status.MERGED and again.duplicate_of == first
    assert again.answer_document.holder_id == desk["other"].username


def test_another_agencys_official_and_another_person_reach_nothing(desk):
    appeal = send(desk["citizen"], agency="TAX")
    assert queries.for_official(desk["operator"], appeal.uuid) == (None, set())
    assert queries.of_author(desk["other"], appeal.uuid) is None
    with pytest.raises(Http404):
        services.withdraw(desk["other"], appeal.uuid)
    services.withdraw(desk["citizen"], appeal.uuid)
    assert Appeal.objects.get().status == Status.WITHDRAWN


def test_the_figures_kept_current_equal_a_rebuild(desk):
    a = send(desk["citizen"])
    services.forward(desk["operator"], a.uuid, "TAX", "theirs")
    b = send(desk["other"], agency="TAX")
    for appeal in (a, b):
        services.assign(desk["tax_operator"], appeal.uuid)
    services.answer(desk["tax_operator"], b.uuid, "Yes.", code())
    services.rate(desk["other"], b.uuid, useful=True, on_time=True)
    kept = sorted(MonthlyFigures.objects.values_list(
        "agency__code", "received", "forwarded", "answered", "answered_on_time", "rated",
        "rated_useful"))
    days = sorted(AnswerDays.objects.values_list("agency__code", "days", "count"))
    figures.rebuild()
    assert sorted(MonthlyFigures.objects.values_list(
        "agency__code", "received", "forwarded", "answered", "answered_on_time", "rated",
        "rated_useful")) == kept
    assert sorted(AnswerDays.objects.values_list("agency__code", "days", "count")) == days
    assert Agency.objects.get(code="TAX").pk in {r.agency_id for r in
                                                  MonthlyFigures.objects.all()}


@pytest.mark.parametrize("histogram, expected", [
    ([], None), ([(3, 1)], 3.0), ([(1, 1), (5, 1)], 3.0), ([(2, 3), (9, 1)], 2.0),
    ([(0, 2), (4, 2)], 2.0), ([(1, 1), (2, 1), (7, 1)], 2.0)])
def test_median_of_a_histogram(histogram, expected):
    assert queries.median(histogram) == expected
