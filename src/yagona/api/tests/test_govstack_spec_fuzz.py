"""Property-based requests generated from the GovStack specifications themselves (the
vendored files in docs/specs/govstack, not our generated OpenAPI documents), sent to the
facades in-process: no answer is a server error, and an answer with a status the spec
documents has the body the spec describes there (schemathesis's `not_a_server_error` and
`response_schema_conformance`; the specs document few status codes, so status-code
conformance is not asked).

Each spec is loaded as is (but for the Database API's broken $refs, patched in memory),
with our mount as its base URL. Fixed in every case: the Information-Mediator-Client
header (declared by most operations, required by all of ours), and the parameters that
name something (a service, an application, a registry, a record, a person), so that the
generated requests reach the facade's code instead of stopping at a 404. Every run is
signed in as an official with an office token, which also opens the citizen operations.
"""

import json
import uuid
import zlib
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import wsgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from yagona.accounts import services as accounts
from yagona.agencies.models import Agency
from yagona.applications import services as apply
from yagona.applications.models import Application
from yagona.applications.tests.test_services import fill
from yagona.catalogue.models import Service
from yagona.catalogue.queries import PUBLIC_ID_NAMESPACE
from yagona.conftest import make_person_id
from yagona.core.audit import SYSTEM
from yagona.registries import services as registries
from yagona.registries.tests.test_records import person
from yagona.testing.tokens import api_token
from yagona.wsgi import application

# Calls the WSGI application in-process: see conftest.keep_the_test_transaction.
pytestmark = pytest.mark.usefixtures("keep_the_test_transaction")

SPECS = Path(settings.PROJECT_DIR) / "docs" / "specs" / "govstack"
MEDIATOR = "eGovStack/GOV/90000009/digitalregistries"
CHECKS = [not_a_server_error, response_schema_conformance]
# Our mounts (src/yagona/api/urls.py); the specs' paths are relative to them.
REGISTRATION = "/govstack/registration"
REGISTRIES = "/govstack/registries"
# What exists, for the parameters that name it (else nearly every request is a 404):
# the test pack's birth registration (catalogue.queries.service_public_id), an
# application to it (the fixture gives it this fileId, which is also its taskId), the
# population registry at schema version 1 (its database id as govstack_registries.
# database_id computes it), and the record of the registry keeper of the fixture below.
BIRTH = str(uuid.uuid5(PUBLIC_ID_NAMESPACE, "service:birth-registration"))
FILE = "0b7e5d0c-5f1e-4c39-9d55-3a1f2b6c8e01"
POPULATION_DB = zlib.crc32(b"population") & 0x7FFFFFFF
KEEPER_ID = make_person_id(11)  # people["supervisor"]


def read(relative: str) -> dict:
    text = (SPECS / relative).read_text()
    return json.loads(text) if relative.endswith(".json") else yaml.safe_load(text)


def spec(raw: dict, mount: str, **fixed) -> schemathesis.schemas.BaseSchema:
    """The spec, called in-process under `mount`, with the mediator header and the
    `fixed` parameters ("location.name") set in every generated case."""
    schema = schemathesis.openapi.from_dict(raw)
    schema.config.update(
        base_url=f"http://{wsgi.HOST}{mount}",
        parameters={"header.Information-Mediator-Client": MEDIATOR, **fixed})
    schema.app = application
    return schema


def database_api() -> dict:
    """The Database API template, with its broken $refs patched in memory only (the
    vendored file is left as published): the components are named `databaseInfo` and
    `databasesSchema`, while the operations refer to them capitalised:
    - GET /database/{id} 200 and databasesSchema.properties.databases.items:
      '#/components/schemas/DatabaseInfo'
    - GET /databases 200: '#/components/schemas/DatabasesSchema'
    Unpatched, schemathesis loads the spec and generates requests, but it takes a response
    schema it cannot resolve for no schema: those responses would not be checked at all."""
    raw = read("digital-registries/"
               "GovStack_Digital_registries_BB_Database_API_template-1.3.0.yaml")
    schemas = raw["components"]["schemas"]
    schemas["DatabaseInfo"] = schemas["databaseInfo"]
    schemas["DatabasesSchema"] = schemas["databasesSchema"]
    return raw


registration = spec(
    read("registration/GovStack_Registration_BB_API.json"), REGISTRATION,
    **{"path.serviceId": BIRTH, "path.fileId": FILE, "path.taskId": FILE})
statistics = spec(read("registration/GovStack_Registration_BB_API_statistics.json"),
                  REGISTRATION)
registries_data = spec(
    read("digital-registries/GovStack_Digital_registries_BB_Data_API_template-1.3.0.yaml"),
    REGISTRIES, **{"path.registryName": "population", "path.versionNumber": "1",
                   "path.uuid": KEEPER_ID, "path.field": "surname",
                   "query.userId": KEEPER_ID, "query.databaseId": "population"})
registries_database = spec(database_api(), REGISTRIES, **{"path.id": POPULATION_DB})

FUZZ = hypothesis_settings(max_examples=15, deadline=None,
                           suppress_health_check=list(HealthCheck), derandomize=True)


def signed_in(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "Information-Mediator-Client": MEDIATOR}


def apply_for_a_birth(applicant):
    """A birth registration ``applicant`` applied for (as applications' own tests fill
    it), through the services: a call through Django's test client would connect again
    the signal that closes the test's connection on PostgreSQL
    (conftest.keep_the_test_transaction)."""
    birth = Service.objects.get(code="birth-registration")
    return apply.submit(applicant, fill(applicant, apply.start(applicant, birth)))


@pytest.fixture
def operator(people):
    """An operator of the civil registry (REG, which runs the birth registration), with an
    office token. A citizen's application is their task, with the fileId FILE; they
    have applied for a birth registration themselves too, so that their own list of
    applications is not empty."""
    Application.objects.filter(pk=apply_for_a_birth(people["citizen"]).pk).update(uuid=FILE)
    apply_for_a_birth(people["operator"])
    return signed_in(api_token(people["operator"]))


@pytest.fixture
def keeper(people):
    """The keeper of the population registry (a supervisor of REG), with an office token;
    the registry holds the keeper's own record (so /data/myPersonalDataUsage has reads
    to list once the keeper has read it)."""
    accounts.grant_role(SYSTEM, people["supervisor"], Agency.objects.get(code="REG"),
                        "registry_keeper")
    registries.create(SYSTEM, "population", person(11))
    return signed_in(api_token(people["supervisor"]))


@pytest.mark.django_db
@registration.parametrize()
@FUZZ
def test_registration_spec(case, operator):
    case.call_and_validate(headers=operator, checks=CHECKS)


@pytest.mark.django_db
@statistics.parametrize()
@FUZZ
def test_registration_statistics_spec(case, operator):
    case.call_and_validate(headers=operator, checks=CHECKS)


@pytest.mark.django_db
@registries_data.parametrize()
@FUZZ
def test_registries_data_spec(case, keeper):
    case.call_and_validate(headers=keeper, checks=CHECKS)


@pytest.mark.django_db
@registries_database.parametrize()
@FUZZ
def test_registries_database_spec(case, keeper):
    case.call_and_validate(headers=keeper, checks=CHECKS)
