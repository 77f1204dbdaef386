"""The receiving side of ``documents/sendDocument``: a capsule another agency's node
brought is checked (capsule.parse, then the sender's seal on the container), refused as a
duplicate when its consignment id, or the same container from the same sender within
``CORRESPONDENCE_DUPLICATE_DAYS``, was received before, else registered in the
addressee's incoming journal with its own number; the answer is a delivery receipt sealed
by the addressee. The same receipt answers every duplicate, so a sender whose first
answer was lost still gets it."""

import base64
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from yagona.core import audit, events
from yagona.correspondence import capsule as capsules
from yagona.correspondence.models import Arrival, Document, DocumentFile, DocumentType, Link
from yagona.correspondence.queries import file_bytes
from yagona.correspondence.services import Card, register_incoming, stored_file
from yagona.exchange import queries as exchange
from yagona.signing import asic, pki, verify
from yagona.signing import services as signing

RECEIPT_VERSION = "1.0"
RECEIPT_NAME = "receipt.json"


@dataclass(frozen=True)
class Answer:
    """What the addressee's system answers the sender's node: an HTTP status and JSON."""

    status: int
    body: dict


FAULT_STATUS = {capsules.FAULT_SIZE_LIMIT: 413, capsules.FAULT_DUPLICATE: 409}


def fault(code: str, message: str, detail: str = "", **extra) -> Answer:
    return Answer(FAULT_STATUS.get(code, 400),
                  {"fault": code, "message": message, "detail": detail, **extra})


def sealed_by(data: bytes, name: str, agency_code: str) -> bool:
    """``data`` verifies (TOTAL_PASSED) and carries the seal of ``agency_code``."""
    try:
        report = verify.verify_file(data, name)
    except verify.NotVerifiable:
        return False
    wanted = pki.seal_identifier(agency_code)
    return report.indication == "TOTAL_PASSED" and any(
        s.signer is not None and s.signer.identifier == wanted for s in report.signatures)


def receive(recipient, client: str, raw: bytes, xroad_id: str = "") -> Answer:
    """Take the capsule ``raw`` for the agency ``recipient`` from the subsystem ``client``
    (``X-Road-Client``, checked by both nodes)."""
    member = exchange.member_by_identifier(client.rsplit("/", 1)[0])
    if member is None or member.agency is None:
        return fault(capsules.FAULT_VALIDATION, "The sender is not an agency of the platform.")
    own = exchange.member_by_identifier(f"{member.instance}/GOV/{recipient.code}")
    try:
        found = capsules.parse(raw, recipient_member=str(own.identifier) if own else "",
                               max_bytes=settings.CORRESPONDENCE_CAPSULE_BYTES)
    except capsules.CapsuleFault as exc:
        return fault(exc.code, exc.message, exc.detail)
    if found.sender.member != str(member.identifier):
        return fault(capsules.FAULT_VALIDATION, f"The capsule names {found.sender.member} as "
                     f"its sender, but {member.identifier} sent it.", "sender.member")
    earlier = _earlier(recipient, found)
    if earlier is not None:
        return _duplicate(earlier)
    if not sealed_by(found.container, found.container_name, member.agency.code):
        return fault(capsules.FAULT_VALIDATION, "The container is not validly sealed by the "
                     f"sender's agency ({member.agency.code}).", "container.data")
    try:
        with transaction.atomic():
            arrival = _register(recipient, member, found, xroad_id)
    except IntegrityError:  # the same consignment, at the same moment, on another worker
        return _duplicate(_earlier(recipient, found))
    except ValidationError as exc:  # a card the addressee's office cannot register
        return fault(capsules.FAULT_VALIDATION, " ".join(exc.messages), "document")
    return Answer(200, _receipt_body(arrival))


def _earlier(recipient, found: capsules.Capsule) -> Arrival | None:
    same = Arrival.objects.filter(agency=recipient).select_related("document")
    window = timezone.now() - timedelta(days=settings.CORRESPONDENCE_DUPLICATE_DAYS)
    return same.filter(consignment=found.consignment).first() or same.filter(
        sender_member=found.sender.member, container_sha256=found.sha256,
        received_at__gte=window).order_by("received_at").first()


def _duplicate(earlier: Arrival) -> Answer:
    return fault(capsules.FAULT_DUPLICATE, f"Consignment {earlier.consignment} (this document) "
                 f"was received on {earlier.received_at.isoformat()} and registered as "
                 f"{earlier.document.number}.", "consignment", **_receipt_body(earlier))


def _register(recipient, member, found: capsules.Capsule, xroad_id: str) -> Arrival:
    meta = found.document
    doc_type = DocumentType.objects.filter(code=meta.type, active=True).first() or \
        DocumentType.objects.filter(active=True).first()
    card = Card(doc_type=doc_type.code if doc_type else meta.type, subject=meta.subject,
                pages=meta.pages, access=meta.access, language=meta.language,
                correspondent_agency=member.agency, their_number=meta.number,
                their_date=meta.registered_on)
    actor = audit.Actor(system=f"{member.identifier}/documents", agency=member.agency.code)
    document = register_incoming(None, recipient, card, actor=actor)
    stored_file(document, DocumentFile.Role.SIGNED, found.container_name, found.media_type,
                found.container)
    references = [(Link.Relation.ANSWERS, meta.in_reply_to)] if meta.in_reply_to else []
    references += [(Link.Relation.REFERS_TO, link) for link in meta.links]
    answered = []
    for relation, ref in references:
        ours = Document.objects.filter(agency=recipient, number=ref.number).first()
        Link.objects.create(source=document, relation=relation, target=ours,
                            number=ref.number, dated=ref.registered_on)
        if ours is not None and relation == Link.Relation.ANSWERS:
            answered.append(ours)
    arrival = Arrival(agency=recipient, consignment=found.consignment,
                      sender_member=found.sender.member, container_sha256=found.sha256,
                      document=document, xroad_id=xroad_id[:36])
    receipt = _receipt(recipient, member, found, document)
    arrival.receipt.save(f"{found.consignment}.asice", ContentFile(receipt), save=False)
    arrival.save()
    audit.record(actor, "document.arrived", "document", document.pk,
                 {"consignment": found.consignment, "from": found.sender.member,
                  "their_number": meta.number, "sha256": found.sha256},
                 agency=recipient.code)
    events.publish("correspondence.arrived", document=str(document.pk))
    for ours in answered:  # the answer to a letter of ours: who wrote it learns of it
        events.publish("correspondence.answered", answer=str(document.pk), original=str(ours.pk))
    return arrival


def _receipt(recipient, member, found: capsules.Capsule, document: Document) -> bytes:
    """What the addressee signs: it received this container in this consignment, and
    registered it under this number, at this time."""
    facts = {"version": RECEIPT_VERSION, "consignment": found.consignment,
             "sender": found.sender.member, "recipient": found.recipient.member,
             "container_sha256": found.sha256, "number": document.number,
             "registered_at": document.registered_at.isoformat()}
    kept = signing.seal_container(
        [asic.ContainerFile(RECEIPT_NAME, json.dumps(facts, sort_keys=True).encode(),
                            "application/json")],
        recipient, kind="receipt", title={"en": f"Receipt {document.number}"},
        holder_kind="agency", holder_id=member.agency.code, reference=document.number,
        source=f"document:{document.pk}", filename=f"receipt-{found.consignment}.asice")
    return file_bytes(kept.file)


def _receipt_body(arrival: Arrival) -> dict:
    return {"consignment": str(arrival.consignment), "number": arrival.document.number,
            "registered_at": arrival.document.registered_at.isoformat(),
            "receipt": base64.b64encode(file_bytes(arrival.receipt)).decode("ascii")}


def receipt_facts(receipt: bytes) -> dict:
    """The facts a receipt container states (its signatures are checked apart)."""
    try:
        container = asic.read(receipt)
        data = json.loads(container.files[RECEIPT_NAME].data)
    except (asic.ContainerError, KeyError, ValueError) as exc:
        raise ValueError(f"not a delivery receipt: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("not a delivery receipt")
    return data
