"""The nodes' network for the tests of several modules: TAX, VKD and BIZ, each with its
node, a test central authority and the providers' information systems
(node_harness.py)."""

import pytest

from yagona.core.audit import SYSTEM
from yagona.exchange import globalconf, services
from yagona.exchange.tests.node_harness import (
    PATIENT,
    RELEASED,
    Member,
    Serving,
    central_authority,
    closed_port,
    systems,
)


@pytest.fixture
def node_limits() -> dict:
    """Limits of the nodes beyond the harness's own; a test that needs others
    parametrizes this fixture."""
    return {}


@pytest.fixture
def network(country, tmp_path, node_limits):
    RELEASED.clear()
    backend = Serving(systems)
    gone = closed_port()
    down = gone.getsockname()[1]
    central, authority = central_authority()
    url = f"http://127.0.0.1:{authority.port}"
    system = f"http://127.0.0.1:{backend.port}"
    # TAX waits long for VKD's node: VKD's timeout for its slow system (TIMEOUT) must
    # come back as VKD's clear error, not race TAX's own timer on a busy machine.
    tax = Member(tmp_path, "TAX", url, {}, **{"timeout_seconds": PATIENT, **node_limits})
    vkd = Member(tmp_path, "VKD", url, {"population/persons": system,
                                        "population/slow": f"{system}/slow",
                                        "population/huge": f"{system}/huge",
                                        "population/gone": f"http://127.0.0.1:{down}"},
                 **node_limits)
    biz = Member(tmp_path, "BIZ", url, {"companies/companies": system}, **node_limits)
    taxes = services.add_subsystem(SYSTEM, tax.member, "taxes", "Tax accounts")
    population = services.add_subsystem(SYSTEM, vkd.member, "population", "Population")
    companies = services.add_subsystem(SYSTEM, biz.member, "companies", "Companies")
    persons = services.offer_service(SYSTEM, population, "persons", "Persons", {
        "openapi": "3.0.3", "info": {"title": "Persons", "version": "1"},
        "paths": {"/persons/{id}": {"get": {}}, "/persons": {"post": {}}}})
    for code in ("slow", "gone", "huge"):
        services.allow(SYSTEM, services.offer_service(SYSTEM, population, code, code, {}),
                       taxes)
    services.offer_service(SYSTEM, population, "secret", "Not for the tax committee", {
        "paths": {"/x": {"get": {}}}})
    services.allow(SYSTEM, persons, taxes, "GET", "/persons/*")
    services.allow(SYSTEM, services.offer_service(SYSTEM, companies, "companies", "Companies",
                                                  {"paths": {"/companies/{id}": {"get": {}}}}),
                   taxes)
    central["document"] = globalconf.current()
    members = {"tax": tax, "vkd": vkd, "biz": biz}
    try:
        for m in members.values():
            m.start()
        for m in members.values():
            m.wait()
        yield {**members, "central": central, "backend": backend, "url": url}
    finally:
        for m in members.values():
            m.stop()
        RELEASED.set()
        backend.close()
        authority.close()
        gone.close()
