"""Writing to the government and following one's appeals through the pages: who may send
what, errors that keep everything typed, photos, anonymous reports with their tracking
code, the author's page (forwards, requests, extensions, the answer, rating, complaint,
withdrawal) and 404 for whatever is out of reach."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yagona.accounts import services as accounts
from yagona.accounts.models import MandateKind
from yagona.appeals import services
from yagona.appeals.models import Appeal, Kind
from yagona.appeals.tests.conftest import photo
from yagona.appeals.workflow import Status
from yagona.core.audit import SYSTEM
from yagona.testing.web import TOTP_SECRET, signed_in

pytestmark = pytest.mark.django_db
PLACE = {"latitude": "38.56", "longitude": "68.77", "address": "Rudaki 5"}
LIGHT = "/write/problem/street_light/"


@pytest.fixture
def desk(people):
    for name in ("operator", "tax_operator", "supervisor"):
        accounts.enable_totp(SYSTEM, people[name], TOTP_SECRET)
    return people


def code():
    return pyotp.TOTP(TOTP_SECRET).now()


def sent_uuid(response) -> str:
    assert response.status_code == 302, response.content.decode()[:3000]
    return re.search(r"/account/appeals/([0-9a-f-]{36})/sent/", response["Location"]).group(1)


def test_the_kinds_are_listed_and_only_anonymous_kinds_open_without_sign_in(people):
    anonymous = Client()
    page = anonymous.get("/write/").content.decode()
    assert all(name in page for name in ("Statement", "Complaint", "Problem in a public place",
                                         "Report of corruption"))
    assert "/accounts/login/" in anonymous.get("/write/statement/")["Location"]
    form = anonymous.get("/write/corruption/")
    assert form.status_code == 200 and "tracking code" in form.content.decode()
    assert 'name="anonymous"' not in form.content.decode()  # signed out: always without
    assert anonymous.get("/write/nope/").status_code == 404
    citizen = signed_in(people["citizen"])
    assert 'name="anonymous"' in citizen.get("/write/corruption/").content.decode()
    assert 'name="anonymous"' not in citizen.get("/write/statement/").content.decode()


def test_whom_offers_the_agencies_and_the_reception_with_its_days(people):
    page = signed_in(people["citizen"]).get("/write/statement/").content.decode()
    assert "I don't know which: the reception will send it on" in page
    assert 'value="TAX"' in page and "within 5 days" in page


def test_errors_keep_everything_typed(people):
    client = signed_in(people["citizen"])
    response = client.post("/write/statement/", {"subject": "Queue at the office",
                                                 "text": " ", "agency": "TAX"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#f-text"' in html and 'value="Queue at the office"' in html
    assert '<option value="TAX" selected>' in html
    response = client.post(LIGHT, {
        "text": "Dark street", "address": "Rudaki 5",
        "attribute_poles": "many", "photos": photo()})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#f-location"' in html and 'href="#f-attribute_poles"' in html
    assert "Dark street</textarea>" in html and 'value="Rudaki 5"' in html
    assert 'value="many"' in html and "Choose your photos again" in html
    assert not Appeal.objects.exists()


def test_a_problem_report_starts_with_its_category(people):
    client = signed_in(people["citizen"])
    choice = client.get("/write/problem/").content.decode()
    assert "Street light out" in choice and 'name="category"' in choice
    assert 'id="f-agency"' not in choice
    assert client.get("/write/problem/?choose=1").status_code == 400
    assert client.get("/write/problem/?category=street_light")["Location"] == LIGHT
    assert client.get("/write/problem/?category=nope&choose=1").status_code == 400
    assert client.get("/write/problem/nope/").status_code == 404
    assert client.get("/write/statement/street_light/").status_code == 404
    form = client.get(LIGHT).content.decode()
    assert "Tax Service" in form and 'name="attribute_poles"' in form
    assert 'id="f-agency"' not in form and 'id="locate"' in form
    assert 'accept="image/*"' in form and "capture" in form and "multiple" in form
    other = client.get("/write/problem/something-else/").content.decode()
    assert 'id="f-agency"' in other and 'name="attribute_poles"' not in other


def test_a_problem_report_with_photos_reaches_its_author_only(people):
    client = signed_in(people["citizen"])
    uuid = sent_uuid(client.post(LIGHT, {
        **PLACE, "text": "Three lamps are dark", "attribute_poles": "3",
        "photos": [photo("a.jpg"), photo("b.jpg")]}))
    appeal = Appeal.objects.get(uuid=uuid)
    assert (appeal.agency.code, appeal.photos.count()) == ("TAX", 2)
    sent = client.get(f"/account/appeals/{uuid}/sent/").content.decode()
    assert appeal.number in sent and "Tax Service" in sent
    page = client.get(f"/account/appeals/{uuid}/").content.decode()
    first = appeal.photos.first()
    assert f"/account/appeals/{uuid}/photos/{first.pk}/" in page and "Poles out" in page
    found = client.get(f"/account/appeals/{uuid}/photos/{first.pk}/")
    assert found.status_code == 200 and found["Content-Type"] == "image/jpeg"
    assert client.get(f"/account/appeals/{uuid}/photos/99999/").status_code == 404
    listed = client.get("/account/appeals/").content.decode()
    assert appeal.number in listed and "15 days left" in listed
    other = signed_in(people["other"])
    for path in ("", "sent/", f"photos/{first.pk}/", "answer/", "withdraw/", "complain/"):
        assert other.get(f"/account/appeals/{uuid}/{path}").status_code == 404, path
    assert other.get("/account/appeals/not-a-uuid/").status_code == 404
    assert appeal.number not in other.get("/account/appeals/").content.decode()
    assert Client().get(f"/account/appeals/{uuid}/")["Location"].startswith("/accounts/")


def test_too_many_photos_or_not_a_photo_is_refused_beside_the_field(people):
    client = signed_in(people["citizen"])
    pdf = SimpleUploadedFile("x.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg")
    for photos in ([photo(), photo(), photo()], [pdf]):
        response = client.post(LIGHT, {**PLACE, "text": "Dark", "photos": photos})
        assert response.status_code == 400 and 'href="#f-photos"' in response.content.decode()
    assert not Appeal.objects.exists()


def test_an_anonymous_report_is_followed_with_its_code_alone(desk):
    Kind.objects.filter(code="corruption").update(photos=1)
    mine = signed_in(desk["citizen"])
    own = Appeal.objects.get(uuid=sent_uuid(mine.post(LIGHT, {
        **PLACE, "text": "Dark", "photos": photo()}))).photos.get()
    anonymous = Client()
    response = anonymous.post("/write/corruption/", {"text": "An inspector asks for cash.",
                                                     "photos": photo("cash.jpg")})
    assert response.status_code == 302 and response["Location"].startswith("/write/sent/")
    first = anonymous.get(response["Location"])
    tracking = re.search(r'id="tracking-code">([^<]+)<', first.content.decode()).group(1)
    assert first["Cache-Control"] == "no-store"
    again = anonymous.get(response["Location"]).content.decode()
    assert tracking not in again and "shown once" in again  # shown once only
    appeal = Appeal.objects.get(author=None)
    assert appeal.number in again

    wrong = anonymous.post("/track/", {"code": "guess"})
    assert wrong.status_code == 400 and 'value="guess"' in wrong.content.decode()
    followed = anonymous.post("/track/", {"code": f" {tracking} "})
    assert followed.status_code == 302 and tracking not in followed["Location"]
    page = anonymous.get(followed["Location"]).content.decode()
    assert appeal.number in page and "An inspector asks for cash." in page
    assert "Write to the agency" not in page and "Withdraw" not in page
    shown = appeal.photos.get()
    assert f"{followed['Location']}photos/{shown.pk}/" in page
    assert anonymous.get(f"{followed['Location']}photos/{shown.pk}/").status_code == 200
    assert anonymous.get(f"{followed['Location']}photos/{own.pk}/").status_code == 404
    assert anonymous.get(f"/account/appeals/{appeal.uuid}/photos/{shown.pk}/").status_code \
        == 302  # the author's address needs an author
    assert mine.get(f"/account/appeals/{appeal.uuid}/photos/{shown.pk}/").status_code == 404

    services.assign(desk["operator"], appeal.uuid)
    services.answer(desk["operator"], appeal.uuid, "The inspector is suspended.", code())
    page = anonymous.get(followed["Location"]).content.decode()
    assert "The inspector is suspended." in page
    download = anonymous.get(followed["Location"] + "answer/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"%PDF"
    assert anonymous.get("/track/unknown-token/").status_code == 404
    assert anonymous.get("/track/unknown-token/answer/").status_code == 404
    assert Client().get("/write/sent/unknown-token/").status_code == 404


def test_a_signed_in_person_may_send_without_their_name(people):
    client = signed_in(people["citizen"])
    response = client.post("/write/corruption/", {"text": "Cash asked", "anonymous": "yes"})
    assert response["Location"].startswith("/write/sent/")
    assert Appeal.objects.get().author is None
    assert "Cash asked" not in client.get("/account/appeals/").content.decode()
    # Kinds that need a name refuse it (the core decides; the page has no checkbox).
    response = client.post("/write/statement/", {"text": "Hello", "anonymous": "yes"})
    assert response.status_code == 302 and Appeal.objects.get(kind__code="statement").author


def test_the_author_follows_every_step_answers_rates_and_complains(desk):
    citizen = signed_in(desk["citizen"])
    uuid = sent_uuid(citizen.post("/write/statement/", {"text": "Who issues permits?"}))
    page = f"/account/appeals/{uuid}/"
    assert "Civil Registry" in citizen.get(f"{page}sent/").content.decode()
    services.assign(desk["operator"], uuid)
    services.request_info(desk["operator"], uuid, "Which permit do you mean?")
    html = citizen.get(page).content.decode()
    assert "Which permit do you mean?" in html and 'name="answer"' in html
    response = citizen.post(page, {"action": "provide_info", "answer": " "})
    assert response.status_code == 400 and 'href="#f-answer"' in response.content.decode()
    assert citizen.post(page, {"action": "provide_info", "answer": "Fishing"}).status_code == 302
    services.extend(desk["supervisor"], uuid, 10, "The fishery must be asked")
    response = citizen.post(page, {"action": "write", "message": "Thank you"})
    assert response.status_code == 302
    services.note(desk["operator"], uuid, "We asked the fishery.", to_author=True)
    services.answer(desk["operator"], uuid, "The fishery issues them.", code())
    html = citizen.get(page).content.decode()
    assert "The fishery must be asked" in html and "We asked the fishery." in html
    assert "Thank you" in html and "The fishery issues them." in html
    appeal = Appeal.objects.get(uuid=uuid)
    assert f"/verify/{appeal.answer_document.uuid}/" in html
    download = citizen.get(f"{page}answer/")
    assert b"".join(download.streaming_content)[:4] == b"%PDF"

    response = citizen.post(page, {"action": "rate", "useful": "no"})
    assert response.status_code == 400 and 'href="#f-on_time"' in response.content.decode()
    assert 'id="useful-no" name="useful" value="no" checked' in response.content.decode()
    citizen.post(page, {"action": "rate", "useful": "no", "on_time": "yes"})
    appeal.refresh_from_db()
    assert (appeal.useful, appeal.on_time) == (False, True)
    assert 'name="useful"' not in citizen.get(page).content.decode()

    response = citizen.post(f"{page}complain/", {"text": ""})
    assert response.status_code == 400
    response = citizen.post(f"{page}complain/", {"text": "It says nothing of the fee."})
    complaint = Appeal.objects.get(complaint_about=appeal)
    assert response["Location"] == f"/account/appeals/{complaint.uuid}/"
    assert page in citizen.get(response["Location"]).content.decode()
    assert f"/account/appeals/{complaint.uuid}/" in citizen.get(page).content.decode()


def test_a_forward_shows_from_where_to_where_and_why(desk):
    citizen = signed_in(desk["citizen"])
    uuid = sent_uuid(citizen.post("/write/statement/", {"text": "Tax question"}))
    services.forward(desk["operator"], uuid, "TAX", "Taxes are the Tax Service's.")
    html = citizen.get(f"/account/appeals/{uuid}/").content.decode()
    history = html[html.index('class="timeline"'):]
    assert history.index("Civil Registry") < history.index("Tax Service")
    assert "Taxes are the Tax Service&#x27;s." in history


def test_withdrawing_asks_first(people):
    citizen = signed_in(people["citizen"])
    uuid = sent_uuid(citizen.post("/write/statement/", {"text": "Never mind"}))
    confirm = citizen.get(f"/account/appeals/{uuid}/withdraw/")
    assert confirm.status_code == 200 and Appeal.objects.get().status == Status.RECEIVED
    citizen.post(f"/account/appeals/{uuid}/withdraw/")
    assert Appeal.objects.get().status == Status.WITHDRAWN
    # Once ended, neither the confirmation nor the complaint form opens.
    assert citizen.get(f"/account/appeals/{uuid}/withdraw/").status_code == 302
    assert citizen.get(f"/account/appeals/{uuid}/complain/").status_code == 302


def test_a_director_writes_for_their_company_and_both_sides_are_kept(people):
    company = accounts.upsert_organisation(SYSTEM, "100000009", "Pamir Trade LLC")
    mandate = accounts.grant_mandate(SYSTEM, people["other"], MandateKind.DIRECTOR,
                                     organisation=company)
    client = signed_in(people["other"])
    form = client.get("/write/statement/").content.decode()
    assert "Pamir Trade LLC" in form and f'value="mandate-{mandate.pk}"' in form
    response = client.post("/write/statement/", {"text": "Our licence", "party": "nobody"})
    assert response.status_code == 400 and 'href="#f-party"' in response.content.decode()
    uuid = sent_uuid(client.post("/write/statement/", {"text": "Our licence",
                                                       "party": f"mandate-{mandate.pk}"}))
    appeal = Appeal.objects.get(uuid=uuid)
    assert (appeal.party_kind, appeal.party_name) == ("organisation", "Pamir Trade LLC")
    assert "Pamir Trade LLC" in client.get(f"/account/appeals/{uuid}/").content.decode()


def test_the_list_counts_the_time_left_in_the_unit_of_the_law(people):
    client = signed_in(people["citizen"])
    complaint = Appeal.objects.get(uuid=sent_uuid(client.post("/write/complaint/", {
        "text": "The clerk was rude", "agency": "TAX"})))
    statement = Appeal.objects.get(uuid=sent_uuid(client.post("/write/statement/", {
        "text": "A bench is broken"})))
    Appeal.objects.filter(pk=statement.pk).update(
        due_date=statement.received_on - timedelta(days=2))
    listed = client.get("/account/appeals/").content.decode()
    assert "working days left" in listed and "overdue by 2 days" in listed
    assert complaint.number in listed
