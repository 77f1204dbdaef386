"""What the public sees of appeals (the statistics page, open data, the map of problem
reports, Open311; re-exported by ``queries``). Figures are read from the aggregates the
commands keep current (``MonthlyFigures``, ``AnswerDays``: two queries, whatever the number
of appeals), never counted per request. A problem report is shown without its author
(name, contact, account, application key), its text, address, photos or the officials'
names and notes; its place is rounded to about 100 m (``PLACE``)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery

from yagona.appeals.models import AnswerDays, Appeal, Kind, MonthlyFigures, Step
from yagona.appeals.workflow import OPEN, Status

PLACE = Decimal("0.001")  # a degree of latitude is 111 km: 0.001 is 111 m (less east-west)
COUNTS = ("received", "forwarded", "answered", "answered_on_time", "rated", "rated_useful",
          "rated_on_time")
STATUS_FILTERS = ("open", "closed", *(s for s in Status.values if s != Status.MERGED))


# --- figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The figures of a period: per agency and month (``rows``), per month over the
    agencies (every month of the period, zeros included), per agency over the months,
    and in all. Each is a dict of ``COUNTS`` with ``median_days``, ``on_time_percent``
    (of answered) and ``satisfaction_percent`` (useful of rated; None without ratings)."""

    first: date
    last: date
    months: list
    rows: list
    by_month: list
    by_agency: list
    total: dict


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _figures(counts: dict, histogram: dict, **extra) -> dict:
    from yagona.appeals.queries import median

    return {**extra, **{name: counts.get(name, 0) for name in COUNTS},
            "median_days": median(sorted(histogram.items())),
            "on_time_percent": _percent(counts.get("answered_on_time", 0),
                                        counts.get("answered", 0)),
            "satisfaction_percent": _percent(counts.get("rated_useful", 0),
                                             counts.get("rated", 0))}


def _add(into: dict, key, values: dict) -> None:
    target = into.setdefault(key, {})
    for name, value in values.items():
        target[name] = target.get(name, 0) + value


def figures(months: int = 12, agency=None, until: date | None = None) -> Figures:
    """The figures of the last ``months`` calendar months (to ``until``'s), of one agency
    or all: two reads of the aggregates."""
    from yagona.appeals.queries import period

    first, last = period(months, until)
    rows = MonthlyFigures.objects.filter(month__gte=first, month__lte=last).select_related(
        "agency").order_by("month", "agency__code")
    answer_days = AnswerDays.objects.filter(month__gte=first, month__lte=last)
    if agency is not None:
        rows, answer_days = rows.filter(agency=agency), answer_days.filter(agency=agency)
    counts: dict = {"row": {}, "month": {}, "agency": {}, "all": {}}
    days: dict = {"row": {}, "month": {}, "agency": {}, "all": {}}
    for agency_id, month, value, n in answer_days.values_list("agency_id", "month", "days",
                                                              "count"):
        for level, key in (("row", (agency_id, month)), ("month", month),
                           ("agency", agency_id), ("all", None)):
            _add(days[level], key, {value: n})
    agencies = {}
    for row in rows:
        values = {name: getattr(row, name) for name in COUNTS}
        agencies[row.agency_id] = row.agency
        for level, key in (("row", (row.agency_id, row.month)), ("month", row.month),
                           ("agency", row.agency_id), ("all", None)):
            _add(counts[level], key, values)
    month_list = _months(first, last)
    return Figures(
        first=first, last=last, months=month_list,
        rows=[_figures(counts["row"][key], days["row"].get(key, {}),
                       agency=agencies[key[0]], month=key[1])
              for key in counts["row"]],
        by_month=[_figures(counts["month"].get(month, {}), days["month"].get(month, {}),
                           month=month) for month in month_list],
        by_agency=[_figures(counts["agency"][pk], days["agency"].get(pk, {}),
                            agency=agencies[pk])
                   for pk in sorted(agencies, key=lambda pk: agencies[pk].code)],
        total=_figures(counts["all"].get(None, {}), days["all"].get(None, {})))


def _months(first: date, last: date) -> list[date]:
    found, month = [], first
    while month <= last:
        found.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found


# --- problem reports -------------------------------------------------------------------


@dataclass(frozen=True)
class PublicReport:
    """A problem report as anyone may see it: nothing else of the appeal leaves."""

    id: str  # the appeal's uuid (its number holds a "/", unfit for an address)
    number: str
    subject: str
    language: str  # of the subject, as the author wrote it ("" not known)
    status: str
    open: bool
    category: str  # the category's code ("" for a report without one)
    category_name: dict
    agency: str
    agency_name: dict
    submitted_at: datetime
    updated_at: datetime  # the last step's time (when it closed, for a closed one)
    answered_at: datetime | None
    due_date: date | None  # while it is open
    latitude: float
    longitude: float

    @classmethod
    def of(cls, appeal: Appeal) -> "PublicReport":
        category = appeal.category
        return cls(
            id=str(appeal.uuid), number=appeal.number, subject=appeal.subject,
            language=appeal.language,
            status=appeal.status, open=appeal.status in OPEN,
            category=category.code if category else "",
            category_name=category.name if category else {},
            agency=appeal.agency.code, agency_name=appeal.agency.name,
            submitted_at=appeal.submitted_at,
            updated_at=getattr(appeal, "last_step_at", None) or appeal.submitted_at,
            answered_at=appeal.answered_at,
            due_date=appeal.due_date if appeal.status in OPEN else None,
            latitude=rounded(appeal.latitude), longitude=rounded(appeal.longitude))


def rounded(value) -> float:
    return float(Decimal(value).quantize(PLACE, rounding=ROUND_HALF_UP))


PUBLIC_FIELDS = ("uuid", "number", "status", "subject", "language", "latitude", "longitude",
                 "submitted_at", "answered_at", "due_date", "category__code",
                 "category__name", "agency__code", "agency__name")


def _problem_reports():
    return Appeal.objects.filter(latitude__isnull=False, kind__location__in=(
        Kind.Location.OPTIONAL, Kind.Location.REQUIRED))


def reports(*, status: str = "", categories=(), since: datetime | None = None,
            until: datetime | None = None, ids=None, merged: bool = False,
            categorised: bool = False):
    """Problem reports, newest first, for ``PublicReport.of``: ``status`` is open, closed
    or a status; ``ids`` (uuids) narrow to those; merged duplicates only with ``merged``
    (Open311 reports them closed), reports without a category not with ``categorised``."""
    found = _problem_reports()
    if not merged:
        found = found.exclude(status=Status.MERGED)
    if categorised:
        found = found.filter(category__isnull=False)
    if ids is not None:
        found = found.filter(uuid__in=list(ids))
    if status == "open":
        found = found.filter(status__in=OPEN)
    elif status == "closed":
        found = found.exclude(status__in=OPEN)
    elif status:
        found = found.filter(status=status)
    if categories:
        found = found.filter(category__code__in=list(categories))
    if since is not None:
        found = found.filter(submitted_at__gte=since)
    if until is not None:
        found = found.filter(submitted_at__lte=until)
    last_step = Step.objects.filter(appeal=OuterRef("pk")).order_by("-at", "-pk").values("at")
    return found.select_related("category", "agency").only(*PUBLIC_FIELDS).annotate(
        last_step_at=Subquery(last_step[:1])).order_by("-submitted_at", "-pk")


def points(status: str = "", category: str = "", limit: int = 2000) -> list[tuple]:
    """(latitude, longitude, status) of the newest reports, rounded: the map's dots."""
    found = reports(status=status, categories=[category] if category else ()).values_list(
        "latitude", "longitude", "status")
    return [(rounded(lat), rounded(lon), status) for lat, lon, status in found[:limit]]


def public_steps(appeal: Appeal) -> list[dict]:
    """The steps of a report as the public reads them: when, what, which agency; not who
    (no official's name) and not the notes to the author."""
    return [{"at": step.at, "action": step.action, "status": step.to_status,
             "agency": step.agency, "to_agency": step.to_agency}
            for step in Step.objects.filter(appeal=appeal).select_related(
                "agency", "to_agency").only("at", "action", "to_status", "agency__code",
                                            "agency__name", "agency__short_name",
                                            "to_agency__code", "to_agency__name",
                                            "to_agency__short_name")]
