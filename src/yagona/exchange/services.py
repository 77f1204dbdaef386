"""Commands of the central authority: members, subsystems, nodes, services and access
rights, and the certificates of onboarding (a node's signing request, approved or
rejected). The authority is the e-government agency running the platform: its
platform administrators, or the system itself. Every change is audited."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.core import audit
from yagona.exchange import ca
from yagona.exchange.ids import MEMBER_CLASSES, PART
from yagona.exchange.models import (
    AccessRight,
    Certificate,
    ExchangeService,
    Member,
    Node,
    SigningRequest,
    Subsystem,
    secret_digest,
)


def _authority(actor: audit.Actor) -> None:
    if actor.user is not None and not getattr(actor.user, "is_platform_admin", False):
        raise PermissionDenied


def _code(value: str, what: str) -> str:
    if not PART.fullmatch(value or ""):
        raise ValidationError({what: _("Use letters, digits, dots, hyphens and underscores.")})
    return value


def instance() -> str:
    """The exchange instance: the first part of every identifier (the country, TJ)."""
    from django.conf import settings

    from yagona.core.countries import active_pack

    return settings.EXCHANGE_INSTANCE or active_pack().code.upper()


def register_member(actor: audit.Actor, member_class: str, code: str, name: str,
                    agency=None) -> Member:
    _authority(actor)
    if member_class not in MEMBER_CLASSES:
        raise ValidationError({"member_class": _("Choose GOV, COM or NGO.")})
    with transaction.atomic():
        member, created = Member.objects.get_or_create(
            instance=instance(), member_class=member_class,
            code=_code(code, "code"), defaults={"name": name, "agency": agency})
        if agency is not None and member.agency_id != agency.pk:
            member.agency = agency
            member.save(update_fields=["agency"])
        if created:
            audit.record(actor, "exchange.member_registered", "exchange_member",
                         str(member.identifier), {"name": name})
    return member


def add_subsystem(actor: audit.Actor, member: Member, code: str, name: str = "") -> Subsystem:
    _authority(actor)
    with transaction.atomic():
        subsystem, created = Subsystem.objects.get_or_create(
            member=member, code=_code(code, "code"), defaults={"name": name})
        if created:
            audit.record(actor, "exchange.subsystem_added", "exchange_subsystem",
                         str(subsystem.identifier), {})
    return subsystem


def add_node(actor: audit.Actor, member: Member, name: str, address: str,
             client_url: str = "") -> Node:
    _authority(actor)
    if not address.startswith("https://"):
        raise ValidationError({"address": _("Nodes talk over HTTPS: https://host:port")})
    with transaction.atomic():
        node, _created = Node.objects.update_or_create(
            member=member, name=_code(name, "name"),
            defaults={"address": address, "client_url": client_url})
        audit.record(actor, "exchange.node_registered", "exchange_node",
                     f"{member.identifier}/{node.name}", {"address": address})
    return node


def issue_system_token(actor: audit.Actor, node: Node) -> str:
    """A new token for the node to call the platform's systems with (shown once)."""
    import secrets

    _authority(actor)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Node.objects.filter(pk=node.pk).update(
            system_token=secret_digest(token))
        audit.record(actor, "exchange.node_token_issued", "exchange_node",
                     f"{node.member.identifier}/{node.name}", {})
    return token


def member_for_agency(actor: audit.Actor, agency) -> Member:
    """The exchange member of a government agency (GOV/its code), registered if new."""
    return register_member(actor, "GOV", agency.code, agency.display_name, agency=agency)


REGISTRY_SUBSYSTEM = "registries"
# An agency's case handling on the platform, the client of its once-only reads.
CASE_SUBSYSTEM = "services"


def offer_registries(actor: audit.Actor) -> list[ExchangeService]:
    """Each base registry as a service of its owner agency's ``registries`` subsystem:
    GOV/VKD/registries/population and so on, with its OpenAPI description."""
    from yagona.registries.models import Registry

    offered = []
    for registry in Registry.objects.filter(active=True).select_related("agency"):
        member = member_for_agency(actor, registry.agency)
        subsystem = add_subsystem(actor, member, REGISTRY_SUBSYSTEM, "Base registries")
        offered.append(offer_service(actor, subsystem, registry.code, registry.display_name,
                                     registry_openapi(registry)))
    return offered


def registry_openapi(registry) -> dict:
    return {"openapi": "3.0.3",
            "info": {"title": registry.display_name, "version": "1"},
            "paths": {"/records": {"get": {
                "summary": "The record whose key field has this value, with the fields the "
                           "caller's agency may read",
                "parameters": [{"name": "field", "in": "query", "required": True,
                                "schema": {"type": "string"}},
                               {"name": "value", "in": "query", "required": True,
                                "schema": {"type": "string"}},
                               {"name": "fields", "in": "query", "required": False,
                                "description": "only these fields, comma-separated",
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the record's fields"},
                              "404": {"description": "no such record"}}}}}}


def offer_service(actor: audit.Actor, subsystem: Subsystem, code: str, title: str,
                  openapi: dict) -> ExchangeService:
    _authority(actor)
    with transaction.atomic():
        service, _created = ExchangeService.objects.update_or_create(
            subsystem=subsystem, code=_code(code, "code"),
            defaults={"title": title, "openapi": openapi})
        audit.record(actor, "exchange.service_offered", "exchange_service",
                     str(service.identifier), {"title": title})
    return service


def allow(actor: audit.Actor, service: ExchangeService, client: Subsystem, method: str = "",
          path: str = "") -> AccessRight:
    _authority(actor)
    with transaction.atomic():
        right, created = AccessRight.objects.get_or_create(
            service=service, client=client, method=method.upper(), path=path)
        if created:
            audit.record(actor, "exchange.access_allowed", "exchange_service",
                         str(service.identifier), {"client": str(client.identifier),
                                                   "method": right.method, "path": path})
    return right


def deny(actor: audit.Actor, right: AccessRight) -> None:
    _authority(actor)
    with transaction.atomic():
        audit.record(actor, "exchange.access_denied", "exchange_service",
                     str(right.service.identifier), {"client": str(right.client.identifier),
                                                     "method": right.method,
                                                     "path": right.path})
        right.delete()


ENROLMENT_DAYS = 7


def open_enrolment(actor: audit.Actor, node: Node) -> str:
    """A new enrolment code for the node's operator to send its certificate requests
    with, for this node only and for ENROLMENT_DAYS (shown once; only its hash is kept).
    An earlier code stops working."""
    import base64
    import secrets

    _authority(actor)
    # Base32 (a-z, 2-7), not token_urlsafe: a code starting with '-' (1 in 64 of those)
    # would be taken for an option in `--enrol CODE`.
    code = base64.b32encode(secrets.token_bytes(20)).decode().lower()
    with transaction.atomic():
        Node.objects.filter(pk=node.pk).update(
            enrolment_code=secret_digest(code),
            enrolment_expires=timezone.now() + dt.timedelta(days=ENROLMENT_DAYS))
        audit.record(actor, "exchange.enrolment_opened", "exchange_node",
                     f"{node.member.identifier}/{node.name}", {"days": ENROLMENT_DAYS})
    return code


def enrol(member_id: str, node_name: str, code: str, kind: str,
          csr_pem: str) -> SigningRequest:
    """A node's request sent over the network: only with the node's live enrolment code
    (else PermissionDenied), and checked now, so that the administrator sees only
    well-formed requests; the same request sent again is the same request, and a new one
    replaces the one still waiting."""
    from yagona.exchange import queries

    node = queries.enrolled_node(member_id, node_name, code)
    if node is None:
        raise PermissionDenied
    try:
        ca.checked_request(csr_pem)
    except ca.BadRequest as exc:
        raise ValidationError({"csr": str(exc)}) from exc
    with transaction.atomic():
        waiting = SigningRequest.objects.select_for_update().filter(
            node=node, kind=kind, status=SigningRequest.Status.PENDING)
        same = waiting.filter(csr=csr_pem).first()
        if same is not None:
            return same
        for old in waiting:
            old.status, old.decided_at = SigningRequest.Status.REJECTED, timezone.now()
            old.decided_by, old.reason = "superseded", "A newer request replaced it."
            old.save()
            audit.record(audit.SYSTEM, "exchange.certificate_request_superseded",
                         "exchange_node", f"{node.member.identifier}/{node.name}",
                         {"kind": kind, "request": old.pk})
        return submit_request(node, kind, csr_pem)


def submit_request(node: Node, kind: str, csr_pem: str) -> SigningRequest:
    """A node asks for a certificate (its TLS or its member's signing certificate)."""
    if kind not in Certificate.Kind.values:
        raise ValidationError({"kind": _("Ask for a TLS or a signing certificate.")})
    with transaction.atomic():
        request = SigningRequest.objects.create(member=node.member, node=node, kind=kind,
                                                csr=csr_pem)
        audit.record(audit.SYSTEM, "exchange.certificate_requested", "exchange_node",
                     f"{node.member.identifier}/{node.name}", {"kind": kind,
                                                               "request": request.pk})
    return request


def approve(actor: audit.Actor, request_id: int) -> Certificate:
    """Issue the certificate a request asks for; its subject is the member's identifier
    and the node's name, whatever the request said."""
    _authority(actor)
    with transaction.atomic():
        request = (SigningRequest.objects.select_for_update().select_related("member", "node")
                   .get(pk=request_id, status=SigningRequest.Status.PENDING))
        member, node = request.member, request.node
        host = node.address.removeprefix("https://").rsplit(":", 1)[0].strip("[]")
        try:
            issued = ca.Authority().sign_request(
                request.csr, request.kind,
                f"{member.identifier}/{node.name}" if request.kind == "tls"
                else str(member.identifier), member.name,
                hosts=[host] if request.kind == "tls" else [])
        except ca.BadRequest as exc:
            raise ValidationError({"csr": str(exc)}) from exc
        certificate = Certificate.objects.create(
            member=member, node=node if request.kind == "tls" else None, kind=request.kind,
            serial=f"{issued.serial_number:x}", sha256=ca.fingerprint(issued),
            pem=ca.pem(issued), not_before=issued.not_valid_before_utc,
            not_after=issued.not_valid_after_utc)
        request.status, request.certificate = SigningRequest.Status.APPROVED, certificate
        request.decided_at, request.decided_by = timezone.now(), actor.label
        request.save()
        audit.record(actor, "exchange.certificate_issued", "exchange_member",
                     str(member.identifier), {"kind": request.kind, "serial": certificate.serial,
                                              "node": node.name})
    return certificate


def reject(actor: audit.Actor, request_id: int, reason: str) -> None:
    _authority(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the refusal.")})
    with transaction.atomic():
        request = SigningRequest.objects.select_for_update().get(
            pk=request_id, status=SigningRequest.Status.PENDING)
        request.status, request.decided_at = SigningRequest.Status.REJECTED, timezone.now()
        request.decided_by, request.reason = actor.label, reason.strip()
        request.save()
        audit.record(actor, "exchange.certificate_refused", "exchange_member",
                     str(request.member.identifier), {"request": request.pk, "reason": reason})


def revoke(actor: audit.Actor, certificate: Certificate, reason: str) -> None:
    """The certificate leaves the next global configuration: nodes stop trusting it."""
    _authority(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=dt.datetime.now(dt.UTC))
        audit.record(actor, "exchange.certificate_revoked", "exchange_member",
                     str(certificate.member.identifier), {"serial": certificate.serial,
                                                          "reason": reason})


def give_consent(person, registry_code: str, member_id: str, fields: list[str], purpose: str,
                 until):
    """The person lets a member outside government (a bank) read these fields of their
    record: the exchange knows the member, the register keeps the consent."""
    from yagona.exchange.queries import member_by_identifier
    from yagona.registries import services as registries

    member = member_by_identifier(member_id or "")
    name = member.name if member is not None and member.member_class != "GOV" else None
    return registries.give_consent(person, registry_code, member_id, name, fields, purpose,
                                   until)
