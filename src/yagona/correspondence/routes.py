"""The door of an outgoing or internal document's way to its signature: the route of
approvers (stages in order, approvers of a stage in parallel), substitutes while an
official is away, and the signature itself (PAdES, or ASiC-E with attachments).

    set_route(author, document_id, stages, signatory)   the draft's approvers and signer
    send_for_approval(author, document_id)              opens the first stage
    decide(user, document_id, approve, remarks)         an approver (or their substitute)
    recall(author, document_id)                         back to the draft, the round ends
    sign(user, document_id, confirmation)               the signatory, with their code
    appoint_substitute(user, agency, official, substitute, starts, ends, reason)
    cancel_substitution(user, substitution_id)
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts import services as account_services
from yagona.accounts.models import Role
from yagona.core import audit, events
from yagona.core.countries import active_pack
from yagona.correspondence.models import (
    Access,
    Approval,
    Document,
    DocumentFile,
    Substitution,
)
from yagona.correspondence.queries import file_bytes, today
from yagona.correspondence.services import _locked, _step, actor_for, stored_file
from yagona.correspondence.workflow import Status
from yagona.signing import asic
from yagona.signing import services as signing
from yagona.signing.pades import NotAPdf

SIGNERS = {Role.HEAD, Role.AGENCY_ADMIN}
MANAGERS = {Role.HEAD, Role.AGENCY_ADMIN}  # who appoint substitutes for others
MAX_STAGES, MAX_APPROVERS = 10, 30
Decision = Approval.Decision


def substitutes_for(agency, official, on: date | None = None) -> set[int]:
    """The ids of those acting for ``official`` in ``agency`` on ``on`` (today)."""
    on = on or today()
    return set(Substitution.objects.filter(
        agency=agency, official=official, starts__lte=on, ends__gte=on,
        cancelled_at__isnull=True).values_list("substitute_id", flat=True))


def acts_for(user, official, agency) -> bool:
    """``user`` is ``official``, or stands in for them today."""
    return user.pk == official.pk or user.pk in substitutes_for(agency, official)


def _own_draft(user, document_id) -> Document:
    document = _locked(user, document_id)
    if document.created_by_id != user.pk:
        raise PermissionError(_("Only the document's author changes its route."))
    if document.status != Status.DRAFT:
        raise ValidationError({"status": _("The route can be changed only in a draft.")})
    return document


def set_route(user, document_id, stages: list[list], signatory) -> Document:
    """The draft's route: ``stages`` (lists of officials of the agency; an empty list
    for none) and the signatory (a head of the agency). Replaces the previous route."""
    with transaction.atomic():
        document = _own_draft(user, document_id)
        agency = document.agency
        stages = [list({a.pk: a for a in stage}.values()) for stage in stages if stage]
        errors = {}
        if len(stages) > MAX_STAGES or sum(map(len, stages)) > MAX_APPROVERS:
            errors["route"] = _("A route has at most %(stages)s stages and %(people)s "
                                "approvers.") % {"stages": MAX_STAGES, "people": MAX_APPROVERS}
        if any(not accounts.roles_in(a, agency) for stage in stages for a in stage):
            errors["route"] = _("Every approver must be an official of the agency.")
        if signatory is None or not accounts.roles_in(signatory, agency) & SIGNERS:
            errors["signatory"] = _("The signatory must be a head of the agency.")
        if errors:
            raise ValidationError(errors)
        document.approvals.filter(round=0).delete()
        Approval.objects.bulk_create(
            Approval(document=document, round=0, stage=number, approver=approver)
            for number, stage in enumerate(stages, start=1) for approver in stage)
        document.signatory = signatory
        document.save(update_fields=["signatory"])
        audit.record(actor_for(user, agency), "document.route_set", "document", document.pk,
                     {"stages": [[a.username for a in stage] for stage in stages],
                      "signatory": signatory.username}, agency=agency.code)
    return document


def send_for_approval(user, document_id) -> Document:
    """Open the route's first stage (a new round); without approvers the draft goes
    straight to its signatory."""
    with transaction.atomic():
        document = _own_draft(user, document_id)
        if document.signatory_id is None:
            raise ValidationError({"signatory": _("Choose who signs the document.")})
        if not document.files.filter(role=DocumentFile.Role.MAIN).exists():
            raise ValidationError({"files": _("Add the document's text (a PDF) first.")})
        drawn = list(document.approvals.filter(round=0))
        actor = actor_for(user, document.agency)
        if not drawn:
            _step(document, "approve_without_route", actor, {})
            document.save(update_fields=["status"])
            return document
        number = max(document.approvals.values_list("round", flat=True)) + 1
        first = min(a.stage for a in drawn)
        Approval.objects.bulk_create(
            Approval(document=document, round=number, stage=a.stage, approver=a.approver,
                     decision=Decision.PENDING if a.stage == first else Decision.WAITING)
            for a in drawn)
        _step(document, "send_for_approval", actor, {"round": number})
        document.save(update_fields=["status"])
        _tell_pending(document)
    return document


def _current(document: Document) -> list[Approval]:
    number = document.approvals.order_by("-round").values_list("round", flat=True).first()
    return list(document.approvals.filter(round=number).select_related("approver"))


def decide(user, document_id, approve: bool, remarks: str = "") -> Document:
    """The decision of a pending approver (or of the one standing in for them): an
    approval opens the next stage once the whole stage approved, and the last one
    passes the document to its signatory; a refusal needs remarks and returns the draft
    to its author."""
    remarks = (remarks or "").strip()
    if not approve and not remarks:
        raise ValidationError({"remarks": _("Write your remarks: the author needs to know "
                                            "what to change.")})
    with transaction.atomic():
        document = _locked(user, document_id)
        if document.status != Status.IN_APPROVAL:
            raise ValidationError({"status": _("The document is not in approval.")})
        route = _current(document)
        mine = next((a for a in route if a.decision == Decision.PENDING
                     and acts_for(user, a.approver, document.agency)), None)
        if mine is None:
            raise PermissionError(_("The document is not waiting for your decision."))
        mine.decision = Decision.APPROVED if approve else Decision.REFUSED
        mine.acted_by = user if user.pk != mine.approver_id else None
        mine.remarks, mine.decided_at = remarks, timezone.now()
        mine.save()
        actor = actor_for(user, document.agency)
        summary = {"round": mine.round, "stage": mine.stage, "remarks": remarks,
                   "for": mine.approver.username if mine.acted_by_id else ""}
        if not approve:
            _close_round(route, Decision.CANCELLED)
            _step(document, "refuse", actor, summary)
        else:
            audit.record(actor, "document.approval_given", "document", document.pk, summary,
                         agency=document.agency.code)
            left = [a for a in route if a.decision in (Decision.PENDING, Decision.WAITING)]
            if not left:
                _step(document, "approve", actor, {"round": mine.round})
            elif not any(a.decision == Decision.PENDING for a in left):
                following = min(a.stage for a in left)
                for a in left:
                    if a.stage == following:
                        a.decision = Decision.PENDING
                        a.save(update_fields=["decision"])
        document.save(update_fields=["status"])
        _tell_pending(document)
        if document.status in (Status.DRAFT, Status.APPROVED):
            events.publish("correspondence.route_ended", document=str(document.pk),
                           outcome=document.status)
    return document


def recall(user, document_id) -> Document:
    """The author takes the document back from its route (to change it)."""
    with transaction.atomic():
        document = _locked(user, document_id)
        if document.created_by_id != user.pk:
            raise PermissionError(_("Only the document's author recalls it."))
        if document.status != Status.IN_APPROVAL:
            raise ValidationError({"status": _("The document is not in approval.")})
        _close_round(_current(document), Decision.CANCELLED)
        _step(document, "recall", actor_for(user, document.agency), {})
        document.save(update_fields=["status"])
    return document


def _close_round(route: list[Approval], decision: str) -> None:
    for a in route:
        if a.decision in (Decision.PENDING, Decision.WAITING):
            a.decision = decision
            a.save(update_fields=["decision"])


def _tell_pending(document: Document) -> None:
    """Those whose decision the document now waits for learn of it (notifications)."""
    if document.status != Status.IN_APPROVAL:
        return
    waiting = [a.approver_id for a in _current(document) if a.decision == Decision.PENDING]
    events.publish("correspondence.approval_requested", document=str(document.pk),
                   approvers=waiting)


def sign(user, document_id, confirmation: str) -> Document:
    """The signatory (or the one standing in for them) signs the approved document with
    their own certificate, confirmed by their authenticator code, and the agency's seal
    follows: a PDF alone is signed in itself (PAdES), a text with attachments goes in an
    ASiC-E container. The signing room keeps it; its QR code and /verify/ prove it."""
    if not accounts.has_second_factor(user):
        raise ValidationError({"confirmation": _(
            "Set up an authenticator app in your account to sign documents.")})
    if not account_services.check_totp(user, confirmation or ""):
        raise ValidationError({"confirmation": _(
            "The code from your authenticator app is not right, or was used already "
            "(each code works once). Enter the next code it shows.")})
    with transaction.atomic():
        document = _locked(user, document_id)
        if document.status != Status.APPROVED:
            raise ValidationError({"status": _("Only an approved document is signed.")})
        if document.signatory_id is None or not acts_for(user, document.signatory,
                                                         document.agency):
            raise PermissionError(_("Only the document's signatory signs it."))
        files = list(document.files.filter(role__in=(DocumentFile.Role.MAIN,
                                                     DocumentFile.Role.ATTACHMENT)))
        kept = _signed(document, user, files)
        signed = stored_file(document, DocumentFile.Role.SIGNED, kept.filename,
                             kept.content_type, file_bytes(kept.file), user)
        document.signed_uuid = kept.uuid
        _step(document, "sign", actor_for(user, document.agency),
              {"signed": str(kept.uuid), "sha256": signed.sha256,
               "for": document.signatory.username if user.pk != document.signatory_id
               else ""})
        document.save(update_fields=["status", "signed_uuid"])
    return document


def _signed(document: Document, user, files: list[DocumentFile]):
    # What the public verification page may show: the subject only of a general document.
    title = dict(document.doc_type.name) if document.access != Access.PUBLIC \
        else dict.fromkeys(active_pack().languages, document.subject)
    common = {"official": user, "official_role": str(Role.HEAD.label), "kind": "letter",
              "title": title,
              "holder_kind": "agency", "holder_id": document.agency.code,
              "source": f"document:{document.pk}"}
    main = [f for f in files if f.role == DocumentFile.Role.MAIN]
    if len(files) == 1 and main and main[0].media_type == "application/pdf":
        try:
            return signing.seal(file_bytes(main[0].file), document.agency,
                                filename=main[0].name, **common)
        except NotAPdf as exc:
            raise ValidationError({"files": _("The document's text cannot be signed: it is "
                                              "not a readable PDF.")}) from exc
    entries = [asic.ContainerFile(f.name, file_bytes(f.file), f.media_type)
               for f in files]
    try:
        return signing.seal_container(entries, document.agency,
                                      filename=f"{document.pk}.asice", **common)
    except asic.ContainerError as exc:
        raise ValidationError({"files": str(exc)}) from exc


def appoint_substitute(user, agency, official, substitute, starts: date, ends: date,
                       reason: str = "") -> Substitution:
    """``substitute`` acts for ``official`` from ``starts`` to ``ends`` (both included).
    The official appoints their own; heads and the agency's administrators anyone's."""
    roles = accounts.roles_in(user, agency)
    if not roles:
        raise Http404
    if user.pk != official.pk and not roles & MANAGERS:
        raise PermissionError(_("Only a head appoints a substitute for someone else."))
    errors = {}
    if not accounts.roles_in(official, agency) or not accounts.roles_in(substitute, agency):
        errors["substitute"] = _("Both must be officials of the agency.")
    elif official.pk == substitute.pk:
        errors["substitute"] = _("Choose someone else as the substitute.")
    if ends < starts:
        errors["ends"] = _("The substitution cannot end before it starts.")
    elif ends < today():
        errors["ends"] = _("The substitution would be over already.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = Substitution.objects.create(agency=agency, official=official,
                                          substitute=substitute, starts=starts, ends=ends,
                                          reason=reason.strip()[:200], created_by=user)
        audit.record(actor_for(user, agency), "substitution.appointed", "substitution", row.pk,
                     {"official": official.username, "substitute": substitute.username,
                      "starts": starts.isoformat(), "ends": ends.isoformat()},
                     agency=agency.code)
    return row


def cancel_substitution(user, substitution_id) -> Substitution:
    with transaction.atomic():
        row = Substitution.objects.select_for_update().filter(pk=substitution_id).first()
        roles = accounts.roles_in(user, row.agency) if row else set()
        if row is None or not roles:
            raise Http404
        if user.pk != row.official_id and not roles & MANAGERS:
            raise PermissionError(_("Only a head cancels someone else's substitution."))
        if row.cancelled_at is None:
            row.cancelled_at = timezone.now()
            row.save(update_fields=["cancelled_at"])
            audit.record(actor_for(user, row.agency), "substitution.cancelled",
                         "substitution", row.pk, {}, agency=row.agency.code)
    return row
