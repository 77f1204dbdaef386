"""Huge numbers in query and path parameters are refused with 4xx, never 500 (issue 9,
point 10): every integer parameter of every mounted API, as found by the resolver walk."""

import pytest
from django.test import Client

from yagona.api.tests.routes import all_operations
from yagona.testing.tokens import api_token

HUGE = [10**30, 2**63, 2**63 - 1, -(2**63) - 1, -(10**30)]
MEDIATOR = "XX/GOV/REG/portal"


def integer_parameters():
    for method, path, operation, _schema in all_operations():
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
            if "integer" in kinds and parameter["in"] in ("query", "path"):
                yield method, path, parameter["name"], parameter["in"], operation


PARAMETERS = list(integer_parameters())


def test_the_walk_finds_the_paging_parameters():
    names = {(path, name) for _m, path, name, _in, _o in PARAMETERS}
    assert ("/govstack/registration/applications", "firstResult") in names
    assert ("/govstack/registration/tasks", "firstResult") in names


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "name", "place", "operation"), PARAMETERS,
                         ids=[f"{m.upper()} {p} {n}" for m, p, n, _i, _o in PARAMETERS])
def test_huge_integers_are_4xx(method, path, name, place, operation, people):
    token = api_token(people["operator"])
    client = Client(raise_request_exception=False)
    for number in HUGE:
        url = path.replace("{" + name + "}", str(number)) if place == "path" else path
        for other in operation.get("parameters", []):
            if other["in"] == "path":
                url = url.replace("{" + other["name"] + "}", "x")
        data = {name: number} if place == "query" else {}
        response = getattr(client, method)(url, data, HTTP_AUTHORIZATION=f"Bearer {token}",
                                           HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
        assert response.status_code < 500, (method, url, name, number, response.status_code)
        if name == "firstResult" and number > 0:
            assert 400 <= response.status_code < 500, (url, number, response.status_code)


@pytest.mark.django_db
def test_reasonable_paging_still_works(people):
    token = api_token(people["operator"])
    for url in ("/govstack/registration/applications", "/govstack/registration/tasks"):
        response = Client().get(url, {"firstResult": 0, "maxResult": 500},
                                HTTP_AUTHORIZATION=f"Bearer {token}",
                                HTTP_INFORMATION_MEDIATOR_CLIENT=MEDIATOR)
        assert response.status_code == 200, response.content
