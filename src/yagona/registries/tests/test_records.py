import copy
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from yagona.accounts import services as accounts
from yagona.agencies.models import Agency
from yagona.conftest import make_person_id
from yagona.core import audit
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.registries import queries, services
from yagona.registries.models import Record, RecordKey, Revision
from yagona.testing.packs import POPULATION


@pytest.fixture
def population(country):
    """The test pack's population registry, defined when the pack was loaded."""
    return queries.version(queries.registry("population"))


def person(n, **extra):
    return {"person_id": make_person_id(n), "surname": "Раҳимова", "given_name": "Дилноза",
            "surname_latin": "Rahimova", "given_name_latin": "Dilnoza",
            "birth_date": "1990-05-01", "sex": "f", "citizenship": "XX",
            "address": {"region": "Sughd", "city": "Khujand", "street": "Lenin", "house": "1"},
            "marital_status": "single",
            "identity_document": {"type": "passport", "number": "A1234567",
                                  "issued": "2020-01-01", "expires": "2030-01-01",
                                  "issuer": "VKD"}, **extra}


@pytest.mark.django_db
def test_defining_again_changes_nothing_and_a_new_schema_is_a_new_version(population):
    assert population.registry.agency.code == "REG"  # loaded from registries/*.yaml
    assert population.version == 1
    assert services.define(SYSTEM, POPULATION).pk == population.pk
    changed = copy.deepcopy(POPULATION)
    changed["schema"]["properties"]["nickname"] = {"type": "string"}
    changed["labels"]["nickname"] = {"en": "Nickname", "ru": "Прозвище"}
    assert services.define(SYSTEM, changed).version == 2


@pytest.mark.django_db
def test_a_bad_definition_lists_every_problem(country):
    broken = copy.deepcopy(POPULATION)
    broken["agency"] = "NOPE"
    broken["key_fields"] = ["patronymic"]
    del broken["labels"]["surname"]
    with pytest.raises(services.DefinitionInvalid) as caught:
        services.define(SYSTEM, broken)
    text = str(caught.value)
    assert "unknown agency 'NOPE'" in text
    assert "key_fields: 'patronymic' must be required" in text
    assert "labels.surname" in text


@pytest.mark.django_db
def test_invalid_records_name_each_field_and_write_nothing(population):
    bad = person(1, surname=7, birth_date=(timezone.localdate() + timedelta(days=3))
                 .isoformat(), nickname="x")
    bad["person_id"] = "12345678"  # fails the checksum
    del bad["given_name"]
    with pytest.raises(services.RecordInvalid) as caught:
        services.create(SYSTEM, "population", bad)
    paths = {error.path for error in caught.value.errors}
    assert paths == {"/given_name", "/surname", "/nickname", "/person_id", "/birth_date"}
    assert Record.objects.count() == 0 and Revision.objects.count() == 0


@pytest.mark.django_db
def test_a_key_is_unique_and_nothing_is_half_written(population):
    services.create(SYSTEM, "population", person(1))
    with pytest.raises(services.DuplicateKey):
        services.create(SYSTEM, "population", person(1, surname="Other"))
    assert Record.objects.count() == 1 and RecordKey.objects.count() == 1


@pytest.mark.django_db
def test_corrections_keep_history_and_past_states_can_be_read(population):
    record = services.create(SYSTEM, "population", person(1, birth_place="Khujand"))
    created = timezone.now()
    with pytest.raises(services.ReasonRequired):
        services.correct(SYSTEM, "population", record.uuid, {"surname": "Karimova"}, reason="")
    services.correct(SYSTEM, "population", record.uuid,
                     {"surname": "Karimova", "birth_place": None}, reason="Marriage",
                     requested_by=make_person_id(1))
    record.refresh_from_db()
    assert record.data["surname"] == "Karimova" and "birth_place" not in record.data
    last = record.revisions.get(number=2)
    assert last.changes == {"surname": ["Раҳимова", "Karimova"],
                            "birth_place": ["Khujand", None]}
    assert last.reason == "Marriage" and last.requested_by == make_person_id(1)
    before = queries.as_of(SYSTEM, "population", record.uuid, created)
    assert before["surname"] == "Раҳимова" and before["birth_place"] == "Khujand"
    with pytest.raises(Http404):
        queries.as_of(SYSTEM, "population", record.uuid, created - timedelta(days=1))
    assert audit.verify() == []


@pytest.mark.django_db
def test_a_key_taken_by_another_record_is_refused_on_correction(population):
    first = services.create(SYSTEM, "population", person(1))
    services.create(SYSTEM, "population", person(2))
    with pytest.raises(services.DuplicateKey):
        services.correct(SYSTEM, "population", first.uuid,
                         {"person_id": make_person_id(2)}, reason="Typo")
    first.refresh_from_db()
    assert first.data["person_id"] == make_person_id(1) and first.revision == 1


@pytest.mark.django_db
def test_retiring_is_logical_and_frees_the_key(population):
    record = services.create(SYSTEM, "population", person(1))
    services.retire(SYSTEM, "population", record.uuid, reason="Duplicate entry")
    with pytest.raises(Http404):
        queries.find(SYSTEM, "population", "person_id", make_person_id(1))
    with pytest.raises(Http404):
        queries.as_of(SYSTEM, "population", record.uuid, timezone.now())
    assert [r.operation for r in queries.history(SYSTEM, "population", record.uuid)] == [
        "create", "retire"]
    services.create(SYSTEM, "population", person(1))  # the key is free again
    assert Record.objects.count() == 2


@pytest.mark.django_db
def test_only_keepers_of_the_owner_agency_write_and_staff_reads_are_audited(population, people):
    record = services.create(SYSTEM, "population", person(1))
    operator = audit.Actor(user=people["operator"])  # reads the owner's registry, no more
    with pytest.raises(PermissionDenied):
        services.correct(operator, "population", record.uuid, {"surname": "X"}, reason="r")
    with pytest.raises(Http404):  # no role, no grant, no public fields: not even there
        services.correct(audit.Actor(user=people["citizen"]), "population", record.uuid,
                         {"surname": "X"}, reason="r")
    keeper = people["other"]
    accounts.grant_role(SYSTEM, keeper, Agency.objects.get(code="TAX"), "registry_keeper")
    with pytest.raises(Http404):  # a keeper, but of another agency
        services.retire(audit.Actor(user=keeper), "population", record.uuid, reason="r")
    accounts.grant_role(SYSTEM, keeper, Agency.objects.get(code="REG"), "registry_keeper")
    services.correct(audit.Actor(user=keeper), "population", record.uuid, {"surname": "X"},
                     reason="Court decision")
    reads = AuditEntry.objects.filter(action="registry.record_read")
    queries.find(SYSTEM, "population", "person_id", make_person_id(1))
    assert reads.count() == 0  # the system's own reads are not staff reads
    queries.find(operator, "population", "person_id", make_person_id(1))
    assert reads.get().actor == people["operator"].username


@pytest.mark.django_db
def test_a_person_sees_what_the_registers_hold_about_them_and_nothing_else(population, people):
    from yagona.testing.web import signed_in

    services.create(SYSTEM, "population", person(1, given_name="Дилноза", sex="f"))
    services.create(SYSTEM, "population", person(2, given_name="Фаррух", sex="m"))
    page = signed_in(people["citizen"]).get("/account/registers/").content.decode()
    assert "Дилноза" in page and "Фаррух" not in page
    assert "Population register" in page
    assert not AuditEntry.objects.filter(action="registry.record_read").exists()


@pytest.mark.django_db
def test_a_person_sees_who_read_their_record_and_can_narrow_it(population, people):
    from yagona.testing.web import signed_in

    services.create(SYSTEM, "population", person(1))
    services.create(SYSTEM, "population", person(2))
    queries.find(audit.Actor(user=people["operator"]), "population", "person_id",
                 make_person_id(1))
    services.give_grant(SYSTEM, "population", "TAX", ["person_id", "surname"], False)
    queries.read_for_exchange(audit.Actor(system="XX/GOV/TAX/taxes", agency="TAX"),
                              "population", Agency.objects.get(code="TAX").pk, "person_id",
                              make_person_id(1), user="XX510000012", purpose="TAX-2026-000007")
    queries.find(audit.Actor(user=people["operator"]), "population", "person_id",
                 make_person_id(2))  # someone else's record: not on this person's page
    client = signed_in(people["citizen"])
    page = client.get("/account/data-usage/").content.decode()
    assert page.count("<tr>") == 3  # the header and two reads
    assert "XX/GOV/TAX/taxes" in page and "TAX-2026-000007" in page and "Surname" in page
    # Officials are named by their role, never by a bare user name (portal tests).
    assert "XX510000012" not in page and people["operator"].username not in page
    only_tax = client.get("/account/data-usage/", {"agency": "TAX"}).content.decode()
    assert only_tax.count("<tr>") == 2 and "Keeping the register" not in only_tax
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = client.get("/account/data-usage/", {"from": tomorrow}).content.decode()
    assert "Nobody has read your data" in later
    assert client.get("/account/data-usage/", {"from": "not a date"}).status_code == 200


@pytest.mark.django_db
def test_a_read_outside_the_persons_applications_is_told_to_them_once_a_day(population,
                                                                             people):
    from yagona.notifications.models import InboxItem

    services.create(SYSTEM, "population", person(1))
    operator = audit.Actor(user=people["operator"])
    for _ in range(3):
        queries.find(operator, "population", "person_id", make_person_id(1))
    told = InboxItem.objects.filter(recipient=people["citizen"], event="data_read")
    assert told.count() == 1  # three reads, one notice today
    services.give_grant(SYSTEM, "population", "TAX", ["person_id"], False)
    tax = Agency.objects.get(code="TAX")
    from yagona.applications import services as applications
    from yagona.catalogue.models import Service

    service = Service.objects.filter(agency=tax, online=True, active=True).first()
    draft = applications.start(people["citizen"], service)
    reader = audit.Actor(system="XX/GOV/TAX/taxes", agency="TAX")
    queries.read_for_exchange(reader, "population", tax.pk, "person_id", make_person_id(1),
                              purpose=draft.reference)
    assert told.count() == 1  # for an application of hers: no notice
    queries.read_for_exchange(reader, "population", tax.pk, "person_id", make_person_id(1),
                              purpose="TAX-2026-999999")
    assert told.count() == 2 and "Tax" in told.latest("pk").title
    # The notice keeps the names in every language: it reads in the reader's language.
    from django.utils import translation

    notice = told.latest("pk")
    assert notice.params["agency"] == tax.name
    with translation.override("ru"):
        assert tax.name["ru"] in notice.title


@pytest.mark.django_db
def test_an_organisation_outside_government_reads_only_what_the_person_consented_to(
        population, people):
    from django.core.exceptions import ValidationError

    from yagona.exchange import services as exchange
    from yagona.testing.web import signed_in

    services.create(SYSTEM, "population", person(1, birth_place="Khujand"))
    bank = exchange.register_member(SYSTEM, "COM", "020000013", "Bank «Eskhata»")
    reader = audit.Actor(system="XX/COM/020000013/loans")

    def read():
        return queries.read_for_exchange(reader, "population", None, "person_id",
                                         make_person_id(1), consent_of=str(bank.identifier))

    with pytest.raises(Http404):  # no consent, no data
        read()
    client = signed_in(people["citizen"])
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    refused = client.post("/account/consents/", {"registry": "population",
                                                 "member": "XX/GOV/REG", "fields": [],
                                                 "purpose": "", "until": "2999-01-01"})
    assert refused.status_code == 400  # a government body, no data, no purpose, too far
    given = client.post("/account/consents/", {
        "registry": "population", "member": str(bank.identifier),
        "fields": ["surname", "birth_place"], "purpose": "A loan", "until": until})
    assert given.status_code == 302
    assert read() == {"person_id": make_person_id(1), "surname": "Раҳимова",
                      "birth_place": "Khujand"}
    assert "Bank «Eskhata»" in client.get("/account/consents/").content.decode()
    consent = people["citizen"].consents.get()
    with pytest.raises(Http404):  # someone else cannot revoke it
        services.revoke_consent(people["other"], consent.pk)
    client.post("/account/consents/", {"action": "revoke", "consent": consent.pk})
    with pytest.raises(Http404):
        read()
    with pytest.raises(ValidationError):
        exchange.give_consent(people["citizen"], "population", str(bank.identifier),
                              ["surname"], "A loan", timezone.localdate() - timedelta(days=1))
    assert AuditEntry.objects.filter(action="registry.consent_revoked").exists()
