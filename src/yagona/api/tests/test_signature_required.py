"""A service whose applicant signs (``signature: required``) is never submitted through
an API: the applicant's signature is confirmed with their own second factor on the
portal's signing page, so /api/v1 and GovStack answer 422 problem+json and say where to
sign; a draft opened through the API stays a draft, nothing is created otherwise."""

import pytest
from django.test import Client

from yagona.api.tests.test_govstack import BASE, MEDIATOR
from yagona.api.tests.test_v1 import call
from yagona.applications.models import Application
from yagona.catalogue.models import Service
from yagona.catalogue.queries import service_public_id
from yagona.testing.tokens import api_token


def _refused(response, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "The application must be signed" and body["signature_required"]
    assert "Sign and submit the application in the portal" in body["detail"]
    return body


@pytest.mark.django_db
def test_v1_refuses_to_submit_and_names_the_portal_page(people):
    token = api_token(people["citizen"])
    service = call("get", "/api/v1/catalogue/services/trade-licence").json()
    assert service["signature_required"] is True
    assert call("get", "/api/v1/catalogue/services/tax-clearance").json()[
        "signature_required"] is False
    before = Application.objects.count()
    _refused(call("post", "/api/v1/applications", token,
                  {"service": "trade-licence", "answers": {"activity": "Tea"}, "submit": True}))
    assert Application.objects.count() == before  # nothing kept
    made = call("post", "/api/v1/applications", token,
                {"service": "trade-licence", "answers": {"activity": "Tea"}})
    assert made.status_code == 201
    uuid = made.json()["id"]
    body = _refused(call("post", f"/api/v1/applications/{uuid}/submit", token))
    assert body["sign_at"] == f"/applications/{uuid}/check/" and body["sign_at"] in body["detail"]
    assert Application.objects.get(uuid=uuid).status == "draft"


@pytest.mark.django_db
def test_govstack_refuses_to_submit(people):
    service = Service.objects.get(code="trade-licence")
    before = Application.objects.count()
    answer = Client().post(
        f"{BASE}/services/{service_public_id(service)}/applications",
        {"applicantId": people["citizen"].username, "formData": {"data": {"activity": "Tea"}}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token(people['citizen'])}", **MEDIATOR)
    _refused(answer, status=400)  # the GovStack spec's code for a request refused
    assert Application.objects.count() == before
