import json

import pytest
from django.test import Client

from yagona.api import govstack, govstack_registries, v1
from yagona.api.tests.routes import all_operations, mounted_apis, permission_problems
from yagona.applications.models import Application
from yagona.testing.tokens import api_token

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def tokens(people):
    return {name: api_token(user)
            for name, user in people.items()}


def call(method, url, token=None, data=None, headers=None, **kwargs):
    client = Client()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if data is not None and not isinstance(data, (str, bytes)):
        data = json.dumps(data)
    return getattr(client, method)(url, data=data, content_type="application/json",
                                   **extra, **kwargs)


def test_every_operation_of_every_mounted_api_declares_a_real_permission():
    """Rule 4 of the house for the APIs: the NinjaAPIs are found by walking the URL
    resolver, and each operation's x-permission matches its authentication."""
    apis = [api for _prefix, api in mounted_apis()]
    assert {v1.api, govstack.api, govstack_registries.api} <= set(apis)
    assert sum(1 for _ in all_operations()) > 30
    assert permission_problems() == []


@pytest.mark.django_db
def test_operations_that_are_not_public_refuse_anonymous_callers(people):
    token = api_token(people["citizen"])
    for method, path, operation, _schema in all_operations():
        if operation["x-permission"] == "public":
            continue
        url = path
        for parameter in operation.get("parameters", []):
            value = "1" if parameter["schema"].get("type") == "integer" else \
                "00000000-0000-4000-8000-000000000000"
            url = url.replace("{" + parameter["name"] + "}", value)
        assert getattr(Client(), method)(url).status_code == 401, (method, url)
        if operation["x-permission"] == "official":
            response = call(method, url, token)
            assert response.status_code in (401, 403), (method, url, response.status_code)


def test_a_declared_permission_without_authentication_fails_the_check(settings):
    """The check can fail: an API declaring OFFICIAL without auth, mounted in the URLconf."""
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "yagona.api.tests.careless_urls"
    clear_url_caches()
    try:
        problems = permission_problems()
    finally:
        clear_url_caches()
    assert problems == ["GET /careless/records: x-permission official but no authentication",
                        "GET /careless/open: x-permission public but an authentication",
                        "GET /careless/silent: no x-permission"]


def test_committed_openapi_documents_match_the_code():
    from django.core.management import call_command

    call_command("openapi", check=True)


@pytest.mark.django_db
def test_catalogue_is_public_and_paginated_by_cursor(country):
    response = call("get", "/api/v1/catalogue/services")
    assert response.status_code == 200
    body = response.json()
    assert [s["code"] for s in body["items"]] == ["birth-registration", "passport-issue",
                                                  "tax-clearance", "trade-licence"]
    assert body["next_cursor"] is None
    assert call("get", "/api/v1/catalogue/services/nope").status_code == 404
    hits = call("get", "/api/v1/catalogue/search?q=РОЖДЕНИЯ").json()
    assert hits[0]["code"] == "birth-registration"


@pytest.mark.django_db
def test_applying_through_the_api(tokens, people):
    token = tokens["citizen"]
    assert call("post", "/api/v1/applications", None, {"service": "x"}).status_code == 401
    response = call("post", "/api/v1/applications", token,
                    {"service": "birth-registration",
                     "answers": {"child_name": "Amir", "birth_date": "2099-01-01"}})
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and "past" in draft["errors"]["birth_date"]
    url = f"/api/v1/applications/{draft['id']}"
    response = call("patch", url, token, {"answers": {"birth_date": "2026-01-05", "sex": "f",
                                                      "hospital_birth": False}})
    assert response.json()["errors"] == {}
    response = Client().post(f"{url}/files/certificate", {"file": _pdf()},
                             HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    response = call("post", f"{url}/submit", token)
    assert response.status_code == 200
    number = response.json()["registration_number"]
    assert number.startswith("REG-")
    assert call("post", f"{url}/submit", token).json()["registration_number"] == number
    other = call("get", url, tokens["other"])
    assert other.status_code == 404
    assert other["Content-Type"] == "application/problem+json"


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yagona.testing.documents import plain_pdf

    return SimpleUploadedFile("c.pdf", plain_pdf(1), content_type="application/pdf")


@pytest.mark.django_db
def test_bad_input_gets_problem_json_naming_the_field(tokens):
    token = tokens["citizen"]
    response = call("post", "/api/v1/applications", token, "{not json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    response = call("post", "/api/v1/applications", token, {"service": 42, "answers": []})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"payload.service", "payload.answers"} <= fields or {"service", "answers"} <= fields
    response = call("post", "/api/v1/applications", token,
                    {"service": "birth-registration", "submit": True,
                     "answers": {"child_name": "Amir", "mother_id": "12345678"}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert "answers.mother_id" in fields and "answers.birth_date" in fields
    assert Application.objects.count() == 0  # nothing half-written
    response = call("post", "/api/v1/applications", token,
                    {"service": "birth-registration", "answers": {"is_admin": True}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "answers.is_admin"
    huge = json.dumps({"service": "birth-registration", "answers": {"x": "a" * 2_000_000}})
    response = call("post", "/api/v1/applications", token, huge)
    assert response.status_code == 413


@pytest.mark.django_db
def test_idempotency_key_gives_one_application(tokens):
    body = {"service": "tax-clearance", "answers": {"purpose": "For a bank loan"},
            "submit": True}
    first = call("post", "/api/v1/applications", tokens["citizen"], body,
                 {"Idempotency-Key": "abc-1"})
    again = call("post", "/api/v1/applications", tokens["citizen"], body,
                 {"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_officials_work_through_the_api(tokens):
    body = {"service": "tax-clearance", "answers": {"purpose": "For a bank loan"},
            "submit": True}
    created = call("post", "/api/v1/applications", tokens["citizen"], body).json()
    queue = call("get", "/api/v1/office/TAX/queue", tokens["tax_operator"]).json()
    assert [a["id"] for a in queue["items"]] == [created["id"]]
    assert call("get", "/api/v1/office/TAX/queue", tokens["operator"]).status_code == 404
    assert call("get", "/api/v1/office/TAX/queue", tokens["citizen"]).status_code == 401
    url = f"/api/v1/office/applications/{created['id']}"
    assert call("post", f"{url}/assign", tokens["tax_operator"], {}).status_code == 200
    response = Client().post(f"{url}/decision", {"approve": "true", "reason": "ok"},
                             HTTP_AUTHORIZATION=f"Bearer {tokens['tax_operator']}")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = call("post", f"{url}/request-info", tokens["tax_operator"], {"text": "more"})
    assert response.status_code == 409


@pytest.mark.django_db
def test_a_refused_create_leaves_nothing_behind(tokens, people, monkeypatch):
    """Issue 9, point 4: no empty draft after a 400, 422 or 500, in /api/v1 and GovStack."""
    from yagona.applications import applicant as apply
    from yagona.catalogue.models import Service
    from yagona.catalogue.queries import service_public_id
    from yagona.core.models import AuditEntry

    token, entries = tokens["citizen"], AuditEntry.objects.count()
    unknown = call("post", "/api/v1/applications", token,
                   {"service": "birth-registration", "answers": {"is_admin": True}})
    assert unknown.status_code == 400
    assert Application.objects.count() == 0
    # The refusal is audited (an audit entry, not a draft): who tried which fields where.
    [tampered] = AuditEntry.objects.filter(action="application.tampered")
    assert (tampered.actor, tampered.object_type, tampered.object_id) == (
        people["citizen"].username, "service", "birth-registration")
    assert tampered.summary["unknown_fields"] == ["is_admin"]
    assert AuditEntry.objects.count() == entries + 1
    invalid = call("post", "/api/v1/applications", token,
                   {"service": "birth-registration", "answers": ["child_name"]})
    assert invalid.status_code == 422
    assert Application.objects.count() == 0

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(apply, "save_answers", broken)
    failed = Client(raise_request_exception=False).post(
        "/api/v1/applications", json.dumps({"service": "birth-registration",
                                            "answers": {"child_name": "Amir"}}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert failed.status_code == 500
    assert Application.objects.count() == 0

    birth = Service.objects.get(code="birth-registration")
    url = f"/govstack/registration/services/{service_public_id(birth)}/applications"
    mediator = {"HTTP_INFORMATION_MEDIATOR_CLIENT": "XX/GOV/REG/portal",
                "HTTP_AUTHORIZATION": f"Bearer {token}"}
    for data in ({"is_admin": {"value": True}}, {"child_name": {"value": "Amir"}},
                 {"child_name": {"value": "Amir"}, "certificate": {"value": "nope"}}):
        body = {"applicantId": people["citizen"].username, "formData": {"data": data}}
        response = Client().post(url, body, content_type="application/json", **mediator)
        assert response.status_code in (400, 422), response.content
    assert Application.objects.count() == 0
    # GovStack's unknown field is audited too; nothing else of the refusals is.
    assert AuditEntry.objects.filter(action="application.tampered").count() == 2
    assert AuditEntry.objects.count() == entries + 2
