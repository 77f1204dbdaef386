"""The door of the correspondence room: commands that change an agency's document flow.

Every command: permission check → transaction (a row lock for a step) → the change →
the audit entry. Objects out of the caller's reach are 404 (queries.visible).
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.core.normalize import transliteration, words
from yagona.core.uploads import FileRejected, check_upload
from yagona.correspondence import numbers, workflow
from yagona.correspondence.models import (
    Access,
    Case,
    Document,
    DocumentFile,
    DocumentTerm,
    DocumentType,
    Journal,
    Kind,
    Link,
)
from yagona.correspondence.queries import visible
from yagona.correspondence.workflow import Status

REGISTRARS = {Role.CLERK, Role.AGENCY_ADMIN}
# What a document's files may be: a signed letter's text is a PDF; attachments may be
# scans too. Their size together is bounded by what the exchange carries.
MAIN_TYPES = ("application/pdf",)
ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 20


def actor_for(user, agency: Agency) -> audit.Actor:
    return audit.Actor(user=user, agency=agency.code)


def _require_official(user, agency: Agency) -> set[str]:
    roles = accounts.roles_in(user, agency)
    if not roles:
        raise Http404  # not this agency's: the document does not exist for them
    return roles


def _require_registrar(user, agency: Agency) -> None:
    if not _require_official(user, agency) & REGISTRARS:
        raise PermissionError(_("Only the agency's registry clerks register documents."))


@dataclass
class Card:
    """What a registration card holds besides its files: the fields a clerk fills in."""

    doc_type: str
    subject: str
    summary: str = ""
    pages: int = 1
    access: str = Access.PUBLIC
    language: str = ""
    correspondent_agency: Agency | None = None
    correspondent_name: str = ""
    their_number: str = ""
    their_date: date | None = None
    department_code: str = ""


def check_card(agency: Agency, card: Card):
    """The card's kind of document and department, or ValidationError naming every
    problem of the card (pages show them all at once, with their own input problems)."""
    errors = {}
    doc_type = DocumentType.objects.filter(code=card.doc_type, active=True).first()
    if doc_type is None:
        errors["doc_type"] = _("Choose the kind of document.")
    if not card.subject.strip():
        errors["subject"] = _("Enter the subject.")
    elif len(card.subject) > 1000:
        errors["subject"] = _("The subject can be at most 1000 characters.")
    if not 1 <= card.pages <= 10000:
        errors["pages"] = _("Enter the number of pages, from 1 to 10000.")
    if card.access not in Access.values:
        errors["access"] = _("Choose the access level.")
    department = None
    if card.department_code:
        department = agency.departments.filter(code=card.department_code, active=True).first()
        if department is None:
            errors["department"] = _("Choose one of the agency's departments.")
    if errors:
        raise ValidationError(errors)
    return doc_type, department


def _apply(document: Document, card: Card) -> None:
    """Put ``card`` on ``document``, or refuse it whole with every problem named."""
    doc_type, department = check_card(document.agency, card)
    document.doc_type, document.subject, document.summary = doc_type, card.subject.strip(), \
        card.summary.strip()
    languages = active_pack().languages  # the state language, unless the card says
    document.pages, document.access = card.pages, card.access
    document.language = card.language if card.language in languages else languages[0]
    document.correspondent_agency = card.correspondent_agency
    document.correspondent_name = card.correspondent_name.strip()
    document.their_number, document.their_date = card.their_number.strip(), card.their_date
    document.department = department
    document.search_text = _search_text(document)


def _search_text(document: Document) -> str:
    table = transliteration((active_pack().raw.get("search") or {}).get("transliterate"))
    correspondent = document.correspondent_name or (
        " ".join(document.correspondent_agency.name.values())
        if document.correspondent_agency else "")
    parts = [document.number, document.their_number, document.subject, document.summary,
             correspondent]
    return " ".join(words(" ".join(part for part in parts if part), table))


def create_draft(user, agency: Agency, kind: str, card: Card, *, source: str = "",
                 answers=None) -> Document:
    """A new outgoing or internal document, a draft of ``user``'s. ``source``: what it
    comes from in another room ("application:<uuid>"), told again when it is answered;
    ``answers``: the id of a registered document of the agency it answers."""
    _require_official(user, agency)
    if kind not in (Kind.OUTGOING, Kind.INTERNAL):
        raise ValidationError({"kind": _("A draft is an outgoing or an internal document.")})
    answered = None
    if answers is not None:
        answered = visible(user).filter(pk=answers, agency=agency,
                                        registered_at__isnull=False).first()
        if answered is None:
            raise Http404
    with transaction.atomic():
        document = Document(agency=agency, kind=kind, created_by=user, source=source[:80])
        _apply(document, card)
        document.save()
        _index(document)
        if answered is not None:
            Link.objects.create(source=document, relation=Link.Relation.ANSWERS,
                                target=answered)
        audit.record(actor_for(user, agency), "document.drafted", "document", document.pk,
                     {"kind": kind, "type": card.doc_type, "access": card.access,
                      "source": source, "answers": str(answers or "")}, agency=agency.code)
    return document


def register_incoming(user, agency: Agency, card: Card, *, journal_code: str = "",
                      actor: audit.Actor | None = None) -> Document:
    """Register a document that arrived: on paper at the desk (``user``, a clerk), or
    over the exchange (``user`` None; ``actor`` names the sending system)."""
    if user is not None:
        _require_registrar(user, agency)
    with transaction.atomic():
        document = Document(agency=agency, kind=Kind.INCOMING, created_by=user)
        _apply(document, card)
        journal = _journal(agency, Kind.INCOMING, journal_code)
        _register(document, journal, None, actor or actor_for(user, agency),
                  "register_received")
    return document


def attach(user, document_id, role: str, upload) -> DocumentFile:
    """Add a file to the author's draft: its text (a PDF, replacing the previous one) or
    an attachment. The type is judged by the content, not the name."""
    if role not in (DocumentFile.Role.MAIN, DocumentFile.Role.ATTACHMENT):
        raise ValidationError({"role": _("Choose the text or an attachment.")})
    try:
        media_type, _digest = check_upload(
            upload, accept=MAIN_TYPES if role == DocumentFile.Role.MAIN else ATTACHMENT_TYPES,
            max_bytes=MAX_FILE_BYTES)
    except FileRejected as exc:
        raise ValidationError({"file": str(exc)}) from exc
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "document"
    with transaction.atomic():
        document = _locked(user, document_id)
        if document.created_by_id != user.pk or document.status != Status.DRAFT:
            raise PermissionError(_("Only the author changes the files of a draft."))
        if role == DocumentFile.Role.MAIN:
            document.files.filter(role=role).delete()
        elif document.files.count() >= MAX_FILES:
            raise ValidationError({"file": _("A document has at most %(count)s files.")
                                   % {"count": MAX_FILES}})
        if document.files.filter(name=name).exists():
            raise ValidationError({"file": _("The document has a file of this name already.")})
        upload.seek(0)
        row = stored_file(document, role, name, media_type, upload.read(), user)
        audit.record(actor_for(user, document.agency), "document.file_added", "document",
                     document.pk, {"role": role, "name": name, "sha256": row.sha256},
                     agency=document.agency.code)
    return row


def remove_file(user, document_id, file_id) -> None:
    with transaction.atomic():
        document = _locked(user, document_id)
        if document.created_by_id != user.pk or document.status != Status.DRAFT:
            raise PermissionError(_("Only the author changes the files of a draft."))
        row = document.files.exclude(role=DocumentFile.Role.SIGNED).filter(pk=file_id).first()
        if row is None:
            raise Http404
        row.delete()
        audit.record(actor_for(user, document.agency), "document.file_removed", "document",
                     document.pk, {"name": row.name, "sha256": row.sha256},
                     agency=document.agency.code)


def stored_file(document: Document, role: str, name: str, media_type: str, data: bytes,
                user=None) -> DocumentFile:
    """Keep ``data`` as a file of ``document`` (the caller audits)."""
    row = DocumentFile(document=document, role=role, name=name, media_type=media_type,
                       size=len(data), sha256=hashlib.sha256(data).hexdigest(), added_by=user)
    row.file.save(f"{document.pk}-{row.sha256[:12]}", ContentFile(data), save=False)
    row.save()
    return row


def register(user, document_id, *, case_index: str = "", journal_code: str = "") -> Document:
    """Register a signed outgoing or internal document in its journal: the number is
    drawn now, once."""
    with transaction.atomic():
        document = _locked(user, document_id)
        _require_registrar(user, document.agency)
        case = _case(document.agency, case_index) if case_index else None
        journal = _journal(document.agency, document.kind, journal_code)
        _register(document, journal, case, actor_for(user, document.agency), "register")
    return document


def file_document(user, document_id, case_index: str) -> Document:
    """File a finished document into a case of the file plan."""
    with transaction.atomic():
        document = _locked(user, document_id)
        _require_registrar(user, document.agency)
        case = _case(document.agency, case_index)
        _step(document, "file", actor_for(user, document.agency), {"case": case.index})
        document.case, document.filed_at = case, timezone.now()
        document.save(update_fields=["case", "filed_at", "status"])
    return document


def _register(document: Document, journal: Journal, case: Case | None,
              actor: audit.Actor, action: str) -> None:
    if journal.kind != document.kind:
        raise ValidationError({"journal": _("This journal is for other documents.")})
    needs_case = "{case}" in journal.number_format
    if needs_case and case is None:
        raise ValidationError({"case": _("Choose the case of the file plan the document "
                                          "goes to: its number includes the case index.")})
    year = timezone.localtime(timezone.now(), active_pack().zone).year
    document.sequence, document.number = numbers.draw(journal, year,
                                                      case.index if case else "")
    document.journal, document.year, document.registered_at = journal, year, timezone.now()
    if case is not None:
        document.case = case
    document.search_text = _search_text(document)
    if document._state.adding:
        document.status = workflow.next_status(document.kind, document.status, action)
        document.save()
        _index(document)
        audit.record(actor, f"document.{action}", "document", document.pk,
                     {"number": document.number, "journal": journal.code},
                     agency=document.agency.code)
        return
    _step(document, action, actor, {"number": document.number, "journal": journal.code})
    document.save()
    _index(document)


MAX_TERMS = 64


def _index(document: Document) -> None:
    """The search terms of ``document``'s card (correspondence.search)."""
    DocumentTerm.objects.filter(document=document).delete()
    DocumentTerm.objects.bulk_create(
        DocumentTerm(agency_id=document.agency_id, term=term[:100], document=document)
        for term in sorted(set(document.search_text.split()))[:MAX_TERMS])


def _step(document: Document, action: str, actor: audit.Actor, summary: dict) -> None:
    """Move ``document`` along the workflow table and audit it (the caller saves)."""
    document.status = workflow.next_status(document.kind, document.status, action)
    audit.record(actor, f"document.{action}", "document", document.pk, summary,
                 agency=document.agency.code)


def _locked(user, document_id) -> Document:
    document = visible(user).select_for_update(of=("self",)).filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document


def _journal(agency: Agency, kind: str, code: str = "") -> Journal:
    journals = agency.journals.filter(kind=kind, active=True)
    journal = journals.filter(code=code).first() if code else journals.first()
    if journal is None:
        raise ValidationError({"journal": _("The agency keeps no such journal.")})
    return journal


def _case(agency: Agency, index: str) -> Case:
    case = agency.file_plan.filter(index=index, active=True).first()
    if case is None:
        raise ValidationError({"case": _("Choose a case of the agency's file plan.")})
    return case
