"""Reads of applications, each limited to what the caller may see (else 404)."""

import calendar
import contextlib
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts.queries import valid_mandates
from yagona.applications import satisfaction
from yagona.applications.models import (
    Application,
    Channel,
    Rating,
    SatisfactionTally,
    StatusChange,
)
from yagona.applications.workflow import OPEN_IN_AGENCY, Status
from yagona.catalogue import queries as catalogue
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.core.identifiers import is_uuid


def applicant_scope(user) -> Q:
    """Applications a person may see as applicant: their own, for them, or under a mandate."""
    scope = Q(created_by=user) & ~Q(channel="assisted") | Q(party_kind="person",
                                                             party_id=user.username)
    today = timezone.localdate()
    for mandate in valid_mandates(user):
        if not mandate.is_valid(today):
            continue
        covered = Q(party_id=mandate.party_id)
        if mandate.services:
            covered &= Q(service__code__in=mandate.services)
        scope |= covered
    return scope


# What lists of applications do not show: large JSON columns stay in the database.
LIST_DEFERRED = ("answers", "form_snapshot", "decision_reason", "service__form",
                 "service__description", "service__who_may_apply", "service__documents",
                 "service__legal_basis", "service__offline", "service__summary",
                 "agency__address", "agency__head", "agency__digital_official")


def for_applicant(user):
    # No join in the scope can repeat a row, so no DISTINCT (it made PostgreSQL sort).
    return Application.objects.filter(applicant_scope(user)).select_related("service", "agency")


def listed_for_applicant(user):
    return for_applicant(user).defer(*LIST_DEFERRED)


def applicant_application(user, uuid) -> Application:
    try:
        return for_applicant(user).get(uuid=uuid)
    except (Application.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def official_agency_ids(user) -> set[int]:
    """The agencies whose applications this caller may see as an official (none when they
    act as a citizen: accounts.queries.roles_of)."""
    return {agency_id for agency_id, _role in accounts.agency_roles(user)}


def queue(user, agency, *, status=None, service=None, overdue=False, assigned=None):
    """An agency's applications for one of its officials (404 for any other agency)."""
    if agency.pk not in official_agency_ids(user):
        raise Http404
    rows = (Application.objects.filter(agency=agency).exclude(status=Status.DRAFT)
            .select_related("service", "assigned_to"))
    rows = rows.filter(status=status) if status else rows.filter(status__in=OPEN_IN_AGENCY)
    if service:
        rows = rows.filter(service__code=service)
    if overdue:
        rows = rows.filter(due_date__lt=timezone.localdate(), status__in=OPEN_IN_AGENCY,
                           paused_at__isnull=True)
    if assigned == "me":
        rows = rows.filter(assigned_to=user)
    elif assigned == "none":
        rows = rows.filter(assigned_to__isnull=True)
    return rows.order_by("due_date", "submitted_at")


def official_application(user, uuid) -> Application:
    """An application for an official of its agency; the read is audited."""
    try:
        application = Application.objects.select_related("service", "agency").get(
            uuid=uuid, agency_id__in=official_agency_ids(user))
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if application.status == Status.DRAFT:
        raise Http404
    actor = audit.Actor(user=user, represented=application.party_id,
                        agency=application.agency.code)
    with transaction.atomic():
        audit.record(actor, "application.viewed", "application", application.uuid)
    return application


def workload(agency):
    """Open applications per assignee and how many are overdue (supervisor view)."""
    from django.db.models import Count

    today = timezone.localdate()
    return (Application.objects.filter(agency=agency, status__in=OPEN_IN_AGENCY)
            .values("assigned_to__username", "assigned_to__first_name", "assigned_to__last_name")
            .annotate(open=Count("id"),
                      overdue=Count("id", filter=Q(due_date__lt=today, paused_at__isnull=True)))
            .order_by("assigned_to__username"))


def applicant_side(application) -> list:
    """Who hears about an application: the person it is for, who applied, who represents."""
    people = [application.created_by] if application.channel != Channel.ASSISTED else []
    party = accounts.person(application.party_id) if application.party_kind == "person" \
        else None
    if party is not None:
        people.append(party)
    if application.mandate_id:
        people.append(application.mandate.representative)
    return people


def for_notice(application_id: int) -> Application:
    """An application as a notice about it needs it (subscribers of its events)."""
    return Application.objects.select_related("service", "created_by",
                                              "mandate__representative").get(pk=application_id)


def by_uuid(uuid) -> Application | None:
    """An application by its id, for what other rooms tell of it (no access check: the
    caller is the system, acting on an event)."""
    return Application.objects.filter(uuid=uuid).first() if is_uuid(str(uuid)) else None


def is_of_person(person_id: str, reference: str) -> bool:
    """Whether ``reference`` (a registration number or the start of a uuid) names an
    application for this person."""
    return Application.objects.filter(party_id=person_id).filter(
        Q(registration_number=reference) | Q(uuid__startswith=reference)).exists()

def by_references(user, references) -> dict[str, dict]:
    """{registration number: {"number", "service", "uuid"}} for the numbers a read of the
    person's data named as its purpose (X-Road-Issue). ``uuid`` (a link) only for the
    applications the person may open; others are named by number and service."""
    numbers = {str(r) for r in references if r}
    if not numbers:
        return {}
    own = set(for_applicant(user).filter(registration_number__in=numbers)
              .values_list("pk", flat=True))
    return {a.registration_number: {"number": a.registration_number,
                                    "service": a.service.display_name,
                                    "uuid": a.uuid if a.pk in own else None}
            for a in Application.objects.filter(registration_number__in=numbers)
            .select_related("service")}


TIMEFRAMES = ("day", "week", "month", "year")
DECISIONS = ("approve", "reject", "request_info")


def statistics(caller, start: date | None = None, end: date | None = None, *,
               service: str | None = None, operator: str | None = None,
               role: str | None = None, timeframe: str | None = None) -> list[dict]:
    """Processed (decided or sent back), approved, sent-back and rejected applications from
    ``start`` (default a year before ``end``) to ``end`` (default today), for the whole
    period or per ``timeframe`` bucket; ``service`` is a code or part of a name (404 when
    it names no service).

    The aggregate is anyone's. Figures per official (``operator``, person ID or surname)
    or per ``role`` can single out one official (a role in one service is often one
    person), so both need an official (PermissionDenied otherwise) and count only the
    applications of the caller's agencies; an operator who works in none of them is 404."""
    zone = active_pack().zone  # days are the country's, not the server's (UTC)
    end = end or timezone.localtime(timezone.now(), zone).date()
    year = timedelta(days=365)
    start = start or (end - year if end - date.min >= year else date.min)
    if start > end:
        raise ValidationError(_("The start date is after the end date."), code="order")
    steps = StatusChange.objects.filter(action__in=DECISIONS, **_local_days(start, end, zone))
    if service:
        services = catalogue.services_named(service)
        if not services.exists():
            raise Http404  # a registration the platform does not know
        steps = steps.filter(application__service__in=services)
    if operator or role:
        agencies = official_agency_ids(caller) if getattr(caller, "is_authenticated", False) \
            else set()
        if not agencies:
            raise PermissionDenied
        if operator and not accounts.is_official_of(operator, agencies):
            raise Http404
        steps = steps.filter(application__agency_id__in=agencies)
    if operator:
        steps = steps.filter(Q(actor__username=operator) | Q(actor__last_name=operator))
    if role:
        steps = steps.filter(actor_role=role)
    return _buckets(steps, start, end, timeframe)


def _local_days(start: date, end: date, zone) -> dict:
    """The ORM filter for steps made on the country's days ``start`` to ``end``."""
    def midnight(day: date):
        return datetime.combine(day, time.min, tzinfo=zone)

    found = {}
    # The calendar's edges have no midnight in every zone: no bound there is the same.
    with contextlib.suppress(OverflowError):
        found["at__gte"] = midnight(start).astimezone(UTC)
    with contextlib.suppress(OverflowError):
        found["at__lt"] = midnight(end + timedelta(days=1)).astimezone(UTC)
    return found


def _buckets(steps, start: date, end: date, timeframe: str | None) -> list[dict]:
    buckets: dict[date, dict] = {} if timeframe else {start: _empty()}
    zone = active_pack().zone
    for at, action, application_id in steps.values_list("at", "action", "application_id"):
        key = _bucket(timezone.localtime(at, zone).date(), timeframe) if timeframe else start
        bucket = buckets.setdefault(key, _empty())
        bucket["apps"].add(application_id)
        bucket[action] += 1
    return [{"start": max(key, start),
             "end": min(_bucket_end(key, timeframe), end) if timeframe else end,
             "processed": len(b["apps"]), "approved": b["approve"],
             "sent_back": b["request_info"], "rejected": b["reject"]}
            for key, b in sorted(buckets.items())]


def _empty() -> dict:
    return {"apps": set(), **dict.fromkeys(DECISIONS, 0)}


def _bucket(day: date, timeframe: str) -> date:
    if timeframe == "week":
        return day - timedelta(days=day.weekday())
    if timeframe == "month":
        return day.replace(day=1)
    if timeframe == "year":
        return day.replace(month=1, day=1)
    return day


def _bucket_end(start: date, timeframe: str) -> date:
    """The bucket's last day, never past the calendar's end (no overflow at 9999-12-31)."""
    if timeframe == "week":
        return start + timedelta(days=min(6, (date.max - start).days))
    if timeframe == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if timeframe == "year":
        return start.replace(month=12, day=31)
    return start


# --- public figures (opendata publishes them; aggregates, never a person) --------------


GROUPS = ("agency", "service", "channel")


def monthly_figures(since: date, by=GROUPS) -> list[dict]:
    """Applications submitted from ``since`` on, by month of submission (the pack's zone)
    and the ``by`` of GROUPS: submitted, decided, approved, rejected, decided within the
    legal deadline, and the median days from submission to decision. Read in one pass of
    the rows (a daily job's work, not a page's)."""
    zone = active_pack().zone
    groups: dict[tuple, dict] = {}
    rows = (Application.objects.filter(submitted_at__gte=datetime.combine(
        since, time.min, tzinfo=zone)).order_by().values_list(
        "submitted_at", "decided_at", "due_date", "status", "agency__code", "service__code",
        "channel").iterator(chunk_size=5000))
    for submitted, decided, due, status, *keys in rows:
        named = dict(zip(GROUPS, keys, strict=True))
        month = submitted.astimezone(zone).strftime("%Y-%m")
        group = groups.setdefault((month, *(named[key] for key in by)), {
            "submitted": 0, "decided": 0, "approved": 0, "rejected": 0, "on_time": 0,
            "days": []})
        group["submitted"] += 1
        if decided and status in (Status.APPROVED, Status.REJECTED):
            group["decided"] += 1
            group[status] += 1
            day = decided.astimezone(zone).date()
            group["on_time"] += bool(due and day <= due)
            group["days"].append((day - submitted.astimezone(zone).date()).days)
    return [{"month": key[0], **dict(zip(by, key[1:], strict=True)),
             **{name: value for name, value in group.items() if name != "days"},
             "median_days": _median(group["days"])}
            for key, group in sorted(groups.items())]


def monthly_completion(since: date) -> list[dict]:
    """Applications started online from ``since`` on, by month started (the pack's zone):
    how many, and how many of them were submitted since (GOV.UK's completion rate; a
    draft is never deleted, so every start counts). Assisted applications are begun by
    an operator with the person there, and left out."""
    zone = active_pack().zone
    rows = (Application.objects.filter(
        channel=Channel.ONLINE, created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
        .annotate(month=TruncMonth("created_at", tzinfo=zone)).values("month")
        .annotate(started=Count("id"), completed=Count("id", filter=Q(
            submitted_at__isnull=False))).order_by("month"))
    return [{"month": row["month"].strftime("%Y-%m"), "started": row["started"],
             "completed": row["completed"]} for row in rows]


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] +
                                                          values[middle]) / 2


def monthly_ratings(since: date, by=("service", "channel")) -> list[dict]:
    """Ratings from ``since`` on, by month and ``by`` (service, channel): how many, their
    total score and how many were 4 or 5 (satisfied). Ratings hold no person."""
    fields = {"service": "service__code", "channel": "channel"}
    rows = (Rating.objects.filter(rated_on__gte=since)
            .annotate(month=TruncMonth("rated_on"))
            .values("month", *(fields[key] for key in by))
            .annotate(ratings=Count("id"), total=Sum("score"),
                      satisfied=Count("id", filter=Q(score__gte=4)))
            .order_by("month", *(fields[key] for key in by)))
    return [{"month": row["month"].strftime("%Y-%m"),
             **{key: row[fields[key]] for key in by}, "ratings": row["ratings"],
             "score": row["total"], "satisfied": row["satisfied"]} for row in rows]


def rating_groups_register() -> str:
    """The name of the register a rater's sex, age band and region are read from, "" when
    ratings are not counted by group (the rating form and the figures say so)."""
    return satisfaction.register_name()


def satisfaction_by_group(since: date, until: date, dimension: str) -> list[dict]:
    """Per quarter from ``since`` to before ``until`` and value of ``dimension`` (sex,
    age_band, region; "" is not known): how many ratings, their total score and how many
    were 4 or 5, quarters and then age bands in order. The counts of
    applications.satisfaction, which hold no person."""
    if dimension not in satisfaction.DIMENSIONS:
        raise ValueError(dimension)
    rows = (SatisfactionTally.objects.filter(month__gte=since, month__lt=until)
            .annotate(year=ExtractYear("month"), quarter=ExtractQuarter("month"))
            .values("year", "quarter", dimension)
            .annotate(n=Sum("ratings"), total=Sum("score"), happy=Sum("satisfied"))
            .order_by("year", "quarter", dimension))
    found = [{"period": f"{row['year']}-Q{row['quarter']}", "group": row[dimension],
              "ratings": row["n"], "score": row["total"], "satisfied": row["happy"]}
             for row in rows]
    if dimension == "age_band":  # "6-17" after "18-64" as text: by the band's first age
        found.sort(key=lambda row: (row["period"], satisfaction.band_start(row["group"])))
    return found
