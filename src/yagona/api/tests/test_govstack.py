"""The GovStack Registration BB facade answers with the spec's shapes."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from jsonschema import Draft202012Validator

from yagona.catalogue.models import Service
from yagona.catalogue.queries import service_public_id
from yagona.testing.tokens import api_token

BASE = "/govstack/registration"
MEDIATOR = {"HTTP_INFORMATION_MEDIATOR_CLIENT": "YAGONA/GOV/TAX/portal"}
SPEC = json.loads((Path(settings.PROJECT_DIR) / "docs" / "specs" / "govstack" / "registration" /
                   "GovStack_Registration_BB_API.json").read_text())


def schema(name):
    """A component schema of the spec, with its $refs resolvable."""
    return {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}


def conforms(instance, name):
    errors = list(Draft202012Validator(schema(name)).iter_errors(instance))
    assert errors == [], [e.message for e in errors]


@pytest.fixture
def tokens(people):
    return {name: api_token(user)
            for name, user in people.items()}


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **MEDIATOR}


@pytest.mark.django_db
def test_services_and_eforms(country):
    client = Client()
    services = client.get(f"{BASE}/services").json()
    assert len(services) == 4
    for item in services:
        conforms(item, "service")
    birth = Service.objects.get(code="birth-registration")
    service_id = str(service_public_id(birth))
    assert client.get(f"{BASE}/services/{service_id}").json()["name"] == birth.name["en"]
    assert client.get(f"{BASE}/services/00000000-0000-0000-0000-000000000000") \
        .status_code == 404
    forms = client.get(f"{BASE}/services/{service_id}/eForms").json()
    conforms(forms[0], "EFormListItem")
    form = client.get(f"{BASE}/eForms/{forms[0]['eFormId']}").json()
    conforms(form, "EForm")
    assert form["schema"]["properties"]["child_name"]["type"] == "string"
    filtered = client.get(f"{BASE}/services?name=tax").json()
    assert [s["name"] for s in filtered] == ["Tax clearance certificate"]


@pytest.mark.django_db
def test_document_then_application_then_task(tokens, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    upload = client.post(f"{BASE}/documents",
                         {"file": SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%%EOF\n")},
                         **auth(tokens["citizen"]))
    assert upload.status_code == 200, upload.content
    conforms(upload.json(), "uploadResponse")
    birth = Service.objects.get(code="birth-registration")
    body = {"applicantId": people["citizen"].username, "applicationName": "Amir",
            "formData": {"data": {"child_name": {"value": "Amir"},
                                  "birth_date": {"value": "2026-01-05"}, "sex": {"value": "m"},
                                  "hospital_birth": {"value": False},
                                  "certificate": [{"url": upload.json()["url"]}]}}}
    url = f"{BASE}/services/{service_public_id(birth)}/applications"
    no_mediator = client.post(url, body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {tokens['citizen']}")
    assert no_mediator.status_code == 400  # the spec's code for a missing header
    response = client.post(url, body, content_type="application/json",
                           **auth(tokens["citizen"]))
    assert response.status_code == 200, response.content
    created = response.json()
    conforms(created, "applicationFileResponse")
    assert created["status"]["code"] == "PENDING"
    assert len(created["applicationData"]["documentUrls"]) == 1
    file_id = created["fileId"]

    mine = client.get(f"{BASE}/applications", **auth(tokens["citizen"])).json()
    assert [a["fileId"] for a in mine] == [file_id]
    conforms(mine[0], "applicantApplicationFileListResponse")
    assert client.get(f"{BASE}/applications/{file_id}", **auth(tokens["other"])) \
        .status_code == 404

    operator = auth(tokens["operator"])
    tasks = client.get(f"{BASE}/tasks", **operator).json()
    assert [t["fileId"] for t in tasks] == [file_id]
    conforms(tasks[0], "userTaskResponse")
    assert client.get(f"{BASE}/tasks", **auth(tokens["tax_operator"])).json() == []
    assert client.get(f"{BASE}/tasks", **auth(tokens["citizen"])).status_code == 401
    done = client.post(f"{BASE}/tasks/{tasks[0]['taskId']}/complete",
                       {"data": {"status": "SENDBACK", "reason": "Photo please"}},
                       content_type="application/json", **operator)
    assert done.status_code == 200, done.content
    conforms(done.json(), "completedTaskResponse")
    assert done.json()["status"]["code"] == "SENDBACK"
    put = client.put(f"{BASE}/applications/{file_id}",
                     json.dumps({"applicantId": people["citizen"].username,
                                 "formData": {"data": {"comment": {"value": "Photo attached"}}}}),
                     content_type="application/json", **auth(tokens["citizen"]))
    assert put.status_code == 200 and put.json()["status"]["code"] == "PENDING"
    done = client.post(f"{BASE}/tasks/{file_id}/complete", {"data": {"status": "APPROVED"}},
                       content_type="application/json", **operator)
    assert done.json()["status"]["code"] == "APPROVED"

    stats = client.get(f"{BASE}/data/statistics", **MEDIATOR).json()
    assert (stats[0]["processed"], stats[0]["approved"], stats[0]["sentBack"]) == (1, 1, 1)
    monthly = client.get(f"{BASE}/data/statistics?timeframe=month", **MEDIATOR).json()
    assert monthly[0]["references"]["timeframeMonth"] is True
    assert client.get(f"{BASE}/data/statistics").status_code == 400
    bad = client.get(f"{BASE}/data/statistics", HTTP_INFORMATION_MEDIATOR_CLIENT="nonsense")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_per_official_statistics_are_for_officials_of_that_agency(tokens, people):
    """Issue 9, point 7: the aggregate stays public; ?operator= needs a colleague."""
    client = Client()
    body = {"service": "tax-clearance", "answers": {"purpose": "For a bank loan"},
            "submit": True}
    created = client.post("/api/v1/applications", body, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {tokens['citizen']}").json()
    url = f"/api/v1/office/applications/{created['id']}"
    officer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['tax_operator']}"}
    client.post(f"{url}/assign", {}, content_type="application/json", **officer)
    client.post(f"{url}/decision", {"approve": "true", "reason": "ok"}, **officer)
    operator = people["tax_operator"].username
    stats = f"{BASE}/data/statistics?operator={operator}"
    assert client.get(f"{BASE}/data/statistics", **MEDIATOR).json()[0]["approved"] == 1
    anonymous = client.get(stats, **MEDIATOR)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    assert client.get(stats, **auth(tokens["citizen"])).status_code == 401
    assert client.get(stats, **auth(tokens["operator"])).status_code == 404  # other agency
    own = client.get(stats, **auth(tokens["tax_operator"]))
    assert own.status_code == 200 and own.json()[0]["approved"] == 1
    by_name = client.get(f"{BASE}/data/statistics?operator=Andozov", **MEDIATOR)
    assert by_name.status_code == 401
