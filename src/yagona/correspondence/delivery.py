"""The sending side of ``documents/sendDocument``: a registered outgoing document goes to
each addressee as a capsule, through the sending agency's exchange node to the
addressee's. Nothing is lost while an addressee cannot take it: its ``Delivery`` waits
("waiting for delivery") and is tried again with growing pauses (1, 2, 4 … minutes, at
most an hour apart) until the addressee's sealed receipt is back, the addressee refuses
it (a fault), or ``CORRESPONDENCE_DELIVERY_HOURS`` pass.

    address_book()                     agencies reachable over the exchange now
    send(user, document_id, to=None)   a clerk sends a registered document
    deliver_due(now=None)              one attempt for each delivery that is due (a job)
"""

import base64
import datetime as dt
import hashlib
import json
import logging
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.agencies.models import Agency
from yagona.core import audit, events
from yagona.core.countries import active_pack
from yagona.correspondence import capsule as capsules
from yagona.correspondence.arrival import receipt_facts, sealed_by
from yagona.correspondence.models import Delivery, Document, Kind, Link
from yagona.correspondence.services import _locked, _require_registrar, _step, actor_for
from yagona.correspondence.workflow import Status
from yagona.exchange import common, globalconf
from yagona.exchange import queries as exchange
from yagona.exchange.models import Node
from yagona.signing import queries as signed

log = logging.getLogger("yagona.correspondence")
SUBSYSTEM, SERVICE, PATH = "documents", "sendDocument", "/consignments"
SEND_DOCUMENT = common.CommonService(
    SUBSYSTEM, SERVICE, "Registry office: documents between agencies",
    "/correspondence/exchange",  # the node adds the path: /consignments
    {"openapi": "3.0.3", "info": {"title": "sendDocument", "version": capsules.VERSION},
     "paths": {PATH: {"post": {
         "summary": "Deliver a registered, signed document (a capsule, "
                    "correspondence/capsule.schema.json); the answer is the addressee's "
                    "sealed delivery receipt",
         "responses": {"200": {"description": "registered: number and receipt"},
                       "400": {"description": "fault: validation, unsupported_version, "
                                              "invalid_addressee"},
                       "409": {"description": "fault: duplicate, with the first receipt"},
                       "413": {"description": "fault: size_limit"}}}}}})
FIRST_PAUSE, LONGEST_PAUSE = timedelta(minutes=1), timedelta(hours=1)
LEASE = timedelta(minutes=5)  # an attempt under way is not started again meanwhile
TIMEOUT_SECONDS = 30
State = Delivery.State


def address_book() -> list[Agency]:
    """The agencies whose registry office takes documents over the exchange: their
    member offers ``documents/sendDocument`` in the global configuration and has a node."""
    content = globalconf.content()
    with_nodes = {node["member"] for node in content["nodes"]}
    offering = {service["id"].rsplit("/", 2)[0] for service in content["services"]
                if service["id"].endswith(f"/{SUBSYSTEM}/{SERVICE}")}
    codes = [member.rsplit("/", 1)[1] for member in offering & with_nodes
             if member.split("/")[1] == "GOV"]
    return list(Agency.objects.filter(code__in=codes, active=True).order_by("code"))


def send(user, document_id, to: list[Agency] | None = None) -> Document:
    """Send a registered outgoing document to ``to`` (its correspondent, by default):
    a delivery for each addressee, tried at once after commit and then by the job."""
    with transaction.atomic():
        document = _locked(user, document_id)
        _require_registrar(user, document.agency)
        if document.kind != Kind.OUTGOING or document.signed_uuid is None:
            raise ValidationError({"status": _("Only a signed outgoing document is sent.")})
        to = to if to is not None else [a for a in [document.correspondent_agency] if a]
        reachable = {a.pk for a in address_book()}
        errors = []
        if not to:
            errors.append(_("Choose at least one addressee."))
        if any(a.pk not in reachable or a.pk == document.agency_id for a in to):
            errors.append(_("An addressee cannot be reached over the exchange."))
        if document.deliveries.filter(recipient__in=to).exclude(state=State.REFUSED).exists():
            errors.append(_("The document went to this addressee already."))
        if errors:
            raise ValidationError({"to": errors})
        now = timezone.now()
        rows = [Delivery.objects.create(document=document, recipient=a, next_attempt_at=now,
                                        recipient_member=_member_of(a)) for a in to]
        _step(document, "send", actor_for(user, document.agency),
              {"to": [a.code for a in to], "consignments": [str(r.consignment) for r in rows]})
        document.save(update_fields=["status"])
        transaction.on_commit(lambda: _deliver_later([r.pk for r in rows]))
    return document


def _member_of(agency: Agency) -> str:
    member = exchange.member_of_agency(agency)
    if member is None:
        raise _Unreachable(_("The agency is not a member of the exchange."))
    return str(member.identifier)


def _deliver_later(ids: list[int]) -> None:
    from yagona.correspondence.tasks import deliver

    deliver(ids)


def deliver_due(now=None, limit: int = 100) -> int:
    """One attempt for each waiting delivery whose time has come; how many were tried."""
    now = now or timezone.now()
    ids = list(Delivery.objects.filter(state=State.WAITING, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(attempt(pk, now) for pk in ids)


def attempt(delivery_id: int, now=None) -> bool:
    """Try one delivery (False if another worker has it, or it is not due)."""
    now = now or timezone.now()
    with transaction.atomic():  # claim it: a lease, so no one else tries it meanwhile
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=delivery_id, state=State.WAITING, next_attempt_at__lte=now)
                    .select_related("document__agency", "recipient").first())
        if delivery is None:
            return False
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
        delivery.xroad_id = str(uuid.uuid4())
        delivery.save(update_fields=["attempts", "next_attempt_at", "xroad_id"])
    try:
        status, body = _post(delivery)
    except _Unreachable as exc:
        _retry(delivery, str(exc), now)
        return True
    if status == 200 or body.get("fault") == capsules.FAULT_DUPLICATE:
        problem = _accept_receipt(delivery, body)
        if problem:
            _retry(delivery, problem, now)
    elif body.get("fault") in capsules.FAULTS:
        _refused(delivery, body["fault"], str(body.get("message", ""))[:400])
    else:
        _retry(delivery, f"HTTP {status}: {str(body.get('message') or body)[:300]}", now)
    return True


class _Unreachable(Exception):
    """The exchange could not carry the capsule now (no node, a node or network error)."""


def _capsule(delivery: Delivery) -> bytes:
    document = delivery.document
    kept = signed.issued_document(document.signed_uuid)
    sender = document.agency
    reply = next((link for link in document.links.all()
                  if link.relation == Link.Relation.ANSWERS), None)
    meta = capsules.DocumentMeta(
        number=document.number, registered_on=_day(document.registered_at),
        type=document.doc_type.code, subject=document.subject, pages=document.pages,
        access=document.access, language=document.language or "",
        signed_by=", ".join(s["name"] for s in kept.signers),
        in_reply_to=_their_reference(reply) if reply else None)
    return capsules.build(
        consignment=delivery.consignment,
        sender=capsules.Party(sender.code, _member_of(sender), dict(sender.name)),
        recipient=capsules.Party(delivery.recipient.code, delivery.recipient_member,
                                 dict(delivery.recipient.name)),
        document=meta, container=signed.stored_bytes(kept), container_name=kept.filename,
        media_type=kept.content_type, max_bytes=settings.CORRESPONDENCE_CAPSULE_BYTES)


def _day(moment):
    return timezone.localtime(moment, active_pack().zone).date()


def _their_reference(link: Link) -> capsules.Reference:
    """What the addressee knows the answered letter by: its sender's number and date,
    when it is a letter we received; else the link's own number and date."""
    target = link.target
    if target is not None and target.kind == Kind.INCOMING and target.their_number:
        return capsules.Reference(target.their_number, target.their_date or
                                  _day(target.registered_at))
    if target is not None:
        return capsules.Reference(target.number, _day(target.registered_at))
    return capsules.Reference(link.number, link.dated)


def _post(delivery: Delivery) -> tuple[int, dict]:
    node = (Node.objects.filter(member__agency=delivery.document.agency).exclude(client_url="")
            .select_related("member").first())
    if node is None or not node.client_url.startswith(("http://", "https://")):
        raise _Unreachable(_("The agency has no exchange node."))
    try:
        raw = _capsule(delivery)
    except capsules.CapsuleFault as exc:  # ours: it would be refused, say why
        return 400, {"fault": exc.code, "message": exc.message}
    url = (f"{node.client_url.rstrip('/')}/r1/{delivery.recipient_member}/{SUBSYSTEM}/"
           f"{SERVICE}{PATH}")
    request = urllib.request.Request(url, data=raw, method="POST", headers={  # noqa: S310
        "X-Road-Client": f"{node.member.identifier}/{SUBSYSTEM}",
        "X-Road-Id": delivery.xroad_id, "X-Road-Issue": delivery.document.number,
        "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return answer.status, _json(answer.read())
    except urllib.error.HTTPError as exc:
        body = _json(exc.read())
        if exc.headers.get("X-Road-Error"):  # the exchange's, not the addressee's answer
            raise _Unreachable(f"{exc.code} {exc.headers['X-Road-Error']}: "
                               f"{body.get('message', '')}") from None
        return exc.code, body
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise _Unreachable(f"the node cannot be reached: {exc}") from None


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _accept_receipt(delivery: Delivery, body: dict) -> str:
    """Keep the addressee's receipt if it is theirs and names this consignment and
    container; else say what is wrong with it (the delivery is tried again)."""
    try:
        receipt = base64.b64decode(body.get("receipt") or "", validate=True)
        facts = receipt_facts(receipt)
    except ValueError as exc:
        return f"the answer holds no receipt: {exc}"
    kept = signed.issued_document(delivery.document.signed_uuid)
    if (facts.get("consignment"), facts.get("container_sha256"), facts.get("recipient")) != (
            str(delivery.consignment), kept.sha256, delivery.recipient_member):
        return "the receipt names another consignment, container or addressee"
    if not sealed_by(receipt, "receipt.asice", delivery.recipient.code):
        return "the receipt is not validly sealed by the addressee"
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.state != State.WAITING:
            return ""
        delivery.receipt.save(f"{delivery.consignment}.asice", ContentFile(receipt), save=False)
        delivery.receipt_sha256 = hashlib.sha256(receipt).hexdigest()
        delivery.their_number = str(facts.get("number", ""))[:64]
        delivery.their_registered_at = _time(facts.get("registered_at"))
        delivery.state, delivery.finished_at, delivery.last_error = State.DELIVERED, \
            timezone.now(), ""
        delivery.save()
        _record(delivery, "document.delivery_receipted",
                {"to": delivery.recipient.code, "their_number": delivery.their_number,
                 "receipt_sha256": delivery.receipt_sha256})
        _finish_document(delivery)
    return ""


def _time(text):
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _refused(delivery: Delivery, code: str, message: str) -> None:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.state, delivery.fault, delivery.last_error = State.REFUSED, code, message
        delivery.finished_at = timezone.now()
        delivery.save()
        _record(delivery, "document.delivery_refused",
                {"to": delivery.recipient.code, "fault": code, "message": message})
        _finish_document(delivery)


def _retry(delivery: Delivery, problem: str, now) -> None:
    """Wait longer each time; past the delivery hours, it is not delivered."""
    if now - delivery.created_at > timedelta(hours=settings.CORRESPONDENCE_DELIVERY_HOURS):
        return _refused(delivery, "undelivered", _("Not delivered in %(hours)s hours: "
                        "%(problem)s") % {"hours": settings.CORRESPONDENCE_DELIVERY_HOURS,
                                          "problem": problem})
    pause = min(FIRST_PAUSE * 2 ** (delivery.attempts - 1), LONGEST_PAUSE)
    Delivery.objects.filter(pk=delivery.pk, state=State.WAITING).update(
        next_attempt_at=now + pause, last_error=problem[:500])
    log.info("delivery %s of %s waits: %s", delivery.consignment, delivery.document.number,
             problem)


def _record(delivery: Delivery, action: str, summary: dict) -> None:
    audit.record(audit.SYSTEM, action, "document", delivery.document_id,
                 {**summary, "consignment": str(delivery.consignment)},
                 agency=delivery.document.agency.code)


def _finish_document(delivery: Delivery) -> None:
    """Once every addressee answered: delivered, or not delivered if any refused."""
    document = Document.objects.select_for_update().get(pk=delivery.document_id)
    states = set(document.deliveries.values_list("state", flat=True))
    if document.status != Status.SENDING or State.WAITING in states:
        return
    action = "fail_delivery" if State.REFUSED in states else "deliver"
    _step(document, action, audit.SYSTEM, {})
    document.save(update_fields=["status"])
    events.publish("correspondence.delivered", document=str(document.pk), outcome=action)
