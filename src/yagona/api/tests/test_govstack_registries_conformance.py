"""The Digital Registries facade against the letter of the spec (issue 14, items 7-9):
the Database API's paths and shapes (its broken $refs resolved by hand, as named below)
and who read my data, by the database id /databases gives and with readers' initials."""

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from jsonschema import Draft202012Validator

from yagona.api.tests.test_govstack_registries import BASE, DATA, post
from yagona.api.tests.test_govstack_registries import SPEC as DATA_SPEC
from yagona.conftest import make_person_id
from yagona.registries.tests.test_records import person
from yagona.testing.packs import POPULATION

pytestmark = pytest.mark.django_db
DATABASE_SPEC = yaml.safe_load(
    (Path(settings.PROJECT_DIR) / "docs" / "specs" / "govstack" / "digital-registries" /
     "GovStack_Digital_registries_BB_Database_API_template-1.3.0.yaml").read_text())
# The spec refers to DatabasesSchema and DatabaseInfo, but defines databasesSchema and
# databaseInfo: its $refs, case mended, nothing else.
COMPONENTS = {**DATABASE_SPEC["components"]["schemas"],
              "DatabasesSchema": DATABASE_SPEC["components"]["schemas"]["databasesSchema"],
              "DatabaseInfo": DATABASE_SPEC["components"]["schemas"]["databaseInfo"]}


def answer_schema(path: str, method: str) -> dict:
    content = DATABASE_SPEC["paths"][path][method]["responses"]["200"]["content"]
    return {**content["application/json"]["schema"], "components": {"schemas": COMPONENTS}}


def conforms(instance, path: str, method: str) -> None:
    schema = answer_schema(path, method)
    errors = list(Draft202012Validator(schema).iter_errors(instance))
    assert errors == [], [e.message for e in errors]


def test_the_specs_refs_are_broken_as_this_file_says():
    refs = {DATABASE_SPEC["paths"]["/databases"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["$ref"], COMPONENTS["databasesSchema"]["properties"][
        "databases"]["items"]["$ref"]}
    assert refs == {"#/components/schemas/DatabasesSchema", "#/components/schemas/DatabaseInfo"}
    assert not {"DatabasesSchema", "DatabaseInfo"} & set(DATABASE_SPEC["components"]["schemas"])


def test_databases_answer_the_specs_group_with_a_code_for_each(api):
    listed = api["keeper"].get(f"{BASE}/databases")
    assert listed.status_code == 200
    conforms(listed.json(), "/databases", "get")
    group = listed.json()
    assert isinstance(group["databases"], list) and group["code"] and group["name"]
    codes = {d["code"]: d for d in group["databases"]}
    assert "population" in codes and codes["population"]["name"] == "Population register"
    one = api["keeper"].get(f"{BASE}/database/{codes['population']['id']}")
    conforms(one.json(), "/database/{id}", "get")
    assert one.json()["code"] == "population"
    assert api["citizen"].get(f"{BASE}/databases").json()["databases"] == []


def test_database_modify_is_reachable_and_answers_the_schema(api):
    assert "post" in DATABASE_SPEC["paths"]["/database/modify"]
    definition = copy.deepcopy(POPULATION)
    definition["schema"]["properties"]["nickname"] = {"type": "string", "maxLength": 50}
    definition["labels"]["nickname"] = {"en": "Nickname", "ru": "Прозвище"}
    changed = post(api["keeper"], f"{BASE}/database/modify",
                   {"code": "population", "schema": definition})
    assert changed.status_code == 200, changed.content
    conforms(changed.json(), "/database/modify", "post")
    assert changed.json()["properties"]["nickname"] == {"type": "string", "maxLength": 50}
    listed = api["keeper"].get(f"{BASE}/databases").json()["databases"]
    assert {d["code"]: d["version"] for d in listed}["population"] == "2"
    refused = post(api["operator"], f"{BASE}/database/modify",
                   {"code": "population", "schema": definition})
    assert refused.status_code in (403, 404)  # an operator defines no registry
    for path in ("/database/modify", "/database/nonsense", "/database/99999999999"):
        assert api["keeper"].get(f"{BASE}{path}").status_code in (404, 405), path


def test_who_read_my_data_by_database_id_with_the_readers_initials(api, people):
    post(api["keeper"], f"{DATA}/create", {"write": {"content": person(1)}})
    post(api["operator"], f"{DATA}/read", {"query": {"content": {
        "person_id": make_person_id(1)}}})
    parameter = next(p for p in DATA_SPEC["paths"]["/data/myPersonalDataUsage"]["get"]
                     ["parameters"] if p.get("name") == "databaseId")
    assert parameter["required"] is True
    population = next(d for d in api["keeper"].get(f"{BASE}/databases").json()["databases"]
                      if d["code"] == "population")
    asked = {"userId": make_person_id(1)}
    by_code = api["citizen"].get(f"{BASE}/data/myPersonalDataUsage",
                                 {**asked, "databaseId": "population"}).json()
    by_id = api["citizen"].get(f"{BASE}/data/myPersonalDataUsage",
                               {**asked, "databaseId": str(population["id"])}).json()
    assert by_code == by_id and len(by_id) == 1
    operator = people["operator"]
    assert by_id[0]["readerInitials"] == "OO" == (operator.first_name[0] +
                                                  operator.last_name[0]).upper()
    assert api["citizen"].get(f"{BASE}/data/myPersonalDataUsage",
                              {**asked, "databaseId": "12345"}).status_code == 404
