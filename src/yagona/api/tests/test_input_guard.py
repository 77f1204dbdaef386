"""NUL and lone surrogates are refused with 400 everywhere (issue 9, point 1).

A property test over every operation of every mounted API: the bad text goes into a
path parameter, a query parameter, a header or the body (a value or a key, nested or
not), sent with a valid official's token so that, without the gate, it would reach the
view. The answer is a 4xx problem document and nothing is stored.
"""

import json
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.accounts import services as accounts
from yagona.api.tests.routes import all_operations
from yagona.applications import services as apply
from yagona.applications.models import Application, Attachment
from yagona.catalogue import queries as catalogue
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry
from yagona.testing.tokens import api_token

OPERATIONS = {f"{method.upper()} {path}": (method, path, operation, schema)
              for method, path, operation, schema in all_operations()}
NUL = ["\x00", "a\x00", "\x00b"]
SURROGATES = ["\ud800", "a\udfff", "\udc80z", "x\ud83d"]
MEDIATOR = "XX/GOV/REG/portal"


def bad(options):
    return st.builds(lambda pre, core, post: pre + core + post,
                     st.text("abcé ё", max_size=3), st.sampled_from(options),
                     st.text("xyz", max_size=3))


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def plain(schema, node):
    """A harmless value of a property's type."""
    node = resolve(schema, node)
    kinds = [node.get("type")] + [resolve(schema, n).get("type") for n in node.get("anyOf", [])]
    if node.get("format") == "uuid" or any(resolve(schema, n).get("format") == "uuid"
                                           for n in node.get("anyOf", [])):
        return "00000000-0000-4000-8000-000000000000"
    for kind, value in (("string", "x"), ("boolean", False), ("integer", 1),
                        ("object", {}), ("array", [])):
        if kind in kinds:
            return value
    return "x"


def poisoned(value, text, as_key):
    """The bad text as (or inside) a property's value, or as a key of a nested object."""
    if as_key:
        return {text: "x"}
    if isinstance(value, dict):
        return {"child_name": text}
    if isinstance(value, list):
        return [text]
    return text


@pytest.fixture
def official_token(people):
    return api_token(people["operator"])


def stored():
    return (Application.objects.count(), Attachment.objects.count(),
            AuditEntry.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OPERATIONS))
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_nul_and_lone_surrogates_are_refused_everywhere(name, data, official_token, country):
    method, path, operation, schema = OPERATIONS[name]
    params = operation.get("parameters", [])
    body = operation.get("requestBody", {}).get("content", {})
    places = sorted({p["in"] for p in params} | {"query"} | ({"body"} if body else set()))
    place = data.draw(st.sampled_from(places), label="place")
    json_body = "application/json" in body
    text = data.draw(bad(NUL + SURROGATES if place == "body" and json_body else NUL),
                     label="text")
    values = {p["name"]: plain(schema, p.get("schema", {})) for p in params}
    values["Information-Mediator-Client"] = MEDIATOR
    targets = [p["name"] for p in params if p["in"] == place]
    if targets:
        values[data.draw(st.sampled_from(targets), label="param")] = text
    url = path
    for p in params:
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", quote(str(values[p["name"]]), safe=""))
    query = {p["name"]: values[p["name"]] for p in params if p["in"] == "query"}
    if place == "query" and not targets:
        query["extra"] = text  # a parameter the operation does not know
    if query:
        url += "?" + urlencode(query)
    headers = {f"HTTP_{p['name'].upper().replace('-', '_')}": values[p["name"]]
               for p in params if p["in"] == "header"}
    headers["HTTP_AUTHORIZATION"] = f"Bearer {official_token}"
    kwargs = {}
    if body:
        media = "application/json" if json_body else next(iter(body))
        properties = resolve(schema, body[media]["schema"]).get("properties", {})
        payload = {name: plain(schema, node) for name, node in properties.items()
                   if resolve(schema, node).get("format") != "binary"}
        if "service" in payload:
            payload["service"] = "birth-registration"
        if place == "body":
            name = data.draw(st.sampled_from(sorted(payload) or ["extra"]), label="field")
            as_key = json_body and data.draw(st.booleans(), label="as key")
            payload[name] = poisoned(payload.get(name), text, as_key)
        if json_body:
            kwargs = {"data": json.dumps(payload), "content_type": "application/json"}
        else:
            kwargs = {"data": payload}  # multipart form fields
    before = stored()
    response = getattr(Client(), method)(url, **kwargs, **headers)
    assert response.status_code == 400, (method, url, response.status_code,
                                         response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    assert stored() == before


@pytest.mark.django_db
def test_anonymous_nul_in_a_path_is_400_on_any_database(country):
    response = Client().get("/api/v1/catalogue/services/a%00")
    assert response.status_code == 400
    assert response.json()["title"] == "Text not allowed"
    assert Client().get("/api/v1/catalogue/search?q=%00").status_code == 400
    unknown = Client().get("/api/v1/no-such-thing%00")  # under the API, matching nothing
    assert unknown.status_code == 400
    assert unknown["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_a_surrogate_encoded_as_utf8_bytes_is_refused_too(people):
    token = accounts.issue_api_token(SYSTEM, people["citizen"], "t")
    body = b'{"service": "birth-registration", "answers": {"child_name": "\xed\xa0\x80"}}'
    response = Client().post("/api/v1/applications", body, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_pages_and_forms_with_nul_are_400_not_500(people):
    client = Client(raise_request_exception=False)
    assert client.get("/services/a%00/").status_code == 400
    assert client.get("/search?q=%00").status_code == 400
    response = client.post("/accounts/login/", {"login": "a\x00", "password": "x"})
    assert response.status_code == 400
    assert client.get("/", HTTP_COOKIE="sessionid=abcdefgh\x00ijk").status_code == 400
    client.force_login(people["citizen"])
    draft = apply.start(people["citizen"], catalogue.service_by_code("birth-registration"))
    response = client.post(f"/applications/{draft.uuid}/page/child/",
                           {"child_name": "Amir\x00", "birth_date": "2026-01-05"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {}
