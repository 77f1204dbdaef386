import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yagona.accounts import services as accounts
from yagona.applications.models import Application
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM
from yagona.testing.web import TOTP_SECRET, signed_in

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.mark.django_db
def test_public_pages_render(country):
    client = Client()
    for url in ["/", "/services/", "/services/?event=birth", "/agencies/", "/agencies/REG/",
                "/services/birth-registration/", "/services/passport-issue/",
                "/search/?q=рожд"]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/search/?q=рожд").content.decode()
    assert "<mark>" in page


@pytest.mark.django_db
def test_unknown_things_are_404(country):
    client = Client()
    for url in ["/services/nope/", "/agencies/NOPE/", "/services/passport-issue/start/"]:
        assert client.get(url).status_code in (404, 302), url


@pytest.mark.django_db
def test_signed_in_pages_need_sign_in(country):
    response = Client().get("/account/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_citizen_applies_through_the_pages(people):
    service = Service.objects.get(code="birth-registration")
    service.form["schema"]["required"].append("certificate")  # a required file question
    service.save()
    client = signed_in(people["citizen"])
    response = client.post("/services/birth-registration/start/", {"party": "self"})
    assert response.status_code == 302
    application = Application.objects.get()
    base = f"/applications/{application.uuid}"
    assert response["Location"] == f"{base}/page/child/"

    # An error keeps the answers and shows a summary linked to the field.
    response = client.post(f"{base}/page/child/", {"child_name": "A", "birth_date": "",
                                                   "sex": "m"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#f-child_name"' in html and 'value="A"' in html
    response = client.post(f"{base}/page/child/", {"child_name": "Amir", "birth_date":
                                                   "2026-01-05", "sex": "m"})
    assert response["Location"] == f"{base}/page/place/"
    response = client.post(f"{base}/page/place/", {"hospital_birth": "yes"})
    assert response.status_code == 400  # the revealed question must be answered
    response = client.post(f"{base}/page/place/", {"hospital_birth": "yes",
                                                   "hospital_name": "City Maternity No. 2"})
    assert response["Location"] == f"{base}/page/documents/"
    response = client.post(f"{base}/page/documents/", {})
    assert response.status_code == 400 and 'href="#f-certificate"' in response.content.decode()
    bad = SimpleUploadedFile("x.pdf", b"not a pdf")
    response = client.post(f"{base}/page/documents/", {"certificate": bad})
    assert response.status_code == 400 and "must be a" in response.content.decode()
    good = SimpleUploadedFile("cert.pdf", PDF)
    response = client.post(f"{base}/page/documents/", {"certificate": good})
    assert response["Location"] == f"{base}/check/"
    page = client.get(f"{base}/check/").content.decode()
    assert "City Maternity No. 2" in page and "cert.pdf" in page
    response = client.post(f"{base}/check/")
    assert response["Location"] == f"{base}/submitted/"
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.registration_number in client.get(f"{base}/submitted/").content.decode()
    assert client.post(f"{base}/check/")["Location"] == f"{base}/"  # sent: not again
    assert application.registration_number in client.get("/account/").content.decode()


@pytest.mark.django_db
def test_tampered_post_is_refused(people):
    client = signed_in(people["citizen"])
    client.post("/services/birth-registration/start/", {"party": "self"})
    application = Application.objects.get()
    response = client.post(f"/applications/{application.uuid}/page/child/",
                           {"child_name": "Amir", "status": "approved"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.answers == {} and application.status == "draft"
    other = signed_in(people["other"])
    assert other.get(f"/applications/{application.uuid}/page/child/").status_code == 404


@pytest.mark.django_db
def test_officials_need_the_second_factor(people):
    operator = people["operator"]
    client = signed_in(operator)
    response = client.get("/office/")
    assert response.status_code == 302 and "second-factor" in response["Location"]
    accounts.enable_totp(SYSTEM, operator, TOTP_SECRET)
    client = signed_in(operator)
    response = client.get("/office/", follow=True)
    assert response.status_code == 200
    assert client.get("/office/TAX/").status_code == 404


@pytest.mark.django_db
def test_an_answer_the_state_holds_is_prefilled_read_only_and_stored_only_on_submit(
        people, monkeypatch):
    from yagona.exchange import client as exchange_client

    service = Service.objects.get(code="tax-clearance")
    service.form["schema"]["properties"]["address"] = {"type": "string", "minLength": 5}
    service.form["schema"]["required"].append("address")
    service.form["ui"]["pages"][0]["fields"].append("address")
    service.form["ui"]["fields"]["address"] = {
        "label": {"en": "Home address", "ru": "Адрес"},
        "prefill": {"registry": "population", "field": "address"}}
    service.save()
    asked = []

    def through_the_exchange(agency, registry, field, value, *, user="", issue="",
                             fields=None):
        asked.append((agency.code, registry.code, field, value, user, issue, fields))
        return {"person_id": value, "address": {"region": "Sughd", "city": "Khujand",
                                                "street": "Lenin", "house": "1"}}

    monkeypatch.setattr(exchange_client, "read_registry", through_the_exchange)
    client = signed_in(people["citizen"])
    client.post("/services/tax-clearance/start/", {"party": "self"})
    application = Application.objects.get()
    base = f"/applications/{application.uuid}"
    page = client.get(f"{base}/page/purpose/").content.decode()
    # Shown as labelled fields; stored as one short line (below).
    assert "Region: Sughd; City: Khujand; Street: Lenin; House: 1" in page
    assert "through the data exchange" in page
    assert 'name="address"' not in page  # read-only: nothing to type
    assert asked == [("TAX", "population", "person_id", people["citizen"].username,
                      people["citizen"].username, application.reference, ["address"])]
    response = client.post(f"{base}/page/purpose/", {"purpose": "A tender",
                                                     "address": "tampered"})
    assert response["Location"] == f"{base}/check/"
    application.refresh_from_db()
    assert "address" not in application.answers  # not stored with the draft
    assert "Region: Sughd; City: Khujand" in client.get(f"{base}/check/").content.decode()
    client.post(f"{base}/check/")
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.answers["address"] == "Sughd, Khujand, Lenin, 1"
    assert len(asked) == 1  # read once for the draft, kept in the cache meanwhile


@pytest.mark.django_db
def test_without_the_exchange_the_applicant_answers_by_hand(people, monkeypatch):
    from yagona.exchange import client as exchange_client

    service = Service.objects.get(code="tax-clearance")
    service.form["ui"]["fields"]["purpose"]["prefill"] = {"registry": "population",
                                                          "field": "address"}
    service.save()
    monkeypatch.setattr(exchange_client, "read_registry", lambda *a, **k: None)
    client = signed_in(people["citizen"])
    client.post("/services/tax-clearance/start/", {"party": "self"})
    application = Application.objects.get()
    page = client.get(f"/applications/{application.uuid}/page/purpose/").content.decode()
    assert 'name="purpose"' in page


@pytest.mark.django_db
def test_search_names_another_language_only_when_its_name_alone_matched(settings):
    """A Russian typo on the tj pack ('пасспорт' folds to the English 'passport') shows
    no English subtitle under the results."""
    from pathlib import Path

    from yagona.catalogue.packs import load_pack

    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / "tj")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get("/search/?q=пасспорт").content.decode()
    assert "/services/passport-issue/" in html and '<p lang="en">' not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tg"
    html = client.get("/search/?q=пасспорт").content.decode()
    assert html.count('<p lang="en">') == 1  # the passport service's English name matched
