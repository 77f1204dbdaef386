"""A token's scope reaches the service layer: an official signed in with a citizen-scope
token acts as a citizen everywhere (own applications only, no registry writes or
definitions); their office token still does office work; a browser session is unaffected."""

import copy
import json

import pytest
from django.test import Client

from yagona.accounts import services as accounts
from yagona.agencies.models import Agency
from yagona.applications import services as apply
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM
from yagona.registries.models import Record, Registry
from yagona.registries.tests.test_records import person
from yagona.testing.packs import POPULATION
from yagona.testing.tokens import api_token
from yagona.testing.web import TOTP_SECRET, signed_in

MEDIATOR = "YAGONA/GOV/TAX/portal"
GOVSTACK = "/govstack/registration"


def client(token) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)


def send(caller, method, url, body):
    return getattr(caller, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture(params=[True, False], ids=["with-second-factor", "without-second-factor"])
def official(request, people):
    """The tax operator with a citizen-scope token and (if they have a second factor) an
    office token; the citizen's tax application is in their agency's queue, and they
    applied for one themself."""
    tax_operator = people["tax_operator"]
    office = api_token(tax_operator, "office") if request.param else None
    citizen = accounts.issue_api_token(SYSTEM, tax_operator, "citizen")
    service = Service.objects.get(code="tax-clearance")
    theirs = apply.apply_in_one_go(people["citizen"], service, {"purpose": "For a bank loan"})
    own = apply.apply_in_one_go(tax_operator, service, {"purpose": "For a visa"})
    return {"citizen": client(citizen), "office": office and client(office),
            "theirs": str(theirs.uuid), "own": str(own.uuid)}


@pytest.mark.django_db
def test_a_citizen_token_lists_and_opens_only_the_officials_own_applications(official):
    caller = official["citizen"]
    listed = caller.get(f"{GOVSTACK}/applications")
    assert listed.status_code == 200
    assert [a["fileId"] for a in listed.json()] == [official["own"]]
    assert caller.get(f"{GOVSTACK}/applications/{official['theirs']}").status_code == 404
    assert caller.get(f"{GOVSTACK}/applications/{official['own']}").status_code == 200
    v1 = caller.get("/api/v1/applications").json()
    assert [a["id"] for a in v1["items"]] == [official["own"]]
    assert caller.get(f"/api/v1/applications/{official['theirs']}").status_code == 404
    assert caller.get(f"/api/v1/office/applications/{official['theirs']}").status_code == 401
    if official["office"] is not None:  # the same official's office token still works
        office = official["office"]
        listed = {a["fileId"] for a in office.get(f"{GOVSTACK}/applications").json()}
        assert listed == {official["own"], official["theirs"]}
        assert office.get(f"{GOVSTACK}/applications/{official['theirs']}").status_code == 200


@pytest.mark.django_db
def test_a_browser_session_keeps_the_officials_roles(official, people):
    official["citizen"].get(f"{GOVSTACK}/applications")
    if official["office"] is None:  # the office asks a session for the second factor
        accounts.enable_totp(SYSTEM, people["tax_operator"], TOTP_SECRET)
    session = signed_in(people["tax_operator"])
    assert session.get(f"/office/applications/{official['theirs']}/").status_code == 200


@pytest.fixture(params=[True, False], ids=["with-second-factor", "without-second-factor"])
def keeper(request, people):
    """A registry keeper of the population register (REG) and one record in it."""
    user = people["supervisor"]
    accounts.grant_role(SYSTEM, user, Agency.objects.get(code="REG"), "registry_keeper")
    from yagona.registries import services as registries

    record = registries.create(SYSTEM, "population", person(1))
    office = api_token(user, "office") if request.param else None
    return {"citizen": client(accounts.issue_api_token(SYSTEM, user, "citizen")),
            "office": office and client(office), "uuid": str(record.uuid)}


def _residents():
    definition = copy.deepcopy(POPULATION)
    definition["code"] = "residents"
    return {"code": "residents", "schema": definition}


@pytest.mark.django_db
def test_a_citizen_token_writes_and_defines_no_registry_records(keeper):
    caller, uuid = keeper["citizen"], keeper["uuid"]
    v1 = "/api/v1/registries/population/records"
    refused = [
        send(caller, "post", v1, {"data": person(2), "reason": "Birth record 18"}),
        send(caller, "patch", f"{v1}/{uuid}", {"changes": {"surname": "X"}, "reason": "r"}),
        send(caller, "post", f"{v1}/{uuid}/retire", {"reason": "Duplicate"}),
        send(caller, "post", "/govstack/registries/data/population/1/create",
             {"write": {"content": person(3)}, "reason": "r"}),
        send(caller, "put", "/govstack/registries/data/population/1/update",
             {"query": {"content": {"person_id": person(1)["person_id"]}},
              "write": {"content": {"surname": "X"}}, "reason": "r"}),
        caller.delete(f"/govstack/registries/data/population/1/{uuid}/delete"),
        send(caller, "post", "/govstack/registries/database/modify", _residents()),
    ]
    assert [r.status_code for r in refused if r.status_code not in (403, 404)] == []
    assert Record.objects.count() == 1 and Record.objects.get().data["surname"] != "X"
    assert Record.objects.get().retired_at is None
    assert not Registry.objects.filter(code="residents").exists()
    assert caller.get("/govstack/registries/databases").json()["databases"] == []
    if keeper["office"] is not None:  # the keeper's office token still writes and defines
        office = keeper["office"]
        created = send(office, "post", v1, {"data": person(2), "reason": "Birth record 18"})
        assert created.status_code == 201, created.content
        defined = send(office, "post", "/govstack/registries/database/modify", _residents())
        assert defined.status_code == 200, defined.content
