"""Exchange nodes as real processes on loopback, talking HTTPS with mutual TLS
(the harness: node_harness.py).

The tax committee's node (TAX) queries the population register's node (VKD) and the
business register's node (BIZ). A test central authority serves the global
configuration; the providers' information systems are small HTTP servers, one of
them slow. The test also plays a rogue node (with TAX's own TLS key, to alter what
TAX signed or send it twice) and a rogue provider whose answers are badly signed.
"""

import base64
import datetime as dt
import json
import ssl
import uuid
from io import StringIO

import httpx
import pytest
from cryptography import x509
from django.core.management import CommandError, call_command

from yagona.core.audit import SYSTEM
from yagona.exchange import ca, globalconf, services
from yagona.exchange.node import signing
from yagona.exchange.tests.node_harness import (
    BODY_LIMIT,
    PATIENT,
    RELEASED,
    Member,
    Serving,
    call,
    central_authority,
    free_port,
    rogue_tax_node,
    signed_request,
    until,
)


@pytest.mark.django_db
def test_three_nodes_exchange_signed_logged_messages_and_refuse_the_rest(network):
    # Success, through two nodes, with the headers X-Road promises.
    answer = call(network, "/r1/XX/GOV/VKD/population/persons/persons/410012345",
                  headers={"X-Road-UserId": "TJ510000005", "X-Road-Id": str(uuid.uuid4())})
    assert answer.status_code == 200, answer.text
    assert answer.json()["surname"] == "Раҳимова"
    assert answer.headers["x-road-service"] == "XX/GOV/VKD/population/persons"
    assert answer.headers["x-road-client"] == "XX/GOV/TAX/taxes"
    assert answer.headers["x-road-request-hash"] and uuid.UUID(answer.headers["x-road-id"])
    method, path, seen = network["backend"].seen[-1]
    assert (method, path) == ("GET", "/persons/410012345")
    assert seen["x-road-client"] == "XX/GOV/TAX/taxes" and seen["x-road-userid"] == "TJ510000005"
    assert "x-road-signature" not in seen  # the provider system gets the message, not the envelope
    company = call(network, "/r1/XX/GOV/BIZ/companies/companies/companies/020000013")
    assert company.status_code == 200 and company.json()["name"] == "«Помир»"
    generated = call(network, "/r1/XX/GOV/VKD/population/persons/persons/410012345")
    assert generated.status_code == 200, generated.text
    assert uuid.UUID(generated.headers["x-road-id"])  # made by the node when absent

    # Metaservices, answered from the global configuration.
    listed = call(network, "/listClients").json()["member"]
    assert {"objectType": "APPLICATION", "instanceId": "XX", "memberClass": "GOV",
            "memberCode": "VKD", "applicationCode": "population"} in [c["id"] for c in listed]
    methods = call(network, "/r1/XX/GOV/VKD/population/listMethods").json()["member"]
    assert {m["serviceCode"] for m in methods} == {"persons", "slow", "gone", "huge",
                                                   "secret"}
    allowed = call(network, "/r1/XX/GOV/VKD/population/allowedMethods").json()["member"]
    assert "secret" not in {m["serviceCode"] for m in allowed}
    assert [e for m in allowed if m["serviceCode"] == "persons"
            for e in m["endpointList"]["member"]] == [{"method": "GET", "path": "/persons/{id}"}]
    openapi = call(network, "/r1/XX/GOV/VKD/population/getOpenAPI?serviceCode=persons")
    assert json.loads(openapi.json())["info"]["title"] == "Persons"  # a string, as the spec says

    # Refusals, each a JSON node error with X-Road-Error.
    def refused(response, status, kind):
        assert response.status_code == status, response.text
        assert response.headers["x-road-error"] == kind == response.json()["type"]
        assert response.json()["message"]

    refused(call(network, "/r1/XX/GOV/VKD/population/secret/x"), 403,
            "Server.ServerProxy.AccessDenied")
    refused(call(network, "/r1/XX/GOV/VKD/population/persons/persons", method="POST",
                 content=b"{}"), 403, "Server.ServerProxy.AccessDenied")
    refused(call(network, "/r1/XX/GOV/VKD/population/nothing/x"), 404,
            "Server.ClientProxy.UnknownService")
    refused(call(network, "/r1/XX/GOV/VKD/population/persons/x", client="not/an/id"), 400,
            "Client.InvalidClientIdentifier")
    refused(call(network, "/r1/XX/GOV/VKD/population/persons/x", client="XX/GOV/VKD/population"),
            403, "Client.ClientNotOwned")
    refused(call(network, "/r1/XX/GOV/VKD/../persons/x"), 400, "Client.InvalidServiceIdentifier")
    refused(call(network, "/r1/XX/GOV/VKD/population/persons/persons/1",
                 headers={"X-Road-Id": "not-a-uuid"}), 400, "Client.InvalidXRoadId")
    refused(call(network, "/r1/XX/GOV/VKD/population/persons/persons/1", method="POST",
                 content=b"x" * (BODY_LIMIT + 1)), 413, "Client.RequestTooLarge")

    # A provider system that is slow or down: a clear error, and no hang (the slow system
    # has not answered yet: the node answered without it).
    refused(call(network, "/r1/XX/GOV/VKD/population/slow/x"), 504,
            "Server.ServerProxy.ServiceTimeout")
    assert not RELEASED.is_set()
    refused(call(network, "/r1/XX/GOV/VKD/population/gone/x"), 502,
            "Server.ServerProxy.ServiceFailed")
    huge = call(network, "/r1/XX/GOV/VKD/population/huge/x")  # refused, not held in memory
    refused(huge, 502, "Server.ServerProxy.ServiceFailed")
    assert "more than this node passes on" in huge.json()["message"]

    # A rogue node: an altered signed request, the same request twice, no certificate.
    rogue = rogue_tax_node(network)
    url, headers = signed_request(network)
    assert rogue.get(url, headers=headers).status_code == 200
    refused(rogue.get(url, headers=headers), 409, "Server.ServerProxy.DuplicateId")
    url, headers = signed_request(network, xroad_id=str(uuid.uuid4()))
    refused(rogue.get(url.replace("410012345", "410099999"), headers=headers), 403,
            "Server.ServerProxy.InvalidSignature")
    with pytest.raises(httpx.HTTPError):  # mutual TLS: no certificate, no connection
        httpx.get(url, headers=headers, verify=ssl.create_default_context(
            cafile=str(network["tax"].folder / "root.pem")))

    # Every message is in both logs, hash-chained; an altered entry is caught.
    exchange_id = answer.headers["x-road-id"]
    tax_log, vkd_log = network["tax"].log(), network["vkd"].log()
    assert [(e["kind"], e["direction"]) for e in tax_log.exchange(exchange_id)] == [
        ("request", "out"), ("response", "in")]
    assert [(e["kind"], e["direction"]) for e in vkd_log.exchange(exchange_id)] == [
        ("request", "in"), ("response", "out")]
    sent = tax_log.exchange(exchange_id)[0]
    received = vkd_log.exchange(exchange_id)[0]
    assert sent["message"] == received["message"] and sent["signature"] == received["signature"]
    assert tax_log.verify_chain() == [] and vkd_log.verify_chain() == []
    out = StringIO()
    call_command("exchange", "verify", "--config", str(network["vkd"].config), "--id",
                 exchange_id, stdout=out)
    assert f"exchange {exchange_id} is proven" in out.getvalue()
    assert "signed by XX/GOV/TAX" in out.getvalue() and "signed by XX/GOV/VKD" in out.getvalue()
    vkd_log.db.execute("UPDATE entry SET body = ? WHERE xroad_id = ? AND kind = 'response'",
                       [b'{"surname": "Other"}', exchange_id])
    assert any("altered" in p for p in vkd_log.verify_chain())
    errors = StringIO()
    with pytest.raises(CommandError, match="NOT proven"):
        call_command("exchange", "verify", "--config", str(network["vkd"].config), "--id",
                     exchange_id, stdout=StringIO(), stderr=errors)
    assert "the body logged is not the body signed" in errors.getvalue()


@pytest.mark.django_db
def test_a_badly_signed_answer_is_refused_and_kept_as_evidence(network):
    """A provider node whose answers are not signed by its member's key."""
    folder = network["tax"].folder.parent / "ROGUE"
    folder.mkdir()
    member = services.register_member(SYSTEM, "GOV", "ROGUE", "Rogue provider")
    port = free_port()
    node = services.add_node(SYSTEM, member, "node1", f"https://127.0.0.1:{port}")
    keys = {}
    for kind in ("tls", "sign"):
        keys[kind] = ca.new_key()
        issued = services.approve(SYSTEM, services.submit_request(
            node, kind, ca.make_request(keys[kind], "rogue")).pk)
        (folder / f"{kind}.pem").write_text(issued.pem)
        (folder / f"{kind}.key").write_bytes(ca.key_pem(keys[kind]))
    subsystem = services.add_subsystem(SYSTEM, member, "data")
    taxes = network["tax"].member.subsystems.get(code="taxes")
    services.allow(SYSTEM, services.offer_service(SYSTEM, subsystem, "records", "", {}), taxes)
    network["central"]["document"] = globalconf.current()
    version = _version(network["central"]["document"])
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH,
                                     cafile=str(network["tax"].folder / "root.pem"))
    tls.load_cert_chain(str(folder / "tls.pem"), str(folder / "tls.key"))
    forger = signing.Signer(ca.key_pem(ca.new_key()),  # a key the configuration never saw
                            x509.load_pem_x509_certificate((folder / "sign.pem").read_bytes()))
    rogue = Serving(lambda m, p, b: (200, {"content-type": "application/json",
                                           "x-road-signature": forger.sign(b"{}"),
                                           "x-road-request-hash": "x"}, b'{"forged": true}'),
                    tls=tls, port=port)
    try:
        until(lambda: network["tax"].status()["configuration"]["version"] == version,
              "TAX's node holds the configuration that names ROGUE")
        answer = call(network, "/r1/XX/GOV/ROGUE/data/records/x",
                      headers={"X-Road-Id": (xroad_id := str(uuid.uuid4()))})
        assert answer.status_code == 502, answer.text
        assert answer.headers["x-road-error"] == "Server.ClientProxy.InvalidSignature"
        assert b"forged" not in answer.content
        kept = network["tax"].log().exchange(xroad_id)
        assert kept[-1]["kind"] == "response" and kept[-1]["body"] == b'{"forged": true}'
        network["vkd"].stop()  # a provider node that is down: a clear error, at once
        refused = call(network, "/r1/XX/GOV/VKD/population/persons/persons/410012345")
        assert refused.status_code == 502
        assert refused.headers["x-road-error"] == "Server.ClientProxy.NetworkError"
    finally:
        rogue.close()


def _content(document: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(document.split(".")[1] + "=="))


def _version(document: str) -> int:
    return _content(document)["version"]


@pytest.mark.django_db
def test_an_expired_configuration_stops_the_exchange(network):
    path = "/r1/XX/GOV/VKD/population/persons/persons/410012345"
    assert call(network, path).status_code == 200
    tax, long_lived = network["tax"], network["central"]["document"]
    body, served = _content(long_lived), []

    def short_lived() -> str:
        """A configuration valid for a few seconds from when a node asks for it, until
        the authority stops making new ones: then the last one, which expires."""
        if not served or not network["central"].get("frozen"):
            expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
            served.append(globalconf.sign({**body, "expires": expires.isoformat()}))
        return served[-1]

    network["central"]["document"] = short_lived
    until(lambda: tax.status()["configuration"]["expires"] != body["expires"],
          "TAX's node took a short-lived configuration")
    network["central"]["frozen"] = True  # the authority serves nothing newer
    stopped = until(lambda: tax.status()["problem"], "TAX's node stops")
    assert stopped["type"] == "Server.ClientProxy.OutdatedGlobalConf"
    answer = call(network, path)
    assert answer.status_code == 503
    assert answer.headers["x-road-error"] == "Server.ClientProxy.OutdatedGlobalConf"
    assert "expired" in answer.json()["detail"]
    network["central"]["document"] = long_lived  # a valid one again: exchanging again
    until(lambda: tax.status()["exchanging"] and network["vkd"].status()["exchanging"],
          "both nodes exchange again")
    assert call(network, path).status_code == 200


def _stamped(member: Member) -> bool:
    state = member.status()["timestamping"]
    return state["stamped"] == state["logged"]


@pytest.mark.django_db
@pytest.mark.parametrize("node_limits", [{"timestamp_failure_seconds": 2}])
def test_the_log_is_timestamped_and_a_failing_authority_stops_the_exchange(network):
    path = "/r1/XX/GOV/VKD/population/persons/persons/410012345"
    tax, vkd = network["tax"], network["vkd"]
    assert call(network, path).status_code == 200
    until(lambda: _stamped(tax) and _stamped(vkd), "both logs are stamped")
    anchor = x509.load_pem_x509_certificate((tax.folder / "root.pem").read_bytes())
    for member in (tax, vkd):
        log = member.log()
        position, _head = log.head_position()
        assert log.last_stamped() == position and log.verify_stamps(anchor) == []
    network["central"]["tsa"] = False  # the authority's TSA is down
    # Everything was stamped, so nothing has failed yet: it still exchanges.
    assert call(network, path).status_code == 200
    until(lambda: tax.status()["timestamping"]["failing_since"], "TAX's stamping fails")
    until(lambda: not tax.status()["exchanging"], "TAX's node stops after the limit")
    stopped = call(network, path)
    assert stopped.status_code == 503
    assert stopped.headers["x-road-error"] == "Server.ClientProxy.TimestampingFailed"
    assert "503" in stopped.json()["detail"]
    network["central"]["tsa"] = True
    until(lambda: tax.status()["exchanging"] and vkd.status()["exchanging"],
          "both nodes stamp again and exchange")
    assert call(network, path).status_code == 200  # stamped again: exchanging again
    log = tax.log()
    stamped = log.last_stamped()
    (head,) = log.db.execute("SELECT hash FROM entry WHERE position = ?", [stamped]).fetchone()
    log.db.execute("UPDATE entry SET hash = ? WHERE position = ?",
                   [("1" if head[0] == "0" else "0") + head[1:], stamped])
    assert any("no longer holds" in p for p in log.verify_stamps(anchor))


@pytest.mark.django_db(transaction=True)
def test_a_registry_is_read_through_the_exchange_and_the_read_is_recorded(
        country, live_server, tmp_path, monkeypatch):
    from yagona.agencies.models import Agency
    from yagona.conftest import make_person_id
    from yagona.core.audit import AuditEntry
    from yagona.registries import queries as registry_queries
    from yagona.registries import services as registries
    from yagona.registries.tests.test_records import person

    central, authority = central_authority()
    url = f"http://127.0.0.1:{authority.port}"
    reg, tax_agency = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    # Django's test server is slow to answer on a busy machine; hop timeouts are not
    # what this test is about.
    keeper = Member(tmp_path, "REG", url, {
        "registries/population": f"{live_server.url}/exchange/provider/population"},
        agency=reg, timeout_seconds=PATIENT)
    tax = Member(tmp_path, "TAX", url, {}, agency=tax_agency, timeout_seconds=PATIENT)
    offered = {s.code: s for s in services.offer_registries(SYSTEM)}
    taxes = services.add_subsystem(SYSTEM, tax.member, "services")
    services.allow(SYSTEM, offered["population"], taxes, "GET", "/records")
    registries.give_grant(SYSTEM, "population", "TAX", ["person_id", "surname"], False)
    registries.create(SYSTEM, "population", person(1))
    central["document"] = globalconf.current()
    try:
        for m in (keeper, tax):
            m.start()
        for m in (keeper, tax):
            m.wait()
        answer = httpx.get(
            f"{tax.client}/r1/XX/GOV/REG/registries/population/records",
            params={"field": "person_id", "value": make_person_id(1)},
            headers={"X-Road-Client": "XX/GOV/TAX/services", "X-Road-UserId": "XX510000005",
                     "X-Road-Issue": "TAX-2026-000123"}, timeout=PATIENT + 5)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"person_id": make_person_id(1), "surname": "Раҳимова"}
        missing = httpx.get(f"{tax.client}/r1/XX/GOV/REG/registries/population/records",
                            params={"field": "person_id", "value": make_person_id(2)},
                            headers={"X-Road-Client": "XX/GOV/TAX/services"},
                            timeout=PATIENT + 5)
        assert missing.status_code == 404 and "x-road-error" not in missing.headers
        assert missing.json()["detail"]  # the registry's own answer, passed on as it is
        # The platform's own case handling for the tax service, through its node:
        from yagona.exchange import client
        from yagona.registries.models import Registry

        monkeypatch.setattr(client, "TIMEOUT_SECONDS", PATIENT + 5)
        tax.node.client_url = tax.client
        tax.node.save()
        population = Registry.objects.get(code="population")
        assert client.read_registry(tax_agency, population, "person_id", make_person_id(1),
                                    issue="TAX-2026-000124", fields=["surname"]) == {
            "surname": "Раҳимова"}  # what was asked for, no more
        assert client.read_registry(tax_agency, population, "person_id",
                                    make_person_id(2)) is None
        reading = client.read(tax_agency, population, "person_id", make_person_id(1),
                              fields=["surname"])
        assert reading.status == "found" and reading.at is not None
        assert tax.log().exchange(reading.xroad_id)  # its id names it in the node's log
        assert client.read(tax_agency, population, "person_id",
                           make_person_id(2)).status == "absent"
    finally:
        for m in (keeper, tax):
            m.stop()
        authority.close()
    assert client.read(tax_agency, population, "person_id",  # the node is down
                       make_person_id(1)).status == "unavailable"
    read = AuditEntry.objects.filter(action="registry.record_read").earliest("pk")
    assert read.actor == "XX/GOV/TAX/services" and read.agency == "TAX"
    assert read.summary["user"] == "XX510000005" and read.summary["purpose"] == "TAX-2026-000123"
    assert read.summary["fields"] == ["person_id", "surname"]
    _record, reads = registry_queries.reads_of(make_person_id(1), "population")
    assert [(r.summary["purpose"], r.summary["fields"]) for r in reads] == [
        ("", ["surname"]),  # what myPersonalDataUsage tells the person, newest first
        ("TAX-2026-000124", ["surname"]), ("TAX-2026-000123", ["person_id", "surname"])]
    from django.test import Client

    direct = Client().get("/exchange/provider/population/records",
                          {"field": "person_id", "value": make_person_id(1)},
                          HTTP_X_ROAD_CLIENT="XX/GOV/TAX/services")
    assert direct.status_code == 401  # only an exchange node of the platform may ask
