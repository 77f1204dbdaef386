"""The GovStack Digital Registries facade: the spec's shapes, per-field access, and the
registries' rules (validation paths, unique keys, reasons, audited reads)."""

import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client
from jsonschema import Draft202012Validator

from yagona.agencies.models import Agency
from yagona.conftest import make_person_id
from yagona.core.audit import SYSTEM
from yagona.registries import services as registries
from yagona.registries.models import Record
from yagona.registries.tests.test_records import person
from yagona.testing.tokens import api_token

BASE = "/govstack/registries"
DATA = f"{BASE}/data/population/1"
SPEC = yaml.safe_load((Path(settings.PROJECT_DIR) / "docs" / "specs" / "govstack" /
                       "digital-registries" /
                       "GovStack_Digital_registries_BB_Data_API_template-1.3.0.yaml")
                      .read_text())


def response_schema(path, method):
    body = SPEC["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    return {**body["schema"], "components": SPEC["components"]}


def conforms(instance, path, method):
    errors = list(Draft202012Validator(response_schema(path, method)).iter_errors(instance))
    assert errors == [], [e.message for e in errors]


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_create_read_and_the_rules_of_the_registry(api):
    keeper = api["keeper"]
    created = post(keeper, f"{DATA}/create", {"write": {"content": person(1)}})
    assert created.status_code == 200, created.content
    conforms(created.json(), "/data/{registryName}/{versionNumber}/create", "post")
    bad = post(keeper, f"{DATA}/create", {"write": {"content": {**person(2), "sex": "x",
                                                                "person_id": "123"}}})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert {e["path"] for e in bad.json()["errors"]} == {"/sex", "/person_id"}
    again = post(keeper, f"{DATA}/create", {"write": {"content": person(1)}})
    assert again.status_code == 409
    read = post(keeper, f"{DATA}/read", {"query": {"content": {"person_id": make_person_id(1)}}})
    assert read.json()["content"]["given_name"] == "Дилноза"
    conforms(read.json(), "/data/{registryName}/{versionNumber}/read", "post")
    missing = post(keeper, f"{DATA}/read", {"query": {"content": {"person_id": "00000000"}}})
    assert missing.status_code == 404 and missing.json()["detail"] == "no record found"
    exists = post(keeper, f"{DATA}/exists", {"query": {"content": {"surname": "Раҳимова"}}})
    assert exists.json()["answer"]["status"] is True
    conforms(exists.json(), "/data/{registryName}/{versionNumber}/exists", "post")
    assert keeper.get(f"{BASE}/data/population/7/read").status_code in (404, 405)


@pytest.mark.django_db
def test_each_caller_sees_only_the_fields_it_may(api):
    registries.create(SYSTEM, "population", person(1))
    query = {"query": {"content": {"person_id": make_person_id(1)}}}
    assert set(post(api["tax"], f"{DATA}/read", query).json()["content"]) == {"person_id",
                                                                             "surname"}
    assert "birth_date" in post(api["operator"], f"{DATA}/read", query).json()["content"]
    assert post(api["citizen"], f"{DATA}/read", query).status_code == 404
    hidden = post(api["tax"], f"{DATA}/read",
                  {"query": {"content": {"birth_date": "1990-05-01"}}})
    assert hidden.status_code == 422  # no probing by fields one may not read
    assert post(api["operator"], f"{DATA}/create",
                {"write": {"content": person(2)}}).status_code == 403


@pytest.mark.django_db
def test_list_filters_and_pages(api):
    for n in range(1, 8):
        registries.create(SYSTEM, "population", person(n, surname=f"Surname{n % 2}"))
    page = api["keeper"].get(f"{DATA}?query.surname=Surname1&pageSize=2&page=1").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    conforms(page, "/data/{registryName}/{versionNumber}", "get")
    found = api["keeper"].get(f"{DATA}?search=surn&pageSize=10").json()
    assert found["count"] == 7


@pytest.mark.django_db
def test_updates_need_a_reason_and_keep_history(api):
    record = registries.create(SYSTEM, "population", person(1))
    query = {"content": {"person_id": make_person_id(1)}}
    no_reason = put(api["keeper"], f"{DATA}/update",
                    {"query": query, "write": {"content": {"surname": "Karimova"}}})
    assert no_reason.status_code == 422
    done = put(api["keeper"], f"{DATA}/update", {"query": query, "reason": "Marriage",
                                                 "write": {"content": {"surname": "Karimova"}}})
    assert done.status_code == 200
    assert record.revisions.count() == 2
    upsert = post(api["keeper"], f"{DATA}/updateOrCreate", {
        "query": {"content": {"person_id": make_person_id(2)}}, "reason": "Birth",
        "write": {"content": {k: v for k, v in person(2).items() if k != "person_id"}}})
    assert upsert.status_code == 200 and Record.objects.count() == 2
    value = api["keeper"].get(f"{DATA}/{make_person_id(1)}/readValue/surname.json").json()
    assert value == {"value": "Karimova"}
    text = api["keeper"].get(f"{DATA}/{record.uuid}/readValue/surname.txt")
    assert text.content.decode() == "Karimova"
    many = put(api["keeper"], f"{DATA}/updateEntries", {
        "query": {"content": {"citizenship": "XX"}}, "reason": "Renamed region",
        "write": {"content": {"birth_place": "Khujand"}}})
    assert many.json() == {"updated": 2}
    assert all(r.data["birth_place"] == "Khujand" for r in Record.objects.all())
    gone = api["keeper"].delete(f"{DATA}/{make_person_id(1)}/delete?reason=Duplicate")
    assert gone.status_code == 204
    assert post(api["keeper"], f"{DATA}/read", {"query": query}).status_code == 404


@pytest.mark.django_db
def test_a_person_sees_who_read_their_data(api, people):
    registries.create(SYSTEM, "population", person(1))
    post(api["operator"], f"{DATA}/read",
         {"query": {"content": {"person_id": make_person_id(1)}}})
    usage = api["citizen"].get(f"{BASE}/data/myPersonalDataUsage",
                               {"userId": make_person_id(1), "databaseId": "population"})
    assert usage.status_code == 200
    [entry] = usage.json()
    assert entry["readerId"] == people["operator"].username
    assert entry["readerInstitutionId"] == "REG"
    assert entry["readerApplicationName"] == "YAGONA/GOV/TAX/portal"
    conforms(usage.json(), "/data/myPersonalDataUsage", "get")
    other = api["citizen"].get(f"{BASE}/data/myPersonalDataUsage",
                               {"userId": make_person_id(2), "databaseId": "population"})
    assert other.status_code == 404


@pytest.mark.django_db
def test_database_api_and_the_mediator_header(api):
    listed = api["keeper"].get(f"{BASE}/databases").json()["databases"]
    [population] = [d for d in listed if d["name"] == "Population register"]
    assert population["fieldsUniques"] == [["person_id"]]
    one = api["keeper"].get(f"{BASE}/database/{population['id']}").json()
    assert one["schema"]["properties"]["person_id"]["x-person-id"] is True
    assert api["citizen"].get(f"{BASE}/databases").json()["databases"] == []
    anonymous = Client().get(f"{BASE}/databases",
                             HTTP_INFORMATION_MEDIATOR_CLIENT="YAGONA/GOV/TAX/portal")
    assert anonymous.status_code == 401
    token = api_token(Agency.objects.get(code="REG").official_roles.first().user)
    wrong = Client().get(f"{BASE}/databases", HTTP_AUTHORIZATION=f"Bearer {token}",
                         HTTP_INFORMATION_MEDIATOR_CLIENT="not a client id")
    assert wrong.status_code == 400
