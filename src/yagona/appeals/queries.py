"""Reads of appeals. Reach is decided here: an author sees their own appeals (and those
of whom their mandates let them act for), an anonymous author only through the tracking
code, an official the appeals their agency handles now; anything else is None (404)."""

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from yagona.accounts import queries as accounts
from yagona.agencies.models import Agency
from yagona.appeals import deadlines
from yagona.appeals.models import (
    AnswerDays,
    Appeal,
    Category,
    Kind,
    MonthlyFigures,
    Rules,
    Step,
)
from yagona.appeals.workflow import OPEN, Status
from yagona.core.identifiers import is_uuid

NEAR = Decimal("0.0010")  # about 100 m: a report this close of the same category may repeat
DUE_SOON_DAYS = 3


def rules() -> Rules | None:
    return Rules.objects.select_related("reception").first()


def superior_of(agency) -> Agency:
    """Who hears a complaint about ``agency``'s answer: its superior body in the pack, else
    the reception."""
    found = rules()
    code = found.superiors.get(agency.code)
    return (Agency.objects.filter(code=code).first() if code else None) or found.reception


def kinds():
    return Kind.objects.filter(active=True)


def categories(kind: Kind | None = None):
    found = Category.objects.filter(active=True).select_related("agency", "kind")
    return found.filter(kind=kind) if kind is not None else found


def _with_relations(found):
    return found.select_related("kind", "category", "agency", "assigned_to",
                                "answer_document", "complaint_about", "duplicate_of")


def _parties(user) -> list[str]:
    return [party.party_id for party in accounts.parties_for(user)]


def of_author(user, uuid) -> Appeal | None:
    if user is None or not user.is_authenticated or not is_uuid(uuid):
        return None
    return _with_relations(Appeal.objects.filter(
        uuid=uuid, author__isnull=False, party_id__in=_parties(user))).first()


def authored(user):
    return _with_relations(Appeal.objects.filter(author__isnull=False,
                                                 party_id__in=_parties(user)))


def by_tracking_code(code: str) -> Appeal | None:
    code = (code or "").strip()
    if not code:
        return None
    return _with_relations(Appeal.objects.filter(
        tracking_hash=hashlib.sha256(code.encode()).hexdigest())).first()


def for_official(user, uuid) -> tuple[Appeal | None, set[str]]:
    """The appeal and the official's roles in the agency handling it; (None, {}) else."""
    if not is_uuid(uuid):
        return None, set()
    appeal = _with_relations(Appeal.objects.filter(uuid=uuid)).first()
    roles = accounts.roles_in(user, appeal.agency) if appeal is not None else set()
    return (appeal, roles) if roles else (None, set())


def handled_by(agency, which: str = "open", user=None, on: date | None = None):
    """An agency's appeals: open, due_soon, overdue, unassigned, mine, answered, all."""
    today = on or deadlines.today()
    found = _with_relations(Appeal.objects.filter(agency=agency))
    running = found.filter(status__in=[Status.RECEIVED, Status.IN_REVIEW])
    if which == "open":
        return found.filter(status__in=OPEN).order_by("due_date", "pk")
    if which == "due_soon":
        return running.filter(due_date__gte=today, due_date__lte=today + timedelta(
            days=DUE_SOON_DAYS)).order_by("due_date", "pk")
    if which == "overdue":
        return running.filter(due_date__lt=today).order_by("due_date", "pk")
    if which == "unassigned":
        return found.filter(status=Status.RECEIVED).order_by("due_date", "pk")
    if which == "mine":
        return found.filter(status__in=OPEN, assigned_to=user).order_by("due_date", "pk")
    if which == "answered":
        return found.filter(status=Status.ANSWERED).order_by("-answered_at")
    return found.order_by("-submitted_at")


def for_notice(appeal_id: int) -> Appeal:
    """An appeal as a notice about it needs it (subscribers of its events; no reach
    check: the caller is the system, acting on an event)."""
    return _with_relations(Appeal.objects.filter(pk=appeal_id)).select_related(
        "author").get()


def step_for_notice(step_id: int) -> Step:
    return Step.objects.select_related("agency", "to_agency").get(pk=step_id)


def history(appeal: Appeal):
    return Step.objects.filter(appeal=appeal).select_related("agency", "to_agency", "actor")


def messages(appeal: Appeal, internal: bool = False):
    notes = appeal.notes.select_related("author", "agency")
    return notes if internal else notes.filter(internal=False)


def possible_duplicates(appeal: Appeal, limit: int = 10) -> list[Appeal]:
    """Open appeals of the same agency that may repeat this one: the same author and
    kind, or a report of the same category about the same place."""
    same = Q(party_id=appeal.party_id, kind=appeal.kind) if appeal.party_id else Q(pk=None)
    if appeal.latitude is not None and appeal.category_id:
        same |= Q(category=appeal.category_id,
                  latitude__range=(appeal.latitude - NEAR, appeal.latitude + NEAR),
                  longitude__range=(appeal.longitude - NEAR, appeal.longitude + NEAR))
    return list(Appeal.objects.filter(same, agency=appeal.agency_id, status__in=OPEN,
                                      duplicate_of=None).exclude(pk=appeal.pk)
                .order_by("submitted_at")[:limit])


def public_reports(status: str = "", category: str = "", limit: int = 500):
    """Problem reports for the public map and Open311: no names, contacts or text of the
    author beyond what they reported about the place."""
    found = Appeal.objects.filter(latitude__isnull=False, kind__location__in=(
        Kind.Location.OPTIONAL, Kind.Location.REQUIRED)).exclude(status=Status.MERGED)
    if status == "open":
        found = found.filter(status__in=OPEN)
    elif status == "closed":
        found = found.exclude(status__in=OPEN)
    if category:
        found = found.filter(category__code=category)
    return found.select_related("category", "agency", "kind").only(
        "uuid", "number", "status", "latitude", "longitude", "address", "subject",
        "submitted_at", "updated_at", "answered_at", "category__code", "category__name",
        "agency__code", "agency__name", "agency__short_name", "kind__code", "kind__name",
        "kind__location").order_by("-submitted_at")[:limit]


def public_report(number_or_uuid: str) -> Appeal | None:
    key = Q(uuid=number_or_uuid) if is_uuid(number_or_uuid) else Q(number=number_or_uuid)
    return Appeal.objects.filter(key, latitude__isnull=False, kind__location__in=(
        Kind.Location.OPTIONAL, Kind.Location.REQUIRED)).exclude(
        status=Status.MERGED).select_related("category", "agency", "kind").first()


def period(months: int = 12, until: date | None = None) -> tuple[date, date]:
    """The first days of the first and the last of ``months`` calendar months that end
    with the month of ``until`` (today)."""
    last = (until or deadlines.today()).replace(day=1)
    index = last.year * 12 + last.month - 1 - (max(months, 1) - 1)
    return date(index // 12, index % 12 + 1, 1), last


def monthly(months: int = 12, agency=None, until: date | None = None) -> list[dict]:
    """The figures per agency and month for the last ``months`` months (to ``until``)."""
    first, last = period(months, until)
    rows = MonthlyFigures.objects.filter(month__gte=first, month__lte=last).select_related(
        "agency")
    answer_days = AnswerDays.objects.filter(month__gte=first, month__lte=last)
    if agency is not None:
        rows, answer_days = rows.filter(agency=agency), answer_days.filter(agency=agency)
    days = {}
    for row in answer_days.values_list("agency_id", "month", "days", "count"):
        days.setdefault((row[0], row[1]), []).append((row[2], row[3]))
    return [{"agency": row.agency, "month": row.month, "received": row.received,
             "forwarded": row.forwarded, "answered": row.answered,
             "answered_on_time": row.answered_on_time, "rated": row.rated,
             "rated_useful": row.rated_useful, "rated_on_time": row.rated_on_time,
             "median_days": median(days.get((row.agency_id, row.month), []))}
            for row in rows.order_by("month", "agency__code")]


def totals(months: int = 12, until: date | None = None) -> dict:
    first, last = period(months, until)
    return MonthlyFigures.objects.filter(month__gte=first, month__lte=last).aggregate(
        received=Sum("received"), answered=Sum("answered"),
        answered_on_time=Sum("answered_on_time"), forwarded=Sum("forwarded"),
        rated=Sum("rated"), rated_useful=Sum("rated_useful"))


def median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times)."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    ordered, seen, lower = sorted(histogram), 0, None
    for value, n in ordered:
        seen += n
        if lower is None and seen >= (total + 1) // 2:
            lower = value
        if seen >= total // 2 + 1:
            return (lower + value) / 2 if total % 2 == 0 else float(lower)
    return float(lower)


# The public's reads (statistics, open data, the map, Open311) and the Open311 keys.
from yagona.appeals.appkeys import app_key, app_keys  # noqa: E402, F401
from yagona.appeals.public import (  # noqa: E402, F401
    STATUS_FILTERS,
    PublicReport,
    figures,
    points,
    public_steps,
    reports,
)
