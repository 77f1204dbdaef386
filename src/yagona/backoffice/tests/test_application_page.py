"""The official's application page: what it offers and how its history reads."""

import pytest

from yagona.applications import services as apply
from yagona.applications.tests.test_services import fill
from yagona.backoffice.tests.test_admin_pages import official
from yagona.catalogue.models import Service


@pytest.fixture
def application(people):
    citizen = people["citizen"]
    service = Service.objects.get(code="birth-registration")
    return apply.submit(citizen, fill(citizen, apply.start(citizen, service)))


@pytest.mark.django_db
def test_take_it_is_not_offered_to_the_official_it_is_assigned_to(people, application):
    office = official(people["operator"])
    url = f"/office/applications/{application.uuid}/"
    assert "Assign to me" in office.get(url).content.decode()
    office.post(url, {"action": "assign"})
    page = office.get(url).content.decode()
    assert "Assign to me" not in page and 'value="assign"' not in page
    # A supervisor may still hand it to someone else.
    assert 'value="assign"' in official(people["supervisor"]).get(url).content.decode()


@pytest.mark.django_db
def test_the_history_does_not_say_the_same_twice(people, application):
    office = official(people["operator"])
    url = f"/office/applications/{application.uuid}/"
    office.post(url, {"action": "assign"})
    office.post(url, {"action": "request_info", "text": "A clearer scan, please"})
    page = office.get(url).content.decode()
    assert "More information requested</strong>" in page
    assert "More information requested → More information requested" not in page
    assert "Sent to the agency → Submitted" in page
