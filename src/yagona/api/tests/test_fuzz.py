"""Property-based requests generated from our own OpenAPI documents (schemathesis):
whatever a client sends, the API answers without a server error."""

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from yagona.wsgi import application

# Calls the WSGI application in-process: see conftest.keep_the_test_transaction.
pytestmark = pytest.mark.usefixtures("keep_the_test_transaction")

DOCS = Path(__file__).resolve().parents[4] / "docs" / "openapi"


def schema_of(name):
    """The committed document (kept equal to the code by the drift test), called in-process."""
    schema = schemathesis.openapi.from_dict(json.loads((DOCS / name).read_text()))
    schema.app = application
    return schema


v1 = schema_of("yagona-v1.json")
govstack = schema_of("govstack-registration.json")
registries = schema_of("govstack-registries.json")
FUZZ = settings(max_examples=15, deadline=None,
                suppress_health_check=list(HealthCheck), derandomize=True)


def no_server_error(case):
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    # schemathesis also probes methods an operation does not have (TRACE ...): ninja's
    # own plain 405 answers those.
    if response.status_code >= 400 and response.status_code != 405:
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = (headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/problem+json"), (
            case.method, case.path, response.status_code, content_type, response.text[:300])


@pytest.mark.django_db
@v1.parametrize()
@FUZZ
def test_v1_never_answers_with_a_server_error(case, country):
    no_server_error(case)


@pytest.mark.django_db
@govstack.parametrize()
@FUZZ
def test_govstack_never_answers_with_a_server_error(case, country):
    no_server_error(case)


@pytest.mark.django_db
@registries.parametrize()
@FUZZ
def test_govstack_registries_never_answer_with_a_server_error(case, country):
    no_server_error(case)
