"""Reads of the correspondence room. A document is visible to the officials of its
agency; one marked for official use only to its author, those on its route (approvers,
the signatory, and who stands in for them), those assigned to it, the registry clerks
and the heads (who route and assign it)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from yagona.accounts import queries as accounts
from yagona.accounts.models import Role
from yagona.core.countries import active_pack
from yagona.correspondence.models import (
    Access,
    Approval,
    Assignment,
    Document,
    Substitution,
)

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


def _involved(user) -> Q:
    """The documents ``user`` works on: theirs, on their route (or the route of someone
    they stand in for today), or assigned to them."""
    today = timezone.localtime(timezone.now(), active_pack().zone).date()
    people = [user.pk, *Substitution.objects.filter(
        substitute=user, starts__lte=today, ends__gte=today, cancelled_at__isnull=True,
    ).values_list("official_id", flat=True)]
    on_route = Approval.objects.filter(approver_id__in=people).values("document_id")
    assigned = Assignment.objects.filter(executor_id__in=people).values(
        "resolution__document_id")
    return (Q(created_by=user) | Q(signatory_id__in=people) | Q(pk__in=on_route)
            | Q(pk__in=assigned))


def document(pk) -> Document | None:
    """A document by its id, for what other rooms do on its events (no access check: the
    caller is the system)."""
    from yagona.core.identifiers import is_uuid

    if not is_uuid(str(pk)):
        return None
    return Document.objects.select_related("agency", "correspondent_agency").filter(
        pk=pk).first()


def standing_in_for(document: Document, officials: list[int]) -> list[int]:
    """Those standing in today for ``officials`` in the document's agency."""
    today = timezone.localtime(timezone.now(), active_pack().zone).date()
    return list(Substitution.objects.filter(
        agency=document.agency, official_id__in=officials, starts__lte=today, ends__gte=today,
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
