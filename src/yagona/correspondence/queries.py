"""Reads of the correspondence room. A document is visible to the officials of its
agency; one marked for official use only to those on its route or assigned to it, the
registry clerks and the heads (who route and assign it)."""

from django.db.models import Q, QuerySet

from yagona.accounts import queries as accounts
from yagona.accounts.models import Role
from yagona.correspondence.models import Access, Document

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
                                               | Q(created_by=user))
    if not reach:
        return Document.objects.none()
    return Document.objects.filter(reach)
