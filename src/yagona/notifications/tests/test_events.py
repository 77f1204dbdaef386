"""Applications and registries publish events (core.events) after their audit entry, in
their transaction; notifications subscribes and writes the inbox. The publishing rooms
write no inbox rows themselves."""

import pytest

from yagona.applications import services as apply
from yagona.applications.tests.test_services import fill
from yagona.catalogue.models import Service
from yagona.conftest import make_person_id
from yagona.core import audit, events
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry
from yagona.notifications import handlers
from yagona.notifications.models import InboxItem
from yagona.registries import queries, services
from yagona.registries.tests.test_records import person


@pytest.fixture
def heard():
    """Every payload of the events named, with whether its audit entry was already there."""
    got = []

    def listener(name, action):
        def hear(**payload):
            got.append((name, payload, AuditEntry.objects.filter(action=action).exists()))
        return hear

    listeners = [(name, listener(name, action)) for name, action in [
        ("application.stepped", "application.submit"),
        ("application.message", "application.message"),
        ("registry.record_read", "registry.record_read"),
        ("registry.correction_answered", "registry.correction_answered")]]
    for name, hear in listeners:
        events.subscribe(name)(hear)
    yield got
    for name, hear in listeners:
        events.unsubscribe(name, hear)


def test_subscribers_hear_each_publication_once():
    got = []

    def hear(**payload):
        got.append(payload)

    events.subscribe("test.happened")(hear)
    events.subscribe("test.happened")(hear)  # a second ready() adds nothing
    events.publish("test.happened", thing=1)
    events.unsubscribe("test.happened", hear)
    events.publish("test.happened", thing=2)
    assert got == [{"thing": 1}]


@pytest.mark.django_db
def test_an_application_step_and_a_message_are_events_the_inbox_follows(people, heard):
    citizen, operator = people["citizen"], people["operator"]
    birth = Service.objects.get(code="birth-registration")
    application = apply.submit(citizen, fill(citizen, apply.start(citizen, birth)))
    assert heard == [("application.stepped",
                      {"application": application.pk, "action": "submit", "note": ""}, True)]
    assert InboxItem.objects.get(recipient=citizen).event == "submit"
    apply.send_message(operator, application.uuid, "Bring the original.", official=True)
    apply.send_message(citizen, application.uuid, "I will.", official=False)
    assert [payload for name, payload, _ in heard if name == "application.message"] == [
        {"application": application.pk, "from_agency": True},
        {"application": application.pk, "from_agency": False}]
    assert list(InboxItem.objects.filter(recipient=citizen).values_list("event", flat=True)
                .order_by("pk")) == ["submit", "message"]


@pytest.mark.django_db
def test_a_read_publishes_and_writes_no_inbox_row_itself(country, people, heard):
    services.create(SYSTEM, "population", person(1))
    events.unsubscribe("registry.record_read", handlers.record_read)
    try:
        queries.find(audit.Actor(user=people["operator"]), "population", "person_id",
                     make_person_id(1))
    finally:
        events.subscribe("registry.record_read")(handlers.record_read)
    assert heard == [("registry.record_read",
                      {"people": [make_person_id(1)], "registry": "population",
                       "reader": "REG", "purpose": ""}, True)]
    assert not InboxItem.objects.exists()  # the read wrote nothing of notifications'


@pytest.mark.django_db
def test_an_answered_correction_is_an_event_the_inbox_follows(country, people, heard):
    from yagona.accounts.models import Role
    from yagona.accounts.services import grant_role
    from yagona.agencies.models import Agency

    services.create(SYSTEM, "population", person(1))
    report = services.request_correction(people["citizen"], "population", "surname",
                                         "My surname is Rahimova.")
    keeper = people["operator"]
    grant_role(SYSTEM, keeper, Agency.objects.get(code="REG"), Role.REGISTRY_KEEPER)
    services.close_correction(audit.Actor(user=keeper), report.pk, True, "")
    assert heard[-1] == ("registry.correction_answered", {"request": report.pk}, True)
    told = InboxItem.objects.get(recipient=people["citizen"], event="correction_answered")
    assert told.params["status"] == "corrected"
