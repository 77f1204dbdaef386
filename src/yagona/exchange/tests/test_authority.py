"""The central authority: identifiers, onboarding (a node's request, the authority's
certificate), and the signed global configuration as nodes check it."""

import base64
import datetime as dt
import json
import threading

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.core import audit
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.exchange import ca, globalconf, services
from yagona.exchange.ids import PART, BadIdentifier, MemberId, ServiceId, SubsystemId
from yagona.exchange.node.conf import ConfError, Configuration, verify
from yagona.signing import authority

part = st.from_regex(PART, fullmatch=True)


# No timings: a busy machine is slow to make and run examples, which says nothing of them.
@given(part, st.sampled_from(["GOV", "COM", "NGO"]), part, part, part)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_identifiers_read_back_what_they_write(instance, kind, member, subsystem, service):
    text = f"{instance}/{kind}/{member}/{subsystem}/{service}"
    parsed = ServiceId.parse(text)
    assert str(parsed) == text and str(parsed.provider) == text.rsplit("/", 1)[0]
    assert parsed.provider.member == MemberId(instance, kind, member)


@pytest.mark.parametrize("text", ["", "TJ/GOV/VKD", "TJ/XXX/VKD/pop", "TJ/GOV/VKD/pop/x",
                                  "TJ/GOV/../pop", "TJ/GOV/VKD/p%20p", "TJ//VKD/pop"])
def test_malformed_subsystem_identifiers_are_refused(text):
    with pytest.raises(BadIdentifier):
        SubsystemId.parse(text)


def onboard(code="VKD", address="https://127.0.0.1:5501"):
    member = services.register_member(SYSTEM, "GOV", code, f"Agency {code}")
    node = services.add_node(SYSTEM, member, "node1", address)
    keys = {kind: ca.new_key() for kind in ("tls", "sign")}
    requests = {kind: services.submit_request(node, kind, ca.make_request(key, "asked for"))
                for kind, key in keys.items()}
    certificates = {kind: services.approve(SYSTEM, r.pk) for kind, r in requests.items()}
    return member, node, keys, certificates


@pytest.mark.django_db
def test_a_node_asks_and_the_authority_issues_what_it_decides(country):
    member, _node, keys, issued = onboard()
    tls = x509.load_pem_x509_certificate(issued["tls"].pem.encode())
    sign = x509.load_pem_x509_certificate(issued["sign"].pem.encode())
    root = ca.Authority().root.certificate
    tls.verify_directly_issued_by(root)
    sign.verify_directly_issued_by(root)
    assert tls.public_key() == keys["tls"].public_key()
    # The subject is the authority's word, not the request's.
    assert tls.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == \
        f"{member.identifier}/node1"
    names = tls.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    usages = tls.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(usages) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}
    assert sign.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment
    assert AuditEntry.objects.filter(action="exchange.certificate_issued").count() == 2


@pytest.mark.django_db
def test_bad_requests_and_strangers_are_refused(country, people):
    member = services.register_member(SYSTEM, "GOV", "TAX", "Tax")
    node = services.add_node(SYSTEM, member, "node1", "https://127.0.0.1:5502")
    with pytest.raises(ValidationError):
        services.add_node(SYSTEM, member, "node2", "http://127.0.0.1:5502")  # no TLS
    request = services.submit_request(node, "tls", "not a request")
    with pytest.raises(ValidationError):
        services.approve(SYSTEM, request.pk)
    from cryptography.hazmat.primitives.asymmetric import rsa

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    weak = services.submit_request(node, "sign", ca.make_request(rsa_key, "x"))
    with pytest.raises(ValidationError):
        services.approve(SYSTEM, weak.pk)
    good = services.submit_request(node, "sign", ca.make_request(ca.new_key(), "x"))
    with pytest.raises(PermissionDenied):  # an ordinary official is not the authority
        services.approve(audit.Actor(user=people["operator"]), good.pk)
    with pytest.raises(ValidationError):
        services.reject(SYSTEM, good.pk, " ")
    services.reject(SYSTEM, good.pk, "Unknown key holder")
    assert not member.certificates.exists()


def _configured():
    vkd, _node, _keys, _certs = onboard("VKD", "https://127.0.0.1:5501")
    tax, _node, _keys, _certs = onboard("TAX", "https://127.0.0.1:5502")
    population = services.add_subsystem(SYSTEM, vkd, "population")
    tax_system = services.add_subsystem(SYSTEM, tax, "taxes")
    service = services.offer_service(SYSTEM, population, "persons", "Persons", {
        "openapi": "3.0.0", "paths": {"/persons/{id}": {"get": {}}, "/persons": {"post": {}}}})
    services.allow(SYSTEM, service, tax_system, "GET", "/persons/*")
    return service, tax_system


@pytest.mark.django_db
def test_the_configuration_is_signed_served_again_and_checked_by_nodes(country):
    service, tax_system = _configured()
    document = globalconf.current()
    assert globalconf.current() == document  # unchanged content: the same document
    anchor = ca.Authority().root.certificate
    conf = Configuration(verify(document, anchor))
    assert {m["id"] for m in conf.content["members"]} == {"XX/GOV/VKD", "XX/GOV/TAX"}
    assert conf.services[str(service.identifier)]["methods"] == [
        {"method": "POST", "path": "/persons"}, {"method": "GET", "path": "/persons/{id}"}]
    assert len(conf.signing["XX/GOV/TAX"]) == 1 and len(conf.tls) == 2
    assert conf.allowed(tax_system.identifier, service.identifier, "GET", "/persons/41")
    assert not conf.allowed(tax_system.identifier, service.identifier, "POST", "/persons")
    assert not conf.allowed(service.subsystem.identifier, service.identifier, "GET",
                            "/persons/41")
    services.offer_service(SYSTEM, service.subsystem, "companies", "Companies", {})
    assert globalconf.current() != document  # changed content: a new version


@pytest.mark.django_db(transaction=True)
def test_two_workers_publishing_the_first_configuration_at_once_serve_one(
        country, monkeypatch):
    """The first version of all has no row to lock: another worker may insert it between
    this one's read and write (seen under the exchange benchmark)."""
    from django.db import connection

    from yagona.exchange.models import ConfigurationVersion

    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database has one writer at a time")
    signed = globalconf.sign

    def another_worker(number):
        from django.db import connection

        ConfigurationVersion.objects.create(
            number=number, document="the other worker's", digest="x",
            generated_at=dt.datetime.now(dt.UTC), expires_at=dt.datetime.now(dt.UTC))
        connection.close()

    def sign_while_another_worker_publishes(body):
        if body["version"] == 1:  # on its own connection, committed before this one's
            worker = threading.Thread(target=another_worker, args=(1,))
            worker.start()
            worker.join()
        return signed(body)

    monkeypatch.setattr(globalconf, "sign", sign_while_another_worker_publishes)
    assert globalconf.current() == "the other worker's"  # no error: the winner's


@pytest.mark.django_db
def test_nodes_refuse_a_forged_altered_or_expired_configuration(country):
    _configured()
    document = globalconf.current()
    anchor = ca.Authority().root.certificate
    head, body, signature = document.split(".")
    content = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    content["access"].append({"service": "XX/GOV/VKD/population/persons",
                              "client": "XX/COM/BANK/app", "method": "", "path": ""})
    altered = base64.urlsafe_b64encode(json.dumps(content).encode()).rstrip(b"=").decode()
    with pytest.raises(ConfError, match="signature"):
        verify(f"{head}.{altered}.{signature}", anchor)
    with pytest.raises(ConfError, match="anchor"):  # another authority's root
        verify(document, authority._root(ca.new_key()))
    with pytest.raises(ConfError, match="expired"):
        verify(document, anchor, now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    with pytest.raises(ConfError, match="not a signed"):
        verify("garbage", anchor)


def test_the_authority_is_made_once_and_never_silently_in_production(tmp_path, settings):
    from io import StringIO

    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import CommandError, call_command

    settings.EXCHANGE_DIR = tmp_path / "authority"
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="init-authority"):
        ca.Authority()
    call_command("exchange", "init-authority", stdout=StringIO())
    assert oct((tmp_path / "authority" / "root.key").stat().st_mode)[-3:] == "600"
    assert ca.Authority().tsa.certificate.extensions.get_extension_for_class(
        x509.ExtendedKeyUsage).critical
    with pytest.raises(CommandError, match="already holds"):
        call_command("exchange", "init-authority", stdout=StringIO())


@pytest.mark.django_db
def test_the_demo_gives_each_agency_a_node_and_rights_from_the_grants(
        country, tmp_path, settings):
    from yagona.exchange import demo
    from yagona.exchange.models import AccessRight
    from yagona.exchange.node.config import NodeConfig
    from yagona.registries import services as registries

    settings.COUNTRIES_DIR, settings.COUNTRY = str(tmp_path), "xx"  # the test pack's demo
    registries.give_grant(SYSTEM, "population", "TAX", ["person_id", "surname"], False)
    configs = demo.set_up(tmp_path / "nodes")
    loaded = {NodeConfig.load(c).member.code: NodeConfig.load(c) for c in configs}
    assert set(loaded) == {"REG", "TAX", "987654321"}  # and the bank of demo.yaml
    # Every agency's registry office takes documents at the platform (exchange.common).
    documents = {"documents/sendDocument": "http://127.0.0.1:8000/correspondence/exchange"}
    assert loaded["REG"].services == {
        "registries/population": "http://127.0.0.1:8000/exchange/provider/population",
        **documents}
    assert loaded["TAX"].services == documents
    assert loaded["REG"].system_token and loaded["TAX"].system_token
    assert not loaded["987654321"].system_token and not loaded["987654321"].services
    assert len({c.client_listen for c in loaded.values()}) == 3  # a port each
    rights = {(str(r.client.identifier), str(r.service.identifier))
              for r in AccessRight.objects.all()}
    assert rights == {("XX/GOV/TAX/services", "XX/GOV/REG/registries/population"),
                      ("XX/COM/987654321/loans", "XX/GOV/REG/registries/population"),
                      ("XX/GOV/TAX/documents", "XX/GOV/REG/documents/sendDocument"),
                      ("XX/GOV/REG/documents", "XX/GOV/TAX/documents/sendDocument")}
    key = (tmp_path / "nodes" / "REG" / "sign.key").read_bytes()
    demo.set_up(tmp_path / "nodes")  # again: the keys the platform trusts are kept
    assert (tmp_path / "nodes" / "REG" / "sign.key").read_bytes() == key
