"""Property-based requests generated from the GovStack Information Mediator directory
services spec itself (the vendored file, not a document of ours), sent over real HTTP to
the TAX node's client side in the network of conftest.py: no answer is a server error,
and an answer with a status the spec documents has the body the spec describes there
(schemathesis's `not_a_server_error` and `response_schema_conformance`; the spec documents
only 200, 400 and 500, so a refusal it does not list, as 403 or 404, is no failure).

The spec is loaded as is: it has no servers entry and its paths are the node's own, so the
node's client address is its base URL, and its $refs all resolve. Fixed in every case, from
the network rather than guessed: the path parts naming the provider subsystem (VKD's, with
a system behind its node), the service code of the service VKD's node serves there, and the
client header naming TAX's subsystem, so that the generated requests reach the directory
instead of stopping at a malformed or unknown identifier. The network is started once: the
schema comes from a fixture (schemathesis.pytest.from_fixture), and every operation runs as
a subtest of the one test.
"""

import re

import pytest
import schemathesis
import yaml
from django.conf import settings
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from yagona.exchange.tests.node_harness import PATIENT

SPEC = (settings.PROJECT_DIR / "docs" / "specs" / "govstack" / "information-mediator"
        / "GovStack_IM_Directory_Services_API.yaml")
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def directory(network) -> schemathesis.schemas.BaseSchema:
    """The spec, called at the TAX node's client address, with the parameters that name
    something fixed to what the network has."""
    raw = yaml.safe_load(SPEC.read_text())
    vkd = network["vkd"]
    (subsystem,) = vkd.member.subsystems.all()  # the provider: VKD's one subsystem
    (client,) = network["tax"].member.subsystems.all()  # the caller: TAX's one subsystem
    # The service: one VKD's node serves (its configuration maps "subsystem/service" to
    # the provider's system) with a described path, so that getOpenAPI answers a document.
    served = yaml.safe_load(vkd.config.read_text())["services"]
    (service,) = [s.code for s in subsystem.services.all()
                  if f"{subsystem.code}/{s.code}" in served and s.openapi.get("paths")]
    # The spec's own names: the placeholders of its /r1/ paths, one per part of the
    # provider's identifier, the client header, and getOpenAPI's required query parameter.
    (placeholders,) = {tuple(re.findall(r"\{(\w+)\}", path)) for path in raw["paths"]
                       if path.startswith("/r1/")}
    fixed = {f"path.{name}": part for name, part in
             zip(placeholders, str(subsystem.identifier).split("/"), strict=True)}
    (header,) = [p["name"] for p in raw["components"]["parameters"].values()
                 if p["in"] == "header"]
    (code,) = [p["name"] for item in raw["paths"].values() for operation in item.values()
               if isinstance(operation, dict) for p in operation.get("parameters", [])
               if p.get("in") == "query" and p.get("required")]
    schema = schemathesis.openapi.from_dict(raw)
    schema.config.update(base_url=network["tax"].client, request_timeout=PATIENT, parameters={
        **fixed, f"query.{code}": service, f"header.{header}": str(client.identifier)})
    return schema


schema = schemathesis.pytest.from_fixture("directory")


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=12, deadline=None, derandomize=True)
def test_directory_services_spec(case):
    case.call_and_validate(checks=CHECKS)
