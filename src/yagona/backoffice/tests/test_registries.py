"""The registries in the back office: search, read (audited), create, correct and
retire with a reason, access of other agencies, definitions."""

import pytest

from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.backoffice.tests.test_admin_pages import official
from yagona.conftest import make_person_id
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.registries import services
from yagona.registries.models import Record, Registry
from yagona.registries.tests.test_records import person

BASE = "/office/registries"


def form_of(data: dict, **extra) -> dict:
    """A record as the back-office form posts it (dotted names for nested fields)."""
    posted = {}
    for name, value in data.items():
        if isinstance(value, dict):
            posted.update({f"{name}.{k}": v for k, v in value.items()})
        else:
            posted[name] = value
    return {**posted, **extra}


@pytest.fixture
def keeper(people):
    accounts.grant_role(SYSTEM, people["other"], Agency.objects.get(code="REG"),
                        Role.REGISTRY_KEEPER)
    return official(people["other"])


@pytest.mark.django_db
def test_a_keeper_finds_people_by_identifier_or_name_and_each_open_is_audited(keeper):
    services.create(SYSTEM, "population", person(1, surname="Раҳимова"))
    services.create(SYSTEM, "population", person(2, surname="Каримова"))
    listing = keeper.get(f"{BASE}/").content.decode()
    assert "Population register" in listing
    page = keeper.get(f"{BASE}/population/").content.decode()
    assert "Каримова" not in page  # no browsing of people: search first
    assert "Каримова" not in keeper.get(f"{BASE}/population/", {"q": " - "}).content.decode()
    assert AuditEntry.objects.filter(action="registry.record_read").count() == 0
    found = keeper.get(f"{BASE}/population/", {"q": "рахим"}).content.decode()
    assert "Раҳимова" in found and "Каримова" not in found
    by_key = keeper.get(f"{BASE}/population/", {"key": make_person_id(2)}).content.decode()
    assert "Каримова" in by_key and "Раҳимова" not in by_key
    assert AuditEntry.objects.filter(action="registry.record_read").count() == 2
    record = Record.objects.get(data__person_id=make_person_id(2))
    detail = keeper.get(f"{BASE}/population/records/{record.uuid}/").content.decode()
    assert "Khujand" in detail and "Created" in detail
    assert AuditEntry.objects.filter(action="registry.record_read").count() == 3


@pytest.mark.django_db
def test_a_refused_record_comes_back_as_typed_and_nothing_is_written(keeper):
    bad = form_of(person(1, birth_date="2999-01-01"), surname="", reason="Birth record 5")
    response = keeper.post(f"{BASE}/population/new/", bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The date must be today or in the past." in page and "This field is required." in page
    assert 'value="2999-01-01"' in page and "Birth record 5" in page
    assert Record.objects.count() == 0
    no_reason = keeper.post(f"{BASE}/population/new/",
                            form_of(person(1, birth_date="2999-01-01")))
    assert no_reason.status_code == 400 and Record.objects.count() == 0
    assert "Give the reason" in no_reason.content.decode()  # reported with the rest:
    assert "The date must be today or in the past." in no_reason.content.decode()
    done = keeper.post(f"{BASE}/population/new/", form_of(person(1), reason="Birth record 5"))
    assert done.status_code == 302
    record = Record.objects.get()
    assert record.data == person(1)
    assert record.revisions.get().reason == "Birth record 5"
    twice = keeper.post(f"{BASE}/population/new/", form_of(person(1), reason="again"))
    assert twice.status_code == 400 and "already in the registry" in twice.content.decode()


@pytest.mark.django_db
def test_a_keeper_corrects_and_retires_with_a_reason(keeper):
    record = services.create(SYSTEM, "population", person(1, birth_place="Khujand"))
    url = f"{BASE}/population/records/{record.uuid}"
    assert 'value="Khujand"' in keeper.get(f"{url}/correct/").content.decode()
    changed = form_of(person(1, surname="Каримова"))  # birth place emptied: removed
    refused = keeper.post(f"{url}/correct/", changed)
    assert refused.status_code == 400
    record.refresh_from_db()
    assert record.revision == 1
    assert keeper.post(f"{url}/correct/", {**changed, "reason": "Marriage",
                                           "requested_by": make_person_id(1)}).status_code == 302
    record.refresh_from_db()
    assert record.data["surname"] == "Каримова" and "birth_place" not in record.data
    assert record.revisions.get(number=2).requested_by == make_person_id(1)
    history = keeper.get(f"{url}/").content.decode()
    assert "Marriage" in history and "Khujand" in history
    assert keeper.post(f"{url}/retire/", {"reason": " "}).status_code == 400
    assert keeper.post(f"{url}/retire/", {"reason": "Duplicate"}).status_code == 302
    record.refresh_from_db()
    assert record.retired_at is not None
    assert keeper.get(f"{url}/").status_code == 404


@pytest.mark.django_db
def test_readers_read_and_others_see_nothing(keeper, people):
    record = services.create(SYSTEM, "population", person(1))
    url = f"{BASE}/population/records/{record.uuid}/"
    operator = official(people["operator"])  # the owner agency: reads, does not write
    assert operator.get(url).status_code == 200
    assert "Correct" not in operator.get(url).content.decode()
    assert operator.get(f"{BASE}/population/new/").status_code == 404
    assert operator.post(f"{url}correct/", form_of(person(1), reason="x")).status_code == 404
    assert operator.get(f"{BASE}/population/access/").status_code == 404
    tax = official(people["tax_operator"])  # another agency without a grant
    assert "Population register" not in tax.get(f"{BASE}/").content.decode()
    assert tax.get(url).status_code == 404
    assert tax.get(f"{BASE}/population/").status_code == 404
    from yagona.testing.web import signed_in

    assert signed_in(people["citizen"]).get(f"{BASE}/").status_code == 404


@pytest.mark.django_db
def test_the_owner_gives_another_agency_some_fields(keeper, people):
    record = services.create(SYSTEM, "population", person(1, birth_place="Khujand"))
    given = keeper.post(f"{BASE}/population/access/", {"agency": "TAX",
                                                        "fields": ["person_id", "surname"]})
    assert given.status_code == 302
    assert AuditEntry.objects.filter(action="registry.grant_given").exists()
    tax = official(people["tax_operator"])
    page = tax.get(f"{BASE}/population/records/{record.uuid}/").content.decode()
    assert "Раҳимова" in page and "Khujand" not in page and "1990-05-01" not in page
    assert keeper.post(f"{BASE}/population/access/", {"agency": "REG"}).status_code == 400
    keeper.post(f"{BASE}/population/access/", {"action": "take_back", "agency": "TAX"})
    assert tax.get(f"{BASE}/population/records/{record.uuid}/").status_code == 404


DEFINITION = """
code: vehicles
agency: REG
name: {en: Vehicle register, ru: Реестр транспорта}
schema:
  type: object
  additionalProperties: false
  required: [plate]
  properties:
    plate: {type: string, maxLength: 10}
    owner_id: {type: string, x-person-id: true}
key_fields: [plate]
search_fields: [plate]
personal_fields: [owner_id]
labels:
  plate: {en: Plate, ru: Номер}
  owner_id: {en: Owner, ru: Владелец}
"""


@pytest.mark.django_db
def test_an_agency_administrator_defines_a_registry(people):
    admin = people["supervisor"]
    client = official(admin)
    assert client.get(f"{BASE}/define/").status_code == 404  # no definer anywhere
    accounts.grant_role(SYSTEM, admin, Agency.objects.get(code="REG"), Role.AGENCY_ADMIN)
    broken = client.post(f"{BASE}/define/", {"definition": "code: [unclosed"})
    assert broken.status_code == 400 and "not valid YAML" in broken.content.decode()
    elsewhere = client.post(f"{BASE}/define/", {"definition": DEFINITION.replace(
        "agency: REG", "agency: TAX")})
    assert elsewhere.status_code == 400 and not Registry.objects.filter(code="vehicles")
    invalid = client.post(f"{BASE}/define/", {"definition": DEFINITION.replace(
        "key_fields: [plate]", "key_fields: [owner_id]")})
    assert invalid.status_code == 400 and "must be required" in invalid.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    huge = SimpleUploadedFile("huge.yaml", DEFINITION.encode() + b"#" * 200_000)
    assert client.post(f"{BASE}/define/", {"file": huge}).status_code == 400
    done = client.post(f"{BASE}/define/", {"definition": DEFINITION})
    assert done.status_code == 302 and done["Location"] == f"{BASE}/vehicles/"
    assert Registry.objects.get(code="vehicles").agency.code == "REG"
    assert AuditEntry.objects.filter(action="registry.defined").exists()


@pytest.mark.django_db
def test_a_person_reports_wrong_data_and_the_keeper_answers(keeper, people):
    from yagona.notifications.models import InboxItem
    from yagona.registries.models import CorrectionRequest
    from yagona.testing.web import signed_in

    record = services.create(SYSTEM, "population", person(1, birth_place="Khujand"))
    citizen = signed_in(people["citizen"])
    assert "Report wrong data" in citizen.get("/account/registers/").content.decode()
    refused = citizen.post("/account/registers/population/report/", {"field": "nope",
                                                                     "text": " "})
    assert refused.status_code == 400 and CorrectionRequest.objects.count() == 0
    assert citizen.post("/account/registers/legal_acts/report/", {}).status_code == 404
    sent = citizen.post("/account/registers/population/report/", {
        "field": "birth_place", "text": "I was born in Isfara, see my birth certificate."})
    assert sent.status_code == 302
    report = CorrectionRequest.objects.get()
    page = keeper.get(f"{BASE}/population/").content.decode()
    assert "born in Isfara" in page
    operator = official(people["operator"])  # a reader, not a keeper: sees no reports
    assert "born in Isfara" not in operator.get(f"{BASE}/population/").content.decode()
    assert operator.post(f"{BASE}/population/corrections/{report.pk}/",
                         {"corrected": "yes"}).status_code == 404
    keeper.post(f"{BASE}/population/corrections/{report.pk}/", {"corrected": "no",
                                                                "answer": ""})
    report.refresh_from_db()
    assert report.status == "open"  # a refusal needs its reason
    keeper.post(f"{BASE}/population/corrections/{report.pk}/", {
        "corrected": "no", "answer": "The birth record says Khujand."})
    report.refresh_from_db()
    assert report.status == "refused" and report.handled_by == people["other"].username
    told = InboxItem.objects.get(recipient=people["citizen"], event="correction_answered")
    assert "not corrected" in told.title and "Khujand" in told.body
    assert AuditEntry.objects.filter(action="registry.correction_answered").exists()
    assert record.uuid == report.record.uuid
