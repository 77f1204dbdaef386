"""Finding documents across an agency's journals: by number, correspondent, subject and
text, kind, journal, status and registration date, among those the reader may see.

    find(user, agency, filters)   a queryset, newest registration first
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from yagona.core.countries import active_pack
from yagona.core.normalize import transliteration, words
from yagona.correspondence.queries import visible


@dataclass(frozen=True)
class Filters:
    text: str = ""  # words of the number, subject, summary or correspondent
    number: str = ""  # ours or theirs, whole or its beginning
    correspondent: int | None = None  # an agency's id
    kind: str = ""
    journal: str = ""  # a journal's code
    status: str = ""
    registered_from: date | None = None
    registered_to: date | None = None
    drafts: bool = False  # unregistered documents too (the author's own drafts)


def find(user, agency, filters: Filters) -> QuerySet:
    rows = visible(user).filter(agency=agency)
    if not filters.drafts:
        rows = rows.exclude(registered_at__isnull=True)
    if filters.number.strip():
        number = filters.number.strip()
        rows = rows.filter(number__startswith=number) | rows.filter(
            their_number__startswith=number)
    table = transliteration((active_pack().raw.get("search") or {}).get("transliterate"))
    for word in words(filters.text, table)[:8]:
        rows = rows.filter(search_text__contains=word)
    if filters.correspondent:
        rows = rows.filter(correspondent_agency_id=filters.correspondent)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.journal:
        rows = rows.filter(journal__code=filters.journal)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.registered_from:
        rows = rows.filter(registered_at__date__gte=filters.registered_from)
    if filters.registered_to:
        rows = rows.filter(registered_at__date__lte=filters.registered_to)
    return rows.order_by("-registered_at", "-created_at")
