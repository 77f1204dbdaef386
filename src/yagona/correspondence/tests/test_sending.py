"""Documents between agencies over real exchange nodes: three node processes (REG sends,
TAX and LAB receive), the platform as a live server behind them (the registry offices of
all three, the global configuration and the timestamps). Sent, registered by the
addressee with its own number, receipted under the addressee's seal; a duplicate and a
wrong addressee refused with their fault codes; an addressee whose node is down gets the
document once it is up again, and nothing is lost meanwhile."""

import base64
import json
from datetime import timedelta

import httpx
import pyotp
import pytest
from django.utils import timezone

from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry
from yagona.correspondence import arrival, delivery, routes, services
from yagona.correspondence.models import Arrival, Delivery, Document, Journal
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import pdf_upload
from yagona.correspondence.workflow import Status
from yagona.exchange import common, globalconf
from yagona.exchange.models import Node
from yagona.exchange.tests.node_harness import PATIENT, Member, until
from yagona.signing import verify
from yagona.testing.web import TOTP_SECRET

State = Delivery.State


@pytest.fixture
def network(office, live_server, tmp_path, settings):
    settings.PUBLIC_URL = live_server.url
    lab = Agency.objects.create(code="LAB", name={"en": "Labour Inspectorate"})
    Journal.objects.create(agency=lab, code="IN", kind="incoming", name={"en": "Incoming"},
                           number_format="LAB-{seq}/{yyyy}")
    nodes = {}
    for agency in (office["reg"], office["tax"], lab):
        backends = {"documents/sendDocument":
                    f"{live_server.url}/correspondence/exchange"}
        # The nodes ask the platform for little besides the test's own calls: on SQLite
        # the live server shares the test's connection (Django's in-memory database).
        nodes[agency.code] = node = Member(tmp_path, agency.code, live_server.url, backends,
                                           agency=agency, timeout_seconds=PATIENT,
                                           conf_refresh_seconds=5,
                                           timestamp_interval_seconds=5)
        Node.objects.filter(pk=node.node.pk).update(client_url=node.client)
    for agency in (office["reg"], office["tax"], lab):
        common.join(SYSTEM, agency)
    globalconf.current()  # published now: the nodes only read it
    for code in ("REG", "TAX"):  # LAB's node is down for now
        nodes[code].start()
    try:
        for code in ("REG", "TAX"):
            nodes[code].wait()
        yield {**office, "lab": lab, "nodes": nodes}
    finally:
        for node in nodes.values():
            node.stop()


def signed_letter(office, to) -> Document:
    document = services.create_draft(office["lawyer"], office["reg"], "outgoing", Card(
        doc_type="letter", subject="On the exchange of civil status records", pages=1,
        correspondent_agency=to))
    services.attach(office["lawyer"], document.pk, "main", pdf_upload())
    routes.set_route(office["lawyer"], document.pk, [], signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    routes.sign(office["head"], document.pk, pyotp.TOTP(TOTP_SECRET).now())
    return services.register(office["clerk"], document.pk, case_index="01-05")


def through(node: Member, recipient: str, body: bytes) -> httpx.Response:
    """What REG's own system would post to its node for ``recipient``."""
    return httpx.post(f"{node.client}/r1/{recipient}/documents/sendDocument/consignments",
                      content=body, headers={"X-Road-Client": "XX/GOV/REG/documents",
                                             "Content-Type": "application/json"},
                      timeout=PATIENT + 10)


@pytest.mark.django_db(transaction=True)
def test_documents_travel_between_three_nodes_with_receipts_and_nothing_lost(network):
    office, nodes = network, network["nodes"]
    assert {a.code for a in delivery.address_book()} == {"REG", "TAX", "LAB"}
    letter = signed_letter(office, office["tax"])
    # Sent to TAX (up) and LAB (down): the first attempt runs right after the clerk's
    # commit (the job), through REG's node.
    delivery.send(office["clerk"], letter.pk, [office["tax"], office["lab"]])
    to_tax = Delivery.objects.get(document=letter, recipient=office["tax"])
    to_lab = Delivery.objects.get(document=letter, recipient=office["lab"])
    assert to_tax.state == State.DELIVERED, to_tax.last_error
    received = Document.objects.get(agency=office["tax"], kind="incoming")
    assert (received.their_number, received.correspondent_agency) == (letter.number,
                                                                       office["reg"])
    assert received.number == to_tax.their_number and received.status == Status.REGISTERED
    receipt = to_tax.receipt.open("rb").read()
    facts = arrival.receipt_facts(receipt)
    assert facts["consignment"] == str(to_tax.consignment)
    assert verify.verify_file(receipt, "receipt.asice").indication == "TOTAL_PASSED"
    assert arrival.sealed_by(receipt, "receipt.asice", "TAX")
    assert not arrival.sealed_by(receipt, "receipt.asice", "REG")
    # LAB's node is down: the delivery waits, with what went wrong and when it is tried.
    assert to_lab.state == State.WAITING and "NetworkError" in to_lab.last_error
    assert Document.objects.get(pk=letter.pk).status == Status.SENDING
    pause = to_lab.next_attempt_at - timezone.now()
    assert timedelta(seconds=30) < pause <= timedelta(minutes=1)
    assert delivery.deliver_due() == 0  # not due yet
    later = timezone.now() + timedelta(minutes=2)
    assert delivery.deliver_due(later) == 1
    to_lab.refresh_from_db()
    assert to_lab.state == State.WAITING and to_lab.attempts == 2
    assert to_lab.next_attempt_at - later == timedelta(minutes=2)  # the pause doubled
    # LAB's node comes up: the next attempt delivers, and the document is delivered.
    nodes["LAB"].start()
    nodes["LAB"].wait()

    def tried_now():  # the next attempt, without waiting for its pause
        Delivery.objects.filter(pk=to_lab.pk).update(next_attempt_at=timezone.now())
        delivery.attempt(to_lab.pk)
        return Delivery.objects.get(pk=to_lab.pk).state != State.WAITING

    until(tried_now, "LAB takes the letter")
    to_lab.refresh_from_db()
    assert to_lab.state == State.DELIVERED, to_lab.last_error
    assert Document.objects.get(agency=office["lab"]).number.startswith("LAB-1/")
    assert Document.objects.get(pk=letter.pk).status == Status.DELIVERED
    assert AuditEntry.objects.filter(action="document.delivery_receipted",
                                     object_id=str(letter.pk)).count() == 2

    # The same capsule again: a duplicate, answered with the first receipt.
    first = Arrival.objects.get(agency=office["tax"])
    capsule = delivery._capsule(to_tax)
    again = through(nodes["REG"], "XX/GOV/TAX", capsule)
    assert again.status_code == 409 and again.json()["fault"] == "duplicate"
    assert base64.b64decode(again.json()["receipt"]) == first.receipt.open("rb").read()
    # The same signed document under a new consignment id: a duplicate too (the window).
    fresh = json.loads(capsule)
    fresh["consignment"] = "0e7c2b7e-4f39-4c43-9a0b-6d0f4f1d2a11"
    resent = through(nodes["REG"], "XX/GOV/TAX", json.dumps(fresh).encode())
    assert resent.status_code == 409 and resent.json()["fault"] == "duplicate"
    # Addressed to LAB, brought to TAX: refused, and nothing registered.
    to_lab.refresh_from_db()
    wrong = through(nodes["REG"], "XX/GOV/TAX", delivery._capsule(to_lab))
    assert wrong.status_code == 400 and wrong.json()["fault"] == "invalid_addressee"
    assert wrong.json()["detail"] == "recipient.member"
    assert Document.objects.filter(agency=office["tax"]).count() == 1
    # Refused faults pass through both nodes as the addressee's answer, signed.
    assert "x-road-error" not in wrong.headers
