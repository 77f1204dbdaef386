"""Finding documents across an agency's journals: by number, correspondent, subject and
text, kind, journal, status and registration date, among those the reader may see.

    find(user, agency, filters)   a queryset, newest registration first

Built for journals of millions (bench/correspondence.py): a number, ours or the
sender's, is a range of its index (the beginning typed, byte order); each word is a
range of the term index (``DocumentTerm``: the folded words of the card, so "Раҳимова"
finds "рахимова" and a beginning finds the word); dates are a range of the journal
index (agency, registration time).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from yagona.core.countries import active_pack
from yagona.core.normalize import transliteration, words
from yagona.correspondence.models import DocumentTerm
from yagona.correspondence.queries import visible

# The highest code point: every string that begins with a prefix sorts below
# prefix + TOP, so a prefix is the range [prefix, prefix + TOP) in byte order.
TOP = "\U0010ffff"
MAX_WORDS = 8


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
    number = filters.number.strip()
    if number:
        rows = rows.filter(Q(number__gte=number, number__lt=number + TOP)
                           | Q(their_number__gte=number, their_number__lt=number + TOP))
    table = transliteration((active_pack().raw.get("search") or {}).get("transliterate"))
    for word in words(filters.text, table)[:MAX_WORDS]:
        rows = rows.filter(pk__in=DocumentTerm.objects.filter(
            agency=agency, term__gte=word, term__lt=word + TOP).values("document_id"))
    if filters.correspondent:
        rows = rows.filter(correspondent_agency_id=filters.correspondent)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.journal:
        rows = rows.filter(journal__code=filters.journal)
    if filters.status:
        rows = rows.filter(status=filters.status)
    zone = active_pack().zone  # the days of the country's calendar
    if filters.registered_from:
        rows = rows.filter(registered_at__gte=datetime.combine(
            filters.registered_from, time.min, zone))
    if filters.registered_to:
        rows = rows.filter(registered_at__lt=datetime.combine(
            filters.registered_to + timedelta(days=1), time.min, zone))
    return rows.order_by("-registered_at", "-created_at")
