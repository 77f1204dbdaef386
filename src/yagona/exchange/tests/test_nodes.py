"""Exchange nodes as real processes on loopback, talking HTTPS with mutual TLS.

The tax committee's node (TAX) queries the population register's node (VKD) and the
business register's node (BIZ). A test central authority serves the global
configuration; the providers' information systems are small HTTP servers, one of
them slow. The test also plays a rogue node (with TAX's own TLS key, to alter what
TAX signed or send it twice) and a rogue provider whose answers are badly signed.
"""

import base64
import contextlib
import datetime as dt
import json
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509
from django.core.management import CommandError, call_command

from yagona.core.audit import SYSTEM
from yagona.exchange import ca, globalconf, services, tsa
from yagona.exchange.node import signing
from yagona.exchange.node.messagelog import MessageLog

TIMEOUT = 2  # seconds a node waits for the next hop
BODY_LIMIT = 64 * 1024


_GIVEN: set[int] = set()


def free_port() -> int:
    """A port nobody listens on, never the same one twice in a run (a node started later
    must not land on a port another test part still counts on)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _GIVEN:
            _GIVEN.add(port)
            return port


def closed_port() -> socket.socket:
    """A socket bound and never listening: connections to its port are refused, and no
    one else can take the port meanwhile (the provider system that is down)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s


class Serving:
    """An HTTP(S) server in a thread, answering with ``handler(method, path, body)``."""

    def __init__(self, handler, tls: ssl.SSLContext | None = None, port: int = 0):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.seen.append((self.command, self.path,
                                   {k.lower(): v for k, v in self.headers.items()}))
                status, headers, out = handler(self.command, self.path, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(out)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(out)  # the slow system: its caller gave up

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.seen = []
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def systems(method, path, body):
    """The providers' information systems: persons and companies by ID, and a slow one."""
    if path.startswith("/slow"):
        time.sleep(TIMEOUT + 2)
    if path.startswith("/huge"):  # more than a node passes on
        return 200, {"content-type": "application/octet-stream"}, b"x" * (BODY_LIMIT + 1)
    found = {"/persons/410012345": {"person_id": "410012345", "surname": "Раҳимова"},
             "/companies/020000013": {"business_id": "020000013", "name": "«Помир»"}}
    if path.split("?")[0] in found:
        return 200, {"content-type": "application/json"}, json.dumps(
            found[path.split("?")[0]], ensure_ascii=False).encode()
    return 404, {"content-type": "application/json"}, b'{"detail": "not found"}'


class Member:
    """A member with a node: keys and certificates on disk, a node configuration."""

    def __init__(self, folder: Path, code: str, central: str, backends: dict[str, str],
                 agency=None):
        self.folder = folder / code
        self.folder.mkdir(parents=True)
        self.client_port, self.peer_port = free_port(), free_port()
        self.member = services.register_member(SYSTEM, "GOV", code, f"Agency {code}",
                                               agency=agency)
        self.node = services.add_node(SYSTEM, self.member, "node1",
                                      f"https://127.0.0.1:{self.peer_port}")
        token = services.issue_system_token(SYSTEM, self.node) if agency else ""
        self.keys = {}
        for kind in ("tls", "sign"):
            key = ca.new_key()
            request = services.submit_request(self.node, kind, ca.make_request(key, code))
            issued = services.approve(SYSTEM, request.pk)
            (self.folder / f"{kind}.key").write_bytes(ca.key_pem(key))
            (self.folder / f"{kind}.pem").write_text(issued.pem)
            self.keys[kind] = key
        (self.folder / "root.pem").write_text(ca.Authority().root.certificate_pem)
        self.config = self.folder / "node.yaml"
        self.config.write_text(yaml.safe_dump({
            "member": str(self.member.identifier), "name": "node1",
            "client_listen": f"127.0.0.1:{self.client_port}",
            "peer_listen": f"127.0.0.1:{self.peer_port}", "central": central,
            "anchor": "root.pem", "tls_key": "tls.key", "tls_certificate": "tls.pem",
            "sign_key": "sign.key", "sign_certificate": "sign.pem", "log": "messages.sqlite3",
            "services": backends, "system_token": token,
            "limits": {"timeout_seconds": TIMEOUT, "body_bytes": BODY_LIMIT,
                       "conf_refresh_seconds": 1, "timestamp_interval_seconds": 0.5,
                       "timestamp_failure_seconds": 2}}))
        self.process = None

    @property
    def client(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "yagona.cli", "exchange-node", "--config", str(self.config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read().decode()
            try:
                if httpx.get(f"{self.client}/listClients", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.process.terminate()
        pytest.fail(f"the node of {self.member} did not come up: "
                    f"{self.process.communicate(timeout=10)[1].decode()[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # never leave a node running after a test
                self.process.kill()
                self.process.wait()

    def log(self) -> MessageLog:
        return MessageLog(self.folder / "messages.sqlite3")


def central_authority():
    """The central authority's two services for nodes, serving ``central["document"]``
    and stamping while ``central["tsa"]``."""
    central = {"document": "", "tsa": True}

    def answer(method, path, body):
        if path == "/exchange/tsa":
            if not central["tsa"]:
                return 503, {}, b"down for maintenance"
            return 200, {"content-type": "application/timestamp-reply"}, tsa.stamp(body)
        return 200, {"content-type": "application/jose"}, central["document"].encode()

    return central, Serving(answer)


@pytest.fixture
def network(country, tmp_path):
    backend = Serving(systems)
    gone = closed_port()
    down = gone.getsockname()[1]
    central, authority = central_authority()
    url = f"http://127.0.0.1:{authority.port}"
    system = f"http://127.0.0.1:{backend.port}"
    tax = Member(tmp_path, "TAX", url, {})
    vkd = Member(tmp_path, "VKD", url, {"population/persons": system,
                                        "population/slow": f"{system}/slow",
                                        "population/huge": f"{system}/huge",
                                        "population/gone": f"http://127.0.0.1:{down}"})
    biz = Member(tmp_path, "BIZ", url, {"companies/companies": system})
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
        backend.close()
        authority.close()
        gone.close()


def call(network, path, client="XX/GOV/TAX/taxes", **kwargs):
    headers = {"X-Road-Client": client, **kwargs.pop("headers", {})}
    return httpx.request(kwargs.pop("method", "GET"), network["tax"].client + path,
                         headers=headers, timeout=15, **kwargs)


def rogue_tax_node(network) -> httpx.Client:
    """An HTTPS client holding the TAX node's own TLS key: what a compromised network
    path or a misbehaving node could send."""
    tax = network["tax"]
    tls = ssl.create_default_context(cafile=str(tax.folder / "root.pem"))
    tls.load_cert_chain(str(tax.folder / "tls.pem"), str(tax.folder / "tls.key"))
    return httpx.Client(verify=tls, timeout=10)


def signed_request(network, path="/persons/410012345", body=b"", xroad_id=None):
    tax = network["tax"]
    xroad_id = xroad_id or str(uuid.uuid4())
    at = dt.datetime.now(dt.UTC).isoformat()
    fields = signing.request_fields(xroad_id, "XX/GOV/TAX/taxes", "XX/GOV/VKD/population/persons",
                                    "GET", path, "", "", "", at, body)
    signer = signing.Signer((tax.folder / "sign.key").read_bytes(),
                            x509.load_pem_x509_certificate((tax.folder / "sign.pem").read_bytes()))
    headers = {"X-Road-Client": "XX/GOV/TAX/taxes", "X-Road-Id": xroad_id,
               "X-Road-Request-Time": at,
               "X-Road-Signature": signer.sign(signing.canonical(fields))}
    return f"https://127.0.0.1:{network['vkd'].peer_port}/r1/XX/GOV/VKD/population/persons" \
           f"{path}", headers


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
    assert openapi.json()["info"]["title"] == "Persons"

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

    # A provider system that is slow or down: a clear error, and no hang.
    began = time.monotonic()
    refused(call(network, "/r1/XX/GOV/VKD/population/slow/x"), 504,
            "Server.ServerProxy.ServiceTimeout")
    assert time.monotonic() - began < TIMEOUT + 1.5
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
        time.sleep(2.5)  # the nodes download the new configuration every second
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


@pytest.mark.django_db
def test_an_expired_configuration_stops_the_exchange(network):
    body = json.loads(base64.urlsafe_b64decode(
        network["central"]["document"].split(".")[1] + "=="))
    body["expires"] = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).isoformat()
    network["central"]["document"] = globalconf.sign(body)
    time.sleep(1.5)  # downloaded
    assert call(network, "/r1/XX/GOV/VKD/population/persons/persons/410012345") \
        .status_code == 200
    time.sleep(2)  # expired; the authority serves nothing newer
    answer = call(network, "/r1/XX/GOV/VKD/population/persons/persons/410012345")
    assert answer.status_code == 503
    assert answer.headers["x-road-error"] == "Server.ClientProxy.OutdatedGlobalConf"
    assert "expired" in answer.json()["detail"]


@pytest.mark.django_db
def test_the_log_is_timestamped_and_a_failing_authority_stops_the_exchange(network):
    path = "/r1/XX/GOV/VKD/population/persons/persons/410012345"
    assert call(network, path).status_code == 200
    time.sleep(1.5)  # a batch is stamped every half second
    anchor = x509.load_pem_x509_certificate((network["tax"].folder / "root.pem").read_bytes())
    for member in ("tax", "vkd"):
        log = network[member].log()
        position, _head = log.head_position()
        assert log.last_stamped() == position and log.verify_stamps(anchor) == []
    network["central"]["tsa"] = False
    assert call(network, path).status_code == 200  # within the limit it still exchanges
    time.sleep(3)
    stopped = call(network, path)
    assert stopped.status_code == 503
    assert stopped.headers["x-road-error"] == "Server.ClientProxy.TimestampingFailed"
    assert "503" in stopped.json()["detail"]
    network["central"]["tsa"] = True
    time.sleep(1.5)
    assert call(network, path).status_code == 200  # stamped again: exchanging again
    log = network["tax"].log()
    stamped = log.last_stamped()
    (head,) = log.db.execute("SELECT hash FROM entry WHERE position = ?", [stamped]).fetchone()
    log.db.execute("UPDATE entry SET hash = ? WHERE position = ?",
                   [("1" if head[0] == "0" else "0") + head[1:], stamped])
    assert any("no longer holds" in p for p in log.verify_stamps(anchor))


@pytest.mark.django_db(transaction=True)
def test_a_registry_is_read_through_the_exchange_and_the_read_is_recorded(
        country, live_server, tmp_path):
    from yagona.agencies.models import Agency
    from yagona.conftest import make_person_id
    from yagona.core.audit import AuditEntry
    from yagona.registries import queries as registry_queries
    from yagona.registries import services as registries
    from yagona.registries.tests.test_records import person

    central, authority = central_authority()
    url = f"http://127.0.0.1:{authority.port}"
    reg, tax_agency = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    keeper = Member(tmp_path, "REG", url, {
        "registries/population": f"{live_server.url}/exchange/provider/population"},
        agency=reg)
    tax = Member(tmp_path, "TAX", url, {}, agency=tax_agency)
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
                     "X-Road-Issue": "TAX-2026-000123"}, timeout=15)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"person_id": make_person_id(1), "surname": "Раҳимова"}
        missing = httpx.get(f"{tax.client}/r1/XX/GOV/REG/registries/population/records",
                            params={"field": "person_id", "value": make_person_id(2)},
                            headers={"X-Road-Client": "XX/GOV/TAX/services"}, timeout=15)
        assert missing.status_code == 404 and "x-road-error" not in missing.headers
        assert missing.json()["detail"]  # the registry's own answer, passed on as it is
        # The platform's own case handling for the tax service, through its node:
        from yagona.exchange import client
        from yagona.registries.models import Registry

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
