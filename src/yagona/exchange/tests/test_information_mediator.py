"""The exchange nodes against the GovStack Information Mediator directory services spec,
read from the vendored file (docs/specs/govstack/information-mediator/): what getOpenAPI
answers and refuses, and the spec's client header. Real nodes on loopback, the network
of conftest.py (TAX calls VKD and BIZ)."""

import re
from pathlib import Path

import httpx
import pytest
import yaml
from django.conf import settings
from jsonschema import Draft202012Validator

from yagona.exchange.models import ExchangeService
from yagona.exchange.tests.node_harness import PATIENT, call, rogue_tax_node, signed_request

SPEC = yaml.safe_load((Path(settings.PROJECT_DIR) / "docs" / "specs" / "govstack" /
                       "information-mediator" / "GovStack_IM_Directory_Services_API.yaml")
                      .read_text())
TAXES = "XX/GOV/TAX/taxes"


def resolved(item: dict) -> dict:
    if "$ref" not in item:
        return item
    _hash, _components, kind, name = item["$ref"].split("/")
    return SPEC["components"][kind][name]


def operation(operation_id: str) -> tuple[str, dict, list[dict]]:
    """(path, operation, its parameters and its path's) of the operation the spec names so."""
    for path, item in SPEC["paths"].items():
        for method, found in item.items():
            if method != "parameters" and found["operationId"] == operation_id:
                return path, found, [resolved(p) for p in item.get("parameters", []) +
                                     found.get("parameters", [])]
    raise LookupError(operation_id)


def address(path: str, subsystem: str = "XX/GOV/VKD/population") -> str:
    """The spec's path with a subsystem's identifier, part by part, in its placeholders."""
    parts = iter(subsystem.split("/"))
    filled = re.sub(r"\{\w+\}", lambda _placeholder: next(parts), path)
    assert next(parts, None) is None and "{" not in filled
    return filled


def client_header() -> str:
    """The header that names the client in the spec's operations."""
    (header,) = {p["name"] for p in operation("allowedMethods")[2] if p["in"] == "header"}
    return header


@pytest.mark.django_db
def test_get_openapi_answers_a_string_and_any_fault_of_its_service_code_is_400(network):
    path, spec, parameters = operation("getOpenAPI")
    (code,) = [p["name"] for p in parameters if p["in"] == "query" and p["required"]]
    (header,) = [p["name"] for p in parameters if p["in"] == "header" and p["required"]]
    url = network["tax"].client + address(path)
    ask = {header: TAXES}
    document = ExchangeService.objects.get(code="persons").openapi

    # Each media type the spec gives the 200 answer, chosen by Accept: its schema (a
    # string) holds the body, and the string is the service's description.
    answers = spec["responses"]["200"]["content"]
    assert len(answers) > 1
    for media, content in answers.items():
        answer = httpx.get(url, params={code: "persons"}, headers={**ask, "Accept": media},
                           timeout=PATIENT)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == media
        body = answer.json() if media.endswith("json") else answer.text
        assert list(Draft202012Validator(content["schema"]).iter_errors(body)) == []
        assert yaml.safe_load(body) == document  # YAML reads JSON text as well
    first, second = list(answers)
    for accept, media in [("", first), ("*/*", first), (f"{second};q=0.5, {first}", first),
                          (f"{first};q=0.1, {second}", second),
                          (second.split("/")[0] + "/*", second)]:
        answer = httpx.get(url, params={code: "persons"},
                           headers={**ask, "Accept": accept}, timeout=PATIENT)
        assert answer.headers["content-type"].split(";")[0] == media, accept

    # A missing, empty, repeated, malformed or unknown service code: 400, the spec's
    # error in the request, with X-Road's error type and a message.
    assert "400" in spec["responses"] and "404" not in spec["responses"]
    for query in ["", f"{code}=", f"{code.lower()}=persons", f"{code}=persons&{code}=persons",
                  f"{code}=persons/x", f"{code}=..", f"{code}=%00", f"{code}=%FF",
                  f"{code}=" + "p" * 65, f"{code}=nothing", f"{code}=companies"]:
        refused = httpx.get(f"{url}?{query}", headers=ask, timeout=PATIENT)
        assert refused.status_code == 400, (query, refused.text)
        assert refused.headers["x-road-error"] == refused.json()["type"] == \
            "Client.InvalidServiceCode"
        assert refused.json()["message"], query
    elsewhere = network["tax"].client + address(path, "XX/GOV/NOPE/nothing")
    assert httpx.get(elsewhere, params={code: "persons"}, headers=ask,
                     timeout=PATIENT).status_code == 400


@pytest.mark.django_db
def test_the_govstack_client_header_stands_for_x_road_client(network):
    header = client_header()
    service = "/r1/XX/GOV/VKD/population/persons/persons/410012345"
    backend = network["backend"]

    # The spec's header alone: the call goes through, and the answer and the provider's
    # system name the client under both names; every header the spec names is answered.
    answer = httpx.get(network["tax"].client + service, headers={header: TAXES},
                       timeout=PATIENT)
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-road-client"] == answer.headers[header] == TAXES
    named = {resolved(p)["name"] for item in SPEC["paths"].values()
             for p in item.get("parameters", []) if resolved(p)["in"] == "header"}
    named |= {h for item in SPEC["paths"].values() for method, spec in item.items()
              if method != "parameters" for r in spec["responses"].values()
              for h in r.get("headers", {})}
    assert named and {n.lower() for n in named} <= {n.lower() for n in answer.headers}
    _method, _path, seen = backend.seen[-1]
    assert seen["x-road-client"] == seen[header.lower()] == TAXES
    entries = network["vkd"].log().exchange(answer.headers["x-road-id"])
    assert {e["client"] for e in entries} == {TAXES}
    assert call(network, service, headers={header: TAXES}).status_code == 200  # both, alike

    allowed = address(operation("allowedMethods")[0])
    by_govstack = httpx.get(network["tax"].client + allowed, headers={header: TAXES},
                            timeout=PATIENT)
    assert by_govstack.status_code == 200
    assert by_govstack.json() == call(network, allowed).json()
    assert "secret" not in {m["serviceCode"] for m in by_govstack.json()["member"]}
    malformed = httpx.get(network["tax"].client + service, headers={header: "not/an/id"},
                          timeout=PATIENT)
    assert malformed.status_code == 400
    assert malformed.headers["x-road-error"] == "Client.InvalidClientIdentifier"

    # Two different clients: 400 wherever the node is asked, and nothing goes out.
    calls, logged = len(backend.seen), network["tax"].log().head_position()
    for path in [service, allowed, "/listClients",
                 address(operation("getOpenAPI")[0]) + "?serviceCode=persons"]:
        refused = call(network, path, headers={header: "XX/GOV/TAX/other"})
        assert refused.status_code == 400, (path, refused.text)
        assert refused.headers["x-road-error"] == "Client.InvalidClientIdentifier"
        assert "X-Road-Client" in refused.json()["message"]
        assert header in refused.json()["message"]
    assert len(backend.seen) == calls and network["tax"].log().head_position() == logged
    # One header twice with two values is as ambiguous: refused, never the last one taken.
    twice = httpx.get(network["tax"].client + service, timeout=PATIENT, headers=[
        ("X-Road-Client", TAXES), ("X-Road-Client", "XX/GOV/TAX/other")])
    assert twice.status_code == 400 and twice.headers["x-road-error"] == "Client.InvalidRequest"
    assert "x-road-client" in twice.json()["message"]
    same_twice = httpx.get(network["tax"].client + service, timeout=PATIENT,
                           headers=[("X-Road-Client", TAXES), ("X-Road-Client", TAXES)])
    assert same_twice.status_code == 200
    assert len(backend.seen) == calls + 1

    # Between nodes too: the provider's node takes the spec's header, and refuses two.
    rogue = rogue_tax_node(network)
    url, headers = signed_request(network)
    headers[header] = headers.pop("X-Road-Client")
    assert rogue.get(url, headers=headers).status_code == 200
    url, headers = signed_request(network)
    refused = rogue.get(url, headers={**headers, header: "XX/GOV/TAX/other"})
    assert refused.status_code == 400
    assert refused.headers["x-road-error"] == "Client.InvalidClientIdentifier"


def test_the_directory_answers_reads_of_this_instance_only(network):
    """The directory services are GETs of this exchange's instance (no federation)."""
    assert all(set(item) - {"parameters"} == {"get"} for item in SPEC["paths"].values())
    listed = operation("listClients")[0]
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        refused = httpx.request(method, network["tax"].client + listed, timeout=PATIENT)
        assert refused.status_code == 405, method
        assert refused.headers["x-road-error"] == "Client.MethodNotAllowed"
    allowed = address(operation("allowedMethods")[0])
    assert call(network, allowed, method="POST").status_code == 405
    assert httpx.get(network["tax"].client + listed + "?instanceId=XX",
                     timeout=PATIENT).status_code == 200
    other = httpx.get(network["tax"].client + listed + "?instanceId=EE", timeout=PATIENT)
    assert other.status_code == 400 and "federated" in other.json()["message"]
