"""Reads of the correspondence room. A document is visible to the officials of its
agency; one marked for official use only to its author, those on its route (approvers,
the signatory, and who stands in for them), those assigned to it, the registry clerks
and the heads (who route and assign it)."""

from contextlib import suppress
from datetime import date, datetime

from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from yagona.accounts import queries as accounts
from yagona.accounts.models import Role, User
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.core.identifiers import is_uuid
from yagona.core.models import AuditEntry
from yagona.correspondence.models import (
    Access,
    Approval,
    Assignment,
    Delivery,
    Document,
    DocumentFile,
    Substitution,
)
from yagona.correspondence.workflow import Status

SEE_ALL = {Role.CLERK, Role.HEAD, Role.AGENCY_ADMIN}


def visible(user) -> QuerySet[Document]:
    """The documents ``user`` may see (none for anyone who is not an official)."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    reach = Q()
    for agency_id, role in accounts.agency_roles(user):
        if role in SEE_ALL:
            reach |= Q(agency_id=agency_id)
        else:
            reach |= Q(agency_id=agency_id) & (~Q(access=Access.OFFICIAL_USE)
                                               | _involved(user))
    if not reach:
        return Document.objects.none()
    return Document.objects.filter(reach)


def today() -> date:
    """Today in the country's time zone: the day substitutions and dates are read in."""
    return timezone.localtime(timezone.now(), active_pack().zone).date()


def _involved(user) -> Q:
    """The documents ``user`` works on: theirs, on their route (or the route of someone
    they stand in for today), or assigned to them."""
    day = today()
    people = [user.pk, *Substitution.objects.filter(
        substitute=user, starts__lte=day, ends__gte=day, cancelled_at__isnull=True,
    ).values_list("official_id", flat=True)]
    on_route = Approval.objects.filter(approver_id__in=people).values("document_id")
    assigned = Assignment.objects.filter(executor_id__in=people).values(
        "resolution__document_id")
    return (Q(created_by=user) | Q(signatory_id__in=people) | Q(pk__in=on_route)
            | Q(pk__in=assigned))


def document(pk) -> Document | None:
    """A document by its id, for what other rooms do on its events (no access check: the
    caller is the system)."""
    if not is_uuid(str(pk)):
        return None
    return Document.objects.select_related("agency", "correspondent_agency").filter(
        pk=pk).first()


def standing_in_for(document: Document, officials: list[int]) -> list[int]:
    """Those standing in today for ``officials`` in the document's agency."""
    day = today()
    return list(Substitution.objects.filter(
        agency=document.agency, official_id__in=officials, starts__lte=day, ends__gte=day,
        cancelled_at__isnull=True).values_list("substitute_id", flat=True))


def last_remarks(document: Document) -> str:
    refused = document.approvals.filter(decision=Approval.Decision.REFUSED).order_by(
        "-decided_at").first()
    return refused.remarks if refused else ""


def notice_params(document: Document) -> dict:
    """What a notice about ``document`` says (it may be e-mailed: a document for official
    use is named by its number only)."""
    subject = document.subject if document.access != Access.OFFICIAL_USE else ""
    return {"document": str(document.pk), "number": document.number, "subject": subject}


def file_bytes(field) -> bytes:
    """The bytes of a stored file (a FileField's), its handle closed."""
    with field.open("rb") as handle:
        return handle.read()


# Reads of the back-office pages: the card (every opening audited), its route, history
# and deliveries, what waits for a reader's decision, substitutions, paging.

PAGE = 50
READS = ("document.viewed", "document.file_downloaded")  # audited reads, not steps


def in_agency(user, agency, document_id) -> Document:
    """A document of ``agency`` that ``user`` may see (not audited: the caller acts on
    it, and the action is the audit entry); else 404."""
    document = (visible(user).filter(agency=agency, pk=document_id)
                .select_related("doc_type", "journal", "case", "department", "created_by",
                                "correspondent_agency", "signatory").first())
    if document is None:
        raise Http404
    return document


def opened(user, agency, document_id, **note) -> Document:
    """The card ``user`` opens: every opening is audited (``document.viewed``)."""
    document = in_agency(user, agency, document_id)
    with transaction.atomic():
        audit.record(_actor(user, agency), "document.viewed", "document", document.pk, note,
                     agency=agency.code)
    return document


def opened_file(user, agency, document_id, file_id) -> DocumentFile:
    """A file of a visible document, its download audited (``document.file_downloaded``)."""
    document = in_agency(user, agency, document_id)
    row = document.files.filter(pk=file_id).first()
    if row is None:
        raise Http404
    with transaction.atomic():
        audit.record(_actor(user, agency), "document.file_downloaded", "document",
                     document.pk, {"name": row.name, "role": row.role, "sha256": row.sha256},
                     agency=agency.code)
    return row


def opened_receipt(user, agency, document_id, delivery_id) -> Delivery:
    """The addressee's signed receipt of a delivery, its download audited."""
    document = in_agency(user, agency, document_id)
    row = document.deliveries.filter(pk=delivery_id).exclude(receipt="").first()
    if row is None:
        raise Http404
    with transaction.atomic():
        audit.record(_actor(user, agency), "document.file_downloaded", "document",
                     document.pk, {"receipt": str(row.consignment),
                                   "sha256": row.receipt_sha256}, agency=agency.code)
    return row


def _actor(user, agency) -> audit.Actor:
    return audit.Actor(user=user, agency=agency.code)


def acting_as(user, agency) -> list[int]:
    """``user`` and those of ``agency`` they stand in for today."""
    day = today()
    return [user.pk, *Substitution.objects.filter(
        agency=agency, substitute=user, starts__lte=day, ends__gte=day,
        cancelled_at__isnull=True).values_list("official_id", flat=True)]


def waiting_for(user, agency) -> QuerySet[Document]:
    """Documents of ``agency`` waiting for ``user``'s decision (or the decision of someone
    they stand in for): to approve on a route, or approved and theirs to sign."""
    people = acting_as(user, agency)
    pending = Approval.objects.filter(approver_id__in=people,
                                      decision=Approval.Decision.PENDING).values("document_id")
    return visible(user).filter(agency=agency).filter(
        Q(status=Status.IN_APPROVAL, pk__in=pending)
        | Q(status=Status.APPROVED, signatory_id__in=people))


def pending_approval(user, document) -> Approval | None:
    """The approval of ``document``'s route that waits for ``user`` now, if any."""
    if document.status != Status.IN_APPROVAL:
        return None
    return (document.approvals.filter(decision=Approval.Decision.PENDING,
                                      approver_id__in=acting_as(user, document.agency))
            .select_related("approver").first())


def rounds(document) -> list[Approval]:
    """The decisions of every round the route went (newest first), and in a draft the
    route being drawn up (round 0)."""
    return list(document.approvals.select_related("approver", "acted_by")
                .order_by("-round", "stage", "pk"))


def history(document) -> list[AuditEntry]:
    """The document's steps, oldest first, from the audit log (reads left out), with
    those of its tasks (completed, deadline extended, reminded)."""
    tasks = [str(pk) for pk in Assignment.objects.filter(resolution__document=document)
             .values_list("pk", flat=True)]
    return list(AuditEntry.objects.filter(
        Q(object_type="document", object_id=str(document.pk))
        | Q(object_type="assignment", object_id__in=tasks))
        .exclude(action__in=READS).order_by("at", "position"))


def people_named(usernames) -> dict:
    """{username: user} of those the audit log names."""
    return {u.username: u for u in User.objects.filter(username__in=set(usernames))}


def officials(agency, roles=None) -> QuerySet:
    """The officials of ``agency`` (with one of ``roles``), by name."""
    rows = User.objects.filter(official_roles__agency=agency)
    if roles:
        rows = rows.filter(official_roles__role__in=roles)
    return rows.distinct().order_by("last_name", "first_name", "username")


def substitutions(agency) -> QuerySet[Substitution]:
    """The agency's substitutions now and to come (not cancelled)."""
    return (Substitution.objects.filter(agency=agency, cancelled_at__isnull=True,
                                        ends__gte=today())
            .select_related("official", "substitute").order_by("starts", "pk"))


def page(rows, cursor: str | None, key: str = "registered_at", size: int = PAGE):
    """(up to ``size`` rows after ``cursor``, newest ``key`` first; the next cursor or
    None). Keyset paging on (``key``, id): page 1,000 as fast as page 1; the cursor is
    signed, so it can be neither read nor forged."""
    if cursor:
        with suppress(signing.BadSignature, ValueError, TypeError, IndexError):
            at, pk = signing.loads(cursor, salt=f"documents-page:{key}")
            at = datetime.fromisoformat(at)
            rows = rows.filter(Q(**{f"{key}__lt": at}) | Q(**{key: at, "pk__lt": pk}))
    items = list(rows.order_by(f"-{key}", "-pk")[:size + 1])
    if len(items) <= size:
        return items, None
    last = items[size - 1]
    return items[:size], signing.dumps([getattr(last, key).isoformat(), str(last.pk)],
                                       salt=f"documents-page:{key}")


def from_source(user, source: str) -> list[Document]:
    """The documents ``user`` may see that come from ``source`` ("application:<uuid>"),
    oldest first (an application's forwarding letters)."""
    return list(visible(user).filter(source=source).select_related(
        "correspondent_agency").order_by("created_at"))
