"""The signing room's door: seal and sign documents, keep them for their holders,
issue and revoke certificates. Other rooms call these; every change is audited.

    seal(pdf, agency, official=None, ...)   an agency's result: the official's
                                            signature (when given) plus the agency seal
    seal_container(files, agency, ...)       the same as an ASiC-E container (a letter
                                            and its attachments)
    certificate_of(user, agency=None)        a person's signing certificate, issued on
                                            first need (official or citizen profile)
    revoke(actor, serial, reason)            CRLs and OCSP say so at once
    create_authorities(actor)                the issuing authorities, once (signing init)
    sign_as_person(user, pdf, ...)           a person's own signature (signing.remote)
    note_reference(user, uuid, reference)    what it is about, once that has a number
    registry_extract(user, registry_code)    what a base register holds about the person,
                                            sealed by its keeper, into their wallet
    share(user, uuid, days, label)           a link for someone else, (ShareLink, token)
    revoke_share(user, link_id)              the link stops working at once
    open_share(token, reader=, network=, user_agent=, what=)  a third party's read
"""

import hashlib
import ipaddress
import secrets
import uuid as uuid_module
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.core.identifiers import is_uuid
from yagona.signing import asic, pades, pki, queries, tsa
from yagona.signing.models import Certificate, ShareLink, ShareOpening, SignedDocument


def _state_language_name(names: dict) -> str:
    languages = active_pack().languages
    return next((names[code] for code in languages if names.get(code)), "") or \
        next(iter(names.values()), "")


def seal_certificate(agency) -> Certificate:
    """The agency's seal certificate, issued on first need (audited)."""
    row = pki.current(Certificate.Profile.SEAL, agency.code, agency.code)
    if row is not None:
        return row
    with transaction.atomic():
        name = _state_language_name(agency.name)
        row = pki.issue(Certificate.Profile.SEAL, holder=agency.code, agency_code=agency.code,
                        common_name=_state_language_name(agency.short_name) or name,
                        organisation=name)
        audit.record(audit.SYSTEM, "signing.certificate_issued", "certificate", row.serial,
                     {"profile": row.profile, "holder": row.holder}, agency=agency.code)
    return row


def certificate_of(user, agency=None, role: str = "") -> Certificate:
    """A person's signing certificate: an official's for an agency, else a citizen's."""
    profile = Certificate.Profile.OFFICIAL if agency else Certificate.Profile.CITIZEN
    code = agency.code if agency else ""
    row = pki.current(profile, user.username, code)
    if row is not None:
        return row
    with transaction.atomic():
        row = pki.issue(profile, holder=user.username, agency_code=code,
                        common_name=user.display_name,
                        organisation=_state_language_name(agency.name) if agency else "",
                        title=role)
        audit.record(audit.Actor(user=user), "signing.certificate_issued", "certificate",
                     row.serial, {"profile": row.profile, "holder": row.holder},
                     agency=code)
    return row


def seal(pdf: bytes, agency, *, official=None, official_role: str = "", kind: str,
         title: dict, holder_kind: str = "person", holder_id: str = "", reference: str = "",
         source: str = "", filename: str = "", document_id=None) -> SignedDocument:
    """Sign ``pdf`` as the agency's (the official's signature first, when given, then
    the agency seal, PAdES B-LT), keep it, audit it. The official's confirmation (their
    second factor) is the caller's to check first, since it depends on the channel.
    Raises ``pades.NotAPdf`` for a file that cannot be signed."""
    rows = _signers(agency, official, official_role)
    document_id = document_id or uuid_module.uuid4()
    signed = pades.sign(pdf, [pades.Signature(row, "Official" if row.profile ==
                                              Certificate.Profile.OFFICIAL else "Seal",
                                              reason=reference) for row in rows])
    return _kept(signed, "application/pdf", rows, agency, official, kind=kind, title=title,
                 holder_kind=holder_kind, holder_id=holder_id, reference=reference,
                 source=source, filename=filename or f"{reference or document_id}.pdf",
                 document_id=document_id)


def seal_container(files: list[asic.ContainerFile], agency, *, official=None,
                   official_role: str = "", kind: str, title: dict, holder_kind: str = "person",
                   holder_id: str = "", reference: str = "", source: str = "",
                   filename: str = "", document_id=None) -> SignedDocument:
    """``files`` in an ASiC-E container (EN 319 162-1) signed as the agency's: the
    official's CAdES signature first, when given, then the agency seal, each timestamped;
    kept and audited as ``seal`` does. For a document of several files (a letter and its
    attachments), or one that is not a PDF. Raises ``asic.ContainerError`` for files that
    cannot go in a container (a bad name or media type, too large)."""
    rows = _signers(agency, official, official_role)
    document_id = document_id or uuid_module.uuid4()
    stamper = tsa.timestamper()
    container = asic.build(files, pki.signer(rows[0]), timestamper=stamper)
    for row in rows[1:]:
        container = asic.add_signature(container, pki.signer(row), timestamper=stamper)
    return _kept(container, asic.MIMETYPE, rows, agency, official, kind=kind, title=title,
                 holder_kind=holder_kind, holder_id=holder_id, reference=reference,
                 source=source, filename=filename or f"{reference or document_id}.asice",
                 document_id=document_id)


def _signers(agency, official, official_role: str) -> list[Certificate]:
    rows = [certificate_of(official, agency, official_role)] if official is not None else []
    return [*rows, seal_certificate(agency)]


def _kept(signed: bytes, content_type: str, rows: list[Certificate], agency, official, *,
          kind: str, title: dict, holder_kind: str, holder_id: str, reference: str,
          source: str, filename: str, document_id) -> SignedDocument:
    extension = "asice" if content_type == asic.MIMETYPE else "pdf"
    with transaction.atomic():
        document = SignedDocument(
            uuid=document_id, kind=kind, title=title, holder_kind=holder_kind,
            holder_id=holder_id, agency_code=agency.code, reference=reference, source=source,
            filename=filename, content_type=content_type, size=len(signed),
            sha256=hashlib.sha256(signed).hexdigest(), issued_at=timezone.now(),
            signers=[{"name": row.common_name, "profile": row.profile, "serial": row.serial}
                     for row in rows])
        document.file.save(f"{document_id}.{extension}", ContentFile(signed), save=False)
        document.save()
        actor = audit.Actor(user=official) if official is not None else audit.SYSTEM
        audit.record(actor, "signing.document_sealed", "signed_document", document.uuid,
                     {"kind": kind, "reference": reference, "sha256": document.sha256,
                      "signers": [s["serial"] for s in document.signers]},
                     agency=agency.code)
    return document


def revoke(actor: audit.Actor, serial: str, reason: str = "unspecified") -> Certificate:
    """Revoke a certificate of the hierarchy (the caller checked who may)."""
    with transaction.atomic():
        row = Certificate.objects.select_for_update().get(serial=serial)
        if row.revoked_at is None:
            pki.revoke(row, reason)
            audit.record(actor, "signing.certificate_revoked", "certificate", row.serial,
                         {"reason": reason, "holder": row.holder}, agency=row.agency_code)
    return row


def sign_as_person(user, pdf: bytes, *, kind: str, title: dict, source: str = "",
                   reference: str = "") -> SignedDocument:
    """Sign ``pdf`` with the person's own (citizen) key, PAdES B-LT. Only for
    ``signing.remote.confirm``, once the person confirmed; the document is theirs."""
    row = certificate_of(user)
    signed = pades.sign(pdf, [pades.Signature(row, "Signature", reason=reference)])
    with transaction.atomic():
        document = SignedDocument(
            kind=kind, title=title, holder_kind="person", holder_id=user.username,
            reference=reference, source=source, filename=f"{reference or 'signed'}.pdf",
            size=len(signed), sha256=hashlib.sha256(signed).hexdigest(),
            issued_at=timezone.now(),
            signers=[{"name": row.common_name, "profile": row.profile, "serial": row.serial}])
        document.file.save(f"{document.uuid}.pdf", ContentFile(signed), save=False)
        document.save()
        audit.record(audit.Actor(user=user), "signing.document_signed", "signed_document",
                     document.uuid, {"kind": kind, "sha256": document.sha256,
                                     "signer": row.serial, "source": source})
    return document


def registry_extract(user, registry_code: str) -> SignedDocument:
    """A sealed extract of the person's record in a base register (``extracts.py``): 404
    when the register holds none about them; today's, when the record has not changed."""
    from yagona.signing import extracts  # it seals through this door

    return extracts.issue(user, registry_code)


def note_reference(user, uuid, reference: str) -> SignedDocument:
    """Name what a person's signed document is about once that has a number: a signed
    application gets its registration number at submission, after the signature. Only
    the signer's own document (else 404); the signed bytes do not change."""
    with transaction.atomic():
        document = SignedDocument.objects.select_for_update().filter(
            uuid=uuid if is_uuid(uuid) else None, holder_kind=queries.PERSON,
            holder_id=user.username).first()
        if document is None:
            raise Http404
        if document.reference != reference:
            document.reference = reference[:64]
            document.filename = f"{reference}.pdf" if reference else document.filename
            document.save(update_fields=["reference", "filename"])
            audit.record(audit.Actor(user=user), "signing.reference_noted",
                         "signed_document", document.uuid, {"reference": document.reference})
    return document




def create_authorities(actor: audit.Actor) -> list[Certificate]:
    """Make the seals and persons authorities under the platform root, once (raises
    ``FileExistsError`` if either exists)."""
    with transaction.atomic():
        rows = pki.create_authorities()
        for row in rows:
            audit.record(actor, "signing.authority_created", "certificate", row.serial,
                         {"holder": row.holder, "sha256": row.sha256})
    return rows


# --- sharing a document of one's wallet -------------------------------------------------

SHARE_DAYS = (1, 7, 30)  # the choices a holder has: a short life limits a leaked link
LABEL_LENGTH = ShareLink._meta.get_field("label").max_length
USER_AGENT_LENGTH = ShareOpening._meta.get_field("user_agent").max_length
OPENED_AS = ("page", "download")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _holder_actor(user, document) -> audit.Actor:
    own = document.holder_kind == queries.PERSON and document.holder_id == user.username
    return audit.Actor(user=user, represented="" if own else document.holder_id)


def share(user, uuid, days: int, label: str = "") -> tuple[ShareLink, str]:
    """A link to one document of the user's wallet, valid ``days`` (one of SHARE_DAYS).
    The token is returned once, for the holder to pass on; only its hash is kept."""
    document = queries.document_for(user, uuid)
    label = " ".join((label or "").split())
    errors = {}
    if days not in SHARE_DAYS:
        errors["days"] = _("Choose how long the link works.")
    if len(label) > LABEL_LENGTH:
        errors["label"] = _("Write at most %(limit)s characters.") % {"limit": LABEL_LENGTH}
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = ShareLink.objects.create(
            document=document, token_sha256=_token_hash(token), label=label,
            created_by=user, expires_at=timezone.now() + timedelta(days=days))
        audit.record(_holder_actor(user, document), "signing.share_created",
                     "signed_document", document.uuid,
                     {"link": link.pk, "days": days, "label": label,
                      "expires_at": link.expires_at.isoformat()},
                     agency=document.agency_code)
    return link, token


def revoke_share(user, link_id) -> ShareLink:
    """End a link of the user's wallet now; a link out of their reach is 404."""
    with transaction.atomic():
        link = ShareLink.objects.select_for_update().select_related("document") \
            .filter(pk=link_id if isinstance(link_id, int) else None).first()
        if link is None:
            raise Http404
        queries.document_for(user, link.document.uuid)  # in reach, else 404
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            audit.record(_holder_actor(user, link.document), "signing.share_revoked",
                         "signed_document", link.document.uuid, {"link": link.pk},
                         agency=link.document.agency_code)
    return link


def network_of(address: str) -> str:
    """The network an address is in, never the address: IPv4 /24, IPv6 /48 (enough for
    the holder to tell their bank's office from elsewhere; not enough to name a device)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def open_share(token: str, *, reader: str = "", network: str = "", user_agent: str = "",
               what: str = "page") -> SignedDocument:
    """The document behind a live link, its opening recorded for the holder (when, who
    if signed in, from which network, with which browser, page or download) and audited
    as a read by a third party. Unknown, expired and revoked links are 404 alike.
    ``network`` is the reader's address: only its network is kept."""
    if what not in OPENED_AS:
        raise ValueError(f"unknown way of opening {what!r}")
    if not isinstance(token, str) or not token:
        raise Http404
    with transaction.atomic():
        link = ShareLink.objects.select_related("document").filter(
            token_sha256=_token_hash(token), revoked_at__isnull=True,
            expires_at__gt=timezone.now()).first()
        if link is None:
            raise Http404
        opening = ShareOpening.objects.create(
            link=link, reader=(reader or "")[:64], network=network_of(network),
            user_agent=(user_agent or "")[:USER_AGENT_LENGTH], opened_as=what)
        person = accounts.person(reader) if reader else None
        actor = audit.Actor(user=person) if person else audit.Actor(system="share-link")
        document = link.document
        audit.record(actor, "signing.share_opened", "signed_document", document.uuid,
                     {"link": link.pk, "label": link.label, "as": what,
                      "reader": opening.reader, "network": opening.network,
                      "holder": f"{document.holder_kind}:{document.holder_id}"},
                     agency=document.agency_code)
    return document
