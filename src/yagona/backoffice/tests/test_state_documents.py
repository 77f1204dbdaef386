"""Documents the state holds: the service page says the applicant need not bring them,
and the processing official sees them read from the registry through the agency's
exchange node (the node itself is exercised in exchange/tests and the browser tests;
here the exchange client is replaced at its boundary)."""

import pytest
from django.utils import timezone

from yagona.applications import services as apply
from yagona.applications.models import Application
from yagona.applications.tests.test_services import fill
from yagona.backoffice.tests.test_admin_pages import official
from yagona.catalogue.models import Service
from yagona.exchange import client as exchange_client

PASSPORT = {"registry": "population", "label": {"en": "Passport", "ru": "Паспорт"},
            "fields": ["surname", "identity_document"]}


@pytest.fixture
def reads(monkeypatch):
    """What the back office asks the exchange, and the answer it gets (settable)."""
    asked = []
    state = {"answer": exchange_client.Reading("found", {
        "surname": "Rahimova", "identity_document": {
            "type": "passport", "number": "A7654321", "issued": "2020-01-01",
            "expires": "2030-01-01", "issuer": "Registry"}}, "5d6c-xroad", timezone.now())}

    def read(agency, registry, key, value, *, user="", issue="", fields=None):
        asked.append({"agency": agency.code, "registry": registry.code, "key": key,
                      "value": value, "user": user, "issue": issue, "fields": fields})
        return state["answer"]

    monkeypatch.setattr(exchange_client, "read", read)
    state["asked"] = asked
    return state


@pytest.fixture
def application(people):
    service = Service.objects.get(code="birth-registration")
    service.state_documents = [PASSPORT]
    service.save()
    citizen = people["citizen"]
    return apply.submit(citizen, fill(citizen, apply.start(citizen, service)))


@pytest.mark.django_db
def test_the_service_page_says_what_the_applicant_need_not_bring(application, client):
    page = client.get("/services/birth-registration/").content.decode()
    assert "What you need not bring" in page
    assert "Passport" in page and "Population register" in page


@pytest.mark.django_db
def test_the_official_sees_them_read_live_for_the_application(people, application, reads):
    office = official(people["operator"])
    url = f"/office/applications/{application.uuid}/"
    page = office.get(url).content.decode()
    assert reads["asked"] == [{
        "agency": "REG", "registry": "population", "key": "person_id",
        "value": people["citizen"].username, "user": people["operator"].username,
        "issue": application.registration_number,
        "fields": ["surname", "identity_document"]}]
    assert "Documents the state holds" in page and "A7654321" in page
    assert "From the Population register" in page and "5d6c-xroad" in page
    office.get(url)
    assert len(reads["asked"]) == 1  # a reload shows the same reading, no second read
    office.get(f"{url}?read=again")
    assert len(reads["asked"]) == 2  # the official asked for a fresh one


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "said"), [
    ("absent", "holds no record of this applicant"),
    ("unavailable", "could not be read through the exchange just now")])
def test_without_an_answer_the_official_is_told_to_ask_the_applicant(
        people, application, reads, status, said):
    reads["answer"] = exchange_client.Reading(status)
    response = official(people["operator"]).get(f"/office/applications/{application.uuid}/")
    assert response.status_code == 200
    assert said in response.content.decode()


@pytest.mark.django_db
def test_nothing_is_read_for_a_decided_application_nor_by_another_agency(
        people, application, reads):
    tax = official(people["tax_operator"])
    assert tax.get(f"/office/applications/{application.uuid}/").status_code == 404
    operator = people["operator"]
    apply.assign(operator, application.uuid)
    apply.decide(operator, application.uuid, False, "The register disagrees.")
    page = official(operator).get(f"/office/applications/{application.uuid}/")
    assert "Documents the state holds" not in page.content.decode()
    assert reads["asked"] == []


@pytest.mark.django_db
def test_a_register_that_cannot_name_the_applicant_is_not_read(people, application, reads):
    """The population register is keyed by person: a company has no record there."""
    Application.objects.filter(pk=application.pk).update(party_kind="organisation",
                                                         party_id="123456782")
    page = official(people["operator"]).get(f"/office/applications/{application.uuid}/")
    assert "Documents the state holds" not in page.content.decode()
    assert reads["asked"] == []
