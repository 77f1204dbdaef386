import pytest

from yagona.agencies.models import Agency
from yagona.applications import services as apply
from yagona.catalogue.models import Service
from yagona.conftest import make_person_id
from yagona.core import audit
from yagona.core.audit import SYSTEM
from yagona.registries import queries, services
from yagona.registries.tests.test_records import person
from yagona.testing.web import signed_in


def _tax_application(citizen):
    service = Service.objects.get(code="tax-clearance")
    application = apply.start(citizen, service)
    apply.save_answers(citizen, application, {"purpose": "For the bank"}, ["purpose"])
    application.refresh_from_db()
    return apply.submit(citizen, application)


@pytest.mark.django_db
def test_who_used_my_data_names_the_purpose_and_the_readers_role_not_a_user_name(people):
    citizen = people["citizen"]
    services.create(SYSTEM, "population", person(1))
    application = _tax_application(citizen)
    # The keeper's operator looks the person up in the back office.
    queries.find(audit.Actor(user=people["operator"]), "population", "person_id",
                 make_person_id(1))
    # The tax service's system reads it for the application, asked by its operator.
    services.give_grant(SYSTEM, "population", "TAX", ["person_id", "surname"], False)
    queries.read_for_exchange(audit.Actor(system="XX/GOV/TAX/taxes", agency="TAX"),
                              "population", Agency.objects.get(code="TAX").pk, "person_id",
                              make_person_id(1), user=people["tax_operator"].username,
                              purpose=application.registration_number)
    page = signed_in(citizen).get("/account/data-usage/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    for official in ("operator", "tax_operator"):
        assert people[official].username not in html
    assert "an official: Operator" in html
    assert (f'<a href="/applications/{application.uuid}/">Application '
            f'{application.registration_number}</a>: Tax clearance certificate') in html
    assert "Keeping the register: the keeper's own work" in html


@pytest.mark.django_db
def test_a_read_for_someone_elses_application_is_named_without_a_link(people):
    services.create(SYSTEM, "population", person(1))
    application = _tax_application(people["other"])
    services.give_grant(SYSTEM, "population", "TAX", ["person_id"], False)
    queries.read_for_exchange(audit.Actor(system="XX/GOV/TAX/taxes", agency="TAX"),
                              "population", Agency.objects.get(code="TAX").pk, "person_id",
                              make_person_id(1), purpose=application.registration_number)
    html = signed_in(people["citizen"]).get("/account/data-usage/").content.decode()
    assert f"Application {application.registration_number}: Tax clearance" in html
    assert f"/applications/{application.uuid}/" not in html
    assert "The access the register's keeper gave this agency" not in html


@pytest.mark.django_db
def test_a_read_at_the_persons_own_request_names_the_reading_system_too(people):
    services.create(SYSTEM, "population", person(1))
    services.give_grant(SYSTEM, "population", "TAX", ["person_id"], False)
    queries.read_for_exchange(audit.Actor(system="XX/GOV/TAX/taxes", agency="TAX"),
                              "population", Agency.objects.get(code="TAX").pk, "person_id",
                              make_person_id(1), user=people["citizen"].username)
    html = signed_in(people["citizen"]).get("/account/data-usage/").content.decode()
    assert "XX/GOV/TAX/taxes" in html and "at your request" in html
