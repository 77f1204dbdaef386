"""The addressee's side of sendDocument without the nodes: what the platform answers a
node for every kind of capsule, and that a refused one leaves nothing behind."""

import base64
import hashlib
import json

import pyotp
import pytest

from yagona.core.audit import SYSTEM
from yagona.correspondence import arrival, capsule, delivery, routes, services
from yagona.correspondence.models import Arrival, Delivery, Document, Journal
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import pdf_upload
from yagona.exchange import common
from yagona.exchange import services as exchange
from yagona.testing.documents import plain_pdf
from yagona.testing.web import TOTP_SECRET

SENDER = "XX/GOV/REG/documents"


@pytest.fixture
def letter(office):
    """A delivery of a signed, registered letter of REG's to TAX, not yet tried."""
    for agency in (office["reg"], office["tax"]):
        common.join(SYSTEM, agency)
    document = services.create_draft(office["lawyer"], office["reg"], "outgoing", Card(
        doc_type="letter", subject="On records", correspondent_agency=office["tax"]))
    services.attach(office["lawyer"], document.pk, "main", pdf_upload())
    routes.set_route(office["lawyer"], document.pk, [], signatory=office["head"])
    routes.send_for_approval(office["lawyer"], document.pk)
    routes.sign(office["head"], document.pk, pyotp.TOTP(TOTP_SECRET).now())
    document = services.register(office["clerk"], document.pk, case_index="01-05")
    return Delivery.objects.create(document=document, recipient=office["tax"],
                                   recipient_member="XX/GOV/TAX",
                                   next_attempt_at=document.registered_at)


def test_a_good_capsule_is_registered_and_receipted(office, letter):
    answer = arrival.receive(office["tax"], SENDER, delivery._capsule(letter), "x-1")
    assert answer.status == 200, answer.body
    received = Document.objects.get(agency=office["tax"])
    assert answer.body["number"] == received.number and received.their_number == \
        letter.document.number
    assert received.files.get().sha256 == Arrival.objects.get().container_sha256
    assert arrival.receipt_facts(Arrival.objects.get().receipt.open("rb").read())[
        "number"] == received.number


def test_what_is_refused_leaves_nothing(office, letter):
    raw = json.loads(delivery._capsule(letter))

    def answer(data, client=SENDER, recipient=None):
        body = json.dumps(data).encode() if isinstance(data, dict) else data
        return arrival.receive(recipient or office["tax"], client, body)

    unsigned = plain_pdf(1, "Not signed")
    forged = {**raw, "container": {**raw["container"], "size": len(unsigned),
                                   "data": base64.b64encode(unsigned).decode(),
                                   "sha256": hashlib.sha256(unsigned).hexdigest()}}
    cases = {
        "not sealed by the sender": (answer(forged), 400, "validation", "container.data"),
        "another sender named": (answer(raw, client="XX/GOV/TAX/documents"), 400,
                                 "validation", "sender.member"),
        "not an agency": (answer(raw, client="XX/COM/123/loans"), 400, "validation", ""),
        "not JSON": (answer(b"{"), 400, "validation", ""),
        "a future version": (answer({**raw, "version": "9.0"}), 400, "unsupported_version",
                             "version"),
        "for someone else": (answer(raw, recipient=office["reg"]), 400, "invalid_addressee",
                             "recipient.member"),
    }
    for name, (got, status, fault, detail) in cases.items():
        assert (got.status, got.body["fault"]) == (status, fault), (name, got.body)
        assert got.body["detail"] == detail, name
    Journal.objects.filter(agency=office["tax"], kind="incoming").update(active=False)
    closed = answer(raw)  # the addressee keeps no incoming journal: said, not a 500
    assert (closed.status, closed.body["fault"]) == (400, "validation")
    assert not Document.objects.filter(agency=office["tax"]).exists()
    assert not Arrival.objects.exists()


def test_the_endpoint_takes_only_a_nodes_post_within_the_limit(office, letter, client,
                                                              settings):
    url = "/correspondence/exchange/consignments"
    body = delivery._capsule(letter)
    assert client.get(url).status_code == 405
    assert client.post(url, body, content_type="application/json").status_code == 401
    member = common.join(SYSTEM, office["tax"])
    node = exchange.add_node(SYSTEM, member, "node1", "https://127.0.0.1:5599")
    token = exchange.issue_system_token(SYSTEM, node)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_ROAD_CLIENT": SENDER}
    settings.CORRESPONDENCE_CAPSULE_BYTES = len(body) - 1
    too_big = client.post(url, body, content_type="application/json", **headers)
    assert (too_big.status_code, too_big.json()["fault"]) == (413, "size_limit")
    settings.CORRESPONDENCE_CAPSULE_BYTES = len(body)
    taken = client.post(url, body, content_type="application/json", **headers)
    assert taken.status_code == 200, taken.content
    again = client.post(url, body, content_type="application/json", **headers)
    assert (again.status_code, again.json()["fault"]) == (409, capsule.FAULT_DUPLICATE)
    assert again.json()["receipt"] == taken.json()["receipt"]
