"""Onboarding over the network: a bank (a member outside government) is registered in
the back office, its node makes its own keys and sends its certificate requests to the
live platform with the enrolment code it was given, the authority approves them, the node
installs its certificates; then the bank reads a person's record through the exchange,
only with the person's consent."""

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509

from yagona.accounts import services as accounts
from yagona.agencies.models import Agency
from yagona.backoffice.tests.test_admin_pages import official
from yagona.conftest import make_person_id
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.exchange import ca, queries, services
from yagona.exchange.models import SigningRequest
from yagona.exchange.node.config import NodeConfig
from yagona.exchange.node.enrol import EnrolmentError, enrol, make_request, new_key
from yagona.exchange.tests.node_harness import PATIENT, Member, free_port, until
from yagona.registries import queries as registry_queries
from yagona.registries import services as registries
from yagona.registries.tests.test_records import person

PAGE = "/office/platform/exchange/"
BANK = "XX/COM/123456782"


@pytest.fixture
def authority(people):
    """The platform administrator's back-office session."""
    admin = people["supervisor"]
    accounts.set_platform_admin(SYSTEM, admin)
    return official(admin)


def node_config(folder: Path, central: str, peer_port: int, client_port: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "node.yaml"
    config.write_text(yaml.safe_dump({
        "member": BANK, "name": "node1", "client_listen": f"127.0.0.1:{client_port}",
        "peer_listen": f"127.0.0.1:{peer_port}", "central": central, "anchor": "root.pem",
        "tls_key": "tls.key", "tls_certificate": "tls.pem", "sign_key": "sign.key",
        "sign_certificate": "sign.pem", "log": "messages.sqlite3",
        "limits": {"conf_refresh_seconds": 1, "timestamp_interval_seconds": 0.5}}))
    return config


def run_node(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yagona.cli", "exchange-node", "--config",
                           str(config), *args], capture_output=True, text=True, timeout=60)


def register_bank(authority, peer_port: int) -> str:
    """Register the bank, its subsystem and node in the back office; the enrolment code."""
    for form in ({"action": "member", "member_class": "COM", "code": "123456782",
                  "name": "Pamir Bank"},
                 {"action": "subsystem", "member": BANK, "code": "loans", "name": "Loans"}):
        assert authority.post(PAGE, form).status_code == 302
    page = authority.post(PAGE, {"action": "node", "member": BANK, "name": "node1",
                                 "address": f"https://127.0.0.1:{peer_port}"})
    assert page.status_code == 200
    return re.search(r"--enrol ([\w-]+)</code>", page.content.decode()).group(1)


@pytest.mark.django_db(transaction=True)
def test_a_bank_enrols_its_node_over_the_network_and_reads_with_consent(
        authority, people, live_server, tmp_path):
    peer_port, client_port = free_port(), free_port()
    code = register_bank(authority, peer_port)
    folder = tmp_path / "bank"
    config = node_config(folder, live_server.url, peer_port, client_port)
    assert "enrol the node first" in run_node(config).stderr  # no keys yet: it says so
    assert "configuration anchor" in run_node(config, "--enrol", code).stderr
    anchor = httpx.get(f"{live_server.url}/exchange/anchor").text
    root = x509.load_pem_x509_certificate(anchor.encode())
    assert ca.fingerprint(root) in authority.get(PAGE).content.decode()  # compared by hand
    (folder / "root.pem").write_text(anchor)

    waiting = run_node(config, "--enrol", code)
    assert waiting.returncode == 3, waiting.stderr  # sent, not yet approved
    assert "certificate requested" in waiting.stdout
    assert (folder / "tls.key").stat().st_mode & 0o777 == 0o600
    assert run_node(config, "--enrol", code).returncode == 3  # the same requests, not new
    requests = SigningRequest.objects.filter(node__member__code="123456782")
    assert requests.count() == 2
    page = authority.get(PAGE).content.decode()
    assert "XX/COM/123456782" in page and "Issue the certificate" in page
    for request in requests:
        assert authority.post(PAGE, {"action": "approve", "request": request.pk}
                              ).status_code == 302
    done = run_node(config, "--enrol", code)
    assert done.returncode == 0, done.stderr
    tls = x509.load_pem_x509_certificate((folder / "tls.pem").read_bytes())
    tls.verify_directly_issued_by(root)
    assert not (folder / "enrolment.json").exists()
    assert AuditEntry.objects.filter(action="exchange.enrolment_opened").count() == 1

    # The bank's node in use: it reads the population register of REG's node, with consent.
    citizen = people["citizen"]
    registries.create(SYSTEM, "population", person(1))
    keeper = Member(tmp_path, "REG", live_server.url, {
        "registries/population": f"{live_server.url}/exchange/provider/population"},
        agency=Agency.objects.get(code="REG"), timeout_seconds=PATIENT)  # a busy test server
    population = {s.code: s for s in services.offer_registries(SYSTEM)}["population"]
    loans = services.add_subsystem(SYSTEM, queries.member_by_identifier(BANK),
                                   "loans")
    services.allow(SYSTEM, population, loans, "GET", "/records")
    bank = subprocess.Popen([sys.executable, "-m", "yagona.cli", "exchange-node", "--config",
                             str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    keeper.start()
    try:
        keeper.wait()
        url = f"http://127.0.0.1:{client_port}/r1/XX/GOV/REG/registries/population/records"
        ask = {"params": {"field": "person_id", "value": make_person_id(1)},
               "headers": {"X-Road-Client": f"{BANK}/loans"}, "timeout": PATIENT + 5}
        refused = _when_up(bank, lambda: httpx.get(url, **ask))
        assert refused.status_code == 404, refused.text  # no consent: nothing, and it is
        assert "x-road-error" not in refused.headers  # the register's answer, not the node's
        services.give_consent(citizen, "population", BANK, ["surname", "birth_date"],
                              "A loan application", date.today() + timedelta(days=30))
        answer = httpx.get(url, **ask)
        assert answer.status_code == 200, answer.text
        assert set(answer.json()) >= {"surname", "birth_date"}
        assert "address" not in answer.json()  # what she consented to, no more
        rows, _agencies = registry_queries.reads_of_person(citizen)  # "who used my data"
        assert (rows[0]["organisation"], rows[0]["purpose"]) == ("Pamir Bank",
                                                                 "A loan application")
        assert citizen.inbox.filter(event="data_read", params__agency="Pamir Bank").exists()
    finally:
        keeper.stop()
        bank.terminate()
        bank.wait(timeout=10)


def _when_up(process, call):
    """``call()`` once the node answers (it comes up after its configuration)."""

    def answered():
        assert process.poll() is None, process.stderr.read().decode()
        try:
            answer = call()
        except httpx.HTTPError:
            return None
        if answer.headers.get("x-road-error", "").startswith((
                "Server.ClientProxy.OutdatedGlobalConf", "Server.ClientProxy.Unknown")):
            return None  # no configuration yet, or not the newest
        return answer

    return until(answered, "the bank's node answers")


@pytest.mark.django_db
def test_enrolment_refuses_strangers_bad_requests_and_reports_a_refusal(
        authority, client, tmp_path, monkeypatch):
    member = services.register_member(SYSTEM, "COM", "123456782", "Pamir Bank")
    node = services.add_node(SYSTEM, member, "node1", "https://127.0.0.1:5599")
    code = services.open_enrolment(SYSTEM, node)
    good = make_request(new_key(), "node")

    def send(body, with_code=code, **extra):
        return client.post("/exchange/enrol", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {with_code}", **extra)

    ask = {"member": BANK, "node": "node1", "kind": "tls", "csr": good}
    assert send(ask, "a guess").status_code == 401
    assert send({**ask, "node": "node2"}).status_code == 401
    assert send({**ask, "member": "not an id"}).status_code == 401
    assert send({"member": BANK}).status_code == 400
    assert client.post("/exchange/enrol", "{", content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {code}").status_code == 400
    assert send({**ask, "csr": "-----BEGIN nonsense"}).json()["detail"] == \
        "not a PEM certificate signing request"
    assert send({**ask, "kind": "root"}).status_code == 400
    assert send({**ask, "csr": good + "x" * 20000}).status_code == 413
    first = send(ask).json()["request"]
    assert send(ask).json()["request"] == first  # sent again: the same request
    second = send({**ask, "csr": make_request(new_key(), "node")}).json()["request"]
    assert SigningRequest.objects.get(pk=first).status == "rejected"  # superseded
    assert AuditEntry.objects.filter(action="exchange.certificate_request_superseded",
                                     summary__request=first).exists()
    status = client.get(f"/exchange/enrol/{second}", HTTP_AUTHORIZATION=f"Bearer {code}")
    assert status.json() == {"request": second, "status": "pending"}
    assert client.get(f"/exchange/enrol/{second}").status_code == 404  # without the code
    services.reject(SYSTEM, second, "The bank's licence is being checked.")
    assert client.get(f"/exchange/enrol/{second}", HTTP_AUTHORIZATION=f"Bearer {code}"
                      ).json()["reason"] == "The bank's licence is being checked."
    assert services.open_enrolment(SYSTEM, node) != code
    assert send(ask).status_code == 401  # a new code replaced the old one

    # The node side, against the same views (the test client as its transport):
    code = services.open_enrolment(SYSTEM, node)
    folder = tmp_path / "bank"
    config = NodeConfig.load(node_config(folder, "http://testserver", 5599, free_port()))
    (folder / "root.pem").write_text(ca.Authority().root.certificate_pem)

    def through_the_test_client(config, code, method, path, body=None):
        answer = (send(body, code) if method == "POST" else
                  client.get(path, HTTP_AUTHORIZATION=f"Bearer {code}"))
        if answer.status_code >= 400:
            raise EnrolmentError(f"the authority answered {answer.status_code}")
        return answer.json()

    monkeypatch.setattr("yagona.exchange.node.enrol._call", through_the_test_client)
    state = folder / "enrolment.json"
    assert enrol(config, code, state_path=state, say=lambda _: None) is False
    tls_request = json.loads(state.read_text())["tls"]
    services.reject(SYSTEM, tls_request, "Wrong address")
    with pytest.raises(EnrolmentError, match="refused the request: Wrong address"):
        enrol(config, code, state_path=state, say=lambda _: None)
    # Asked again, with the same key: approved this time, and a forged answer is refused.
    assert enrol(config, code, state_path=state, say=lambda _: None) is False
    for waiting in SigningRequest.objects.filter(status="pending"):
        services.approve(SYSTEM, waiting.pk)
    (folder / "sign.key").write_bytes(ca.key_pem(new_key()))  # as if the key changed
    with pytest.raises(EnrolmentError, match="not for this node's key"):
        enrol(config, code, state_path=state, say=lambda _: None)
