"""The Registration facade against the letter of the spec (issue 14, items 1-6): the
codes the spec gives for ids that name nothing, filters, a task's free-form data,
missing headers and bodies, statistics' parameters and paging; each read from the
vendored spec file where the spec says it."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from yagona.api.tests.test_govstack import BASE, MEDIATOR, SPEC, auth, conforms
from yagona.applications import services as apply
from yagona.applications.tests.test_services import fill
from yagona.catalogue.models import Service
from yagona.catalogue.queries import service_public_id
from yagona.testing.tokens import api_token

pytestmark = pytest.mark.django_db
UNKNOWN = "00000000-0000-4000-8000-000000000000"
STATISTICS = json.loads((Path(settings.PROJECT_DIR) / "docs" / "specs" / "govstack" /
                         "registration" / "GovStack_Registration_BB_API_statistics.json")
                        .read_text())


def plain_string_ids() -> list[tuple[str, str, str]]:
    """(method, path, parameter) for each path parameter the spec types as a plain string."""
    found = []
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema") or {}
                if parameter.get("in") == "path" and schema.get("type") == "string" \
                        and "format" not in schema:
                    found.append((method, path, parameter["name"]))
    return found


BODIES = {"put": {"applicantId": "00000018"}, "post": {"data": {}}}


@pytest.fixture
def tokens(people):
    return {name: api_token(user) for name, user in people.items()}


@pytest.fixture
def submitted(people):
    citizen = people["citizen"]
    birth = Service.objects.get(code="birth-registration")
    return apply.submit(citizen, fill(citizen, apply.start(citizen, birth)))


def call(client, method, url, headers, body=None):
    return getattr(client, method)(url, json.dumps(body) if body is not None else None,
                                   content_type="application/json", **headers)


def test_ids_the_spec_types_as_strings_answer_404_malformed_or_unknown(tokens):
    ids = plain_string_ids()
    assert {name for _m, _p, name in ids} == {"fileId", "taskId", "eFormId"}
    client = Client()
    for method, path, name in ids:
        who = "operator" if "task" in path else "citizen"
        for value in ("not-an-id", UNKNOWN, "1" * 300):
            url = BASE + path.replace("{" + name + "}", value)
            response = call(client, method, url, auth(tokens[who]), BODIES.get(method))
            assert response.status_code == 404, (method, url, response.content[:200])
            assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_service_filters_to_no_applications(tokens, submitted):
    (parameter,) = [p for p in SPEC["paths"]["/applications"]["get"]["parameters"]
                    if p.get("name") == "serviceId"]
    assert parameter["in"] == "query" and parameter["schema"]["format"] == "uuid"
    client = Client()
    mine = client.get(f"{BASE}/applications", **auth(tokens["citizen"]))
    assert len(mine.json()) == 1
    response = client.get(f"{BASE}/applications?serviceId={UNKNOWN}", **auth(tokens["citizen"]))
    assert response.status_code == 200 and response.json() == []
    assert client.get(f"{BASE}/applications?serviceId=nonsense",
                      **auth(tokens["citizen"])).status_code == 400  # not a uuid


def test_a_task_takes_the_specs_free_form_data_and_needs_a_decision(tokens, submitted):
    assert SPEC["components"]["schemas"]["additionalData"]["properties"]["data"][
        "additionalProperties"] == {"type": "object"}  # values are objects in the spec
    client, url = Client(), f"{BASE}/tasks/{submitted.uuid}/complete"
    operator = auth(tokens["operator"])
    for data in ({}, {"note": {"value": "looked at it"}}, {"status": {"value": "MAYBE"}}):
        refused = call(client, "post", url, operator, {"data": data})
        assert refused.status_code == 400, data
        assert "data.status" in refused.json()["detail"]
    for data in ({"status": "REJECTED"}, {"status": {"value": "SENDBACK"}}):  # no reason
        assert call(client, "post", url, operator, {"data": data}).status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.assigned_to is None  # untouched
    assert list(submitted.timeline.values_list("action", flat=True)) == ["submit"]
    done = call(client, "post", url, operator, {"data": {"status": {"value": "APPROVED"},
                                                         "reason": {"value": ""}}})
    assert done.status_code == 200, done.content
    conforms(done.json(), "completedTaskResponse")
    assert done.json()["status"]["code"] == "APPROVED"


def test_a_missing_header_or_body_is_400(tokens, people):
    header = SPEC["components"]["parameters"]["Information-Mediator-Client"]
    assert header["required"] is True
    client, birth = Client(), Service.objects.get(code="birth-registration")
    bare = {"HTTP_AUTHORIZATION": f"Bearer {tokens['citizen']}"}
    for method, url, body in (
            ("get", f"{BASE}/applications", None),
            ("get", f"{BASE}/applications/{UNKNOWN}", None),
            ("post", f"{BASE}/services/{service_public_id(birth)}/applications",
             {"applicantId": people["citizen"].username})):
        assert call(client, method, url, bare, body).status_code == 400, url
    assert SPEC["paths"]["/documents"]["post"]["requestBody"]["required"] is True
    assert "400" in SPEC["paths"]["/documents"]["post"]["responses"]
    for body in (None, {}):
        response = client.post(f"{BASE}/documents", body or {}, **auth(tokens["citizen"]))
        assert response.status_code == 400, response.content
    no_body = client.post(f"{BASE}/services/{service_public_id(birth)}/applications",
                          content_type="application/json", **auth(tokens["citizen"]))
    assert no_body.status_code == 400


def test_statistics_know_their_registrations_and_dates(country):
    parameters = {p["name"]: p for p in STATISTICS["paths"]["/data/statistics"]["get"]
                  ["parameters"]}
    assert parameters["startDate"]["schema"]["format"] == "date"
    responses = STATISTICS["paths"]["/data/statistics"]["get"]["responses"]
    assert {"400", "404"} <= set(responses)
    client, url = Client(), f"{BASE}/data/statistics"
    assert client.get(f"{url}?registrationName=birth-registration", **MEDIATOR).status_code == 200
    assert client.get(f"{url}?registrationName=Birth", **MEDIATOR).status_code == 200
    assert client.get(f"{url}?registrationName=no-such-thing", **MEDIATOR).status_code == 404
    for bad in ("startDate=yesterday", "endDate=2026-02-30", "startDate=2026-13-01",
                "startDate=2026-03-01&endDate=2026-02-01"):
        assert client.get(f"{url}?{bad}", **MEDIATOR).status_code == 400, bad


@pytest.mark.parametrize("query", ["firstResult=99999999999999999999",
                                   "maxResult=99999999999999999999", "firstResult=-1",
                                   "maxResult=0", "firstResult=2147483648"])
def test_paging_out_of_bounds_is_400(tokens, query):
    client = Client()
    for path, who in (("/applications", "citizen"), ("/tasks", "operator")):
        response = client.get(f"{BASE}{path}?{query}", **auth(tokens[who]))
        assert response.status_code == 400, (path, query, response.content[:200])
