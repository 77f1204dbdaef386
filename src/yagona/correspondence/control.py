"""Reads of control of execution: an executor's own tasks, the agency's control report
(open tasks overdue and due soon, and counts per department and per executor), the
documents a user is assigned to (for access to documents for official use), and what
notifications need to word a notice."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts.models import OfficialRole, Role
from yagona.agencies.models import Agency, Department
from yagona.core.countries import active_pack
from yagona.correspondence import resolutions
from yagona.correspondence.models import Access, Assignment, Document, Link, Resolution
from yagona.correspondence.queries import visible

VIEWERS = {Role.HEAD, Role.CLERK, Role.AGENCY_ADMIN}  # who read an agency's control report
OPEN = Assignment.State.OPEN


def assigned_document_ids(user) -> QuerySet:
    """Ids of the documents ``user`` is (or was) an executor of, in agencies where they are
    still an official: a subquery for ``queries.visible`` (documents for official use are
    visible to their executors)."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none().values("resolution__document_id")
    return Assignment.objects.filter(
        executor=user,
        resolution__document__agency_id__in=accounts.roles_of(user).values("agency_id"),
    ).values("resolution__document_id")


def assignments_of(user) -> QuerySet[Assignment]:
    """The executor's own open tasks, nearest deadline first."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (Assignment.objects
            .filter(executor=user, state=OPEN,
                    resolution__document__agency_id__in=accounts.roles_of(user)
                    .values("agency_id"))
            .select_related("resolution__document__agency", "resolution__author")
            .order_by("deadline", "pk"))


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    done_on_time: int = 0
    done_late: int = 0


@dataclass
class Line:
    """One department's or one executor's counts; ``name`` is a department's names by
    language (show with the ``t`` filter) or an executor's name."""

    key: int | None
    name: object
    counts: Counts


@dataclass
class ControlReport:
    agency: Agency
    today: date
    due_by: date  # "due soon": a deadline from today to this day
    totals: Counts
    departments: list[Line] = field(default_factory=list)  # key None: no department
    executors: list[Line] = field(default_factory=list)
    overdue: QuerySet | None = None  # open tasks, most overdue first
    due_soon: QuerySet | None = None  # open tasks due from today to due_by, nearest first


def control_report(user, agency: Agency, today: date | None = None,
                   due_within_days: int = 3) -> ControlReport:
    """The agency's control report, for its heads, clerks and administrators. A task
    counts for its executor's department in the agency, else for the document's. "Due
    soon" is within ``due_within_days`` working days from ``today`` (the deadline day
    included); done on time means on or before the deadline (in the pack's zone)."""
    roles = accounts.roles_in(user, agency)
    if not roles:
        raise Http404
    if not roles & VIEWERS:
        raise PermissionError(_("Only the agency's heads, registry clerks and "
                                "administrators read its control report."))
    day = today or resolutions.local_today()
    due_by = active_pack().calendar.add_working_days(day, max(0, due_within_days))
    tasks = _tasks(agency)
    counted = {
        "open": Count("pk", filter=Q(state=OPEN)),
        "overdue": Count("pk", filter=Q(state=OPEN, deadline__lt=day)),
        "due_soon": Count("pk", filter=Q(state=OPEN, deadline__gte=day, deadline__lte=due_by)),
        "done_on_time": Count("pk", filter=Q(state=Assignment.State.DONE,
                                             done_on__lte=F("deadline"))),
        "done_late": Count("pk", filter=Q(state=Assignment.State.DONE,
                                          done_on__gt=F("deadline"))),
    }
    totals = Counts(**tasks.aggregate(**counted))
    by_department = list(tasks.values("unit").annotate(**counted).order_by())
    by_executor = list(tasks.values("executor_id").annotate(**counted).order_by())
    units = {d.pk: d for d in Department.objects.filter(
        pk__in=[row["unit"] for row in by_department if row["unit"]])}
    people = {u.pk: u for u in get_user_model().objects.filter(
        pk__in=[row["executor_id"] for row in by_executor])}
    departments = sorted(
        (Line(row["unit"], units[row["unit"]].name if row["unit"] else None,
              _counts(row)) for row in by_department),
        key=lambda line: (line.key is None, units[line.key].order if line.key else 0,
                          line.key or 0))
    executors = sorted((Line(row["executor_id"], people[row["executor_id"]].display_name,
                             _counts(row)) for row in by_executor),
                       key=lambda line: (-line.counts.overdue, line.name))
    listed = tasks.filter(state=OPEN).select_related(
        "executor", "resolution__document__department", "resolution__author")
    return ControlReport(
        agency=agency, today=day, due_by=due_by, totals=totals, departments=departments,
        executors=executors,
        overdue=listed.filter(deadline__lt=day).order_by("deadline", "pk"),
        due_soon=listed.filter(deadline__gte=day, deadline__lte=due_by)
        .order_by("deadline", "pk"))


def _tasks(agency: Agency) -> QuerySet[Assignment]:
    """The agency's tasks with their department (``unit``) and completion day."""
    executor_unit = (OfficialRole.objects
                     .filter(user=OuterRef("executor_id"), agency=agency,
                             department__isnull=False)
                     .order_by("pk").values("department_id")[:1])
    return (Assignment.objects.filter(resolution__document__agency=agency)
            .annotate(unit=Coalesce(Subquery(executor_unit),
                                    F("resolution__document__department_id"),
                                    output_field=BigIntegerField()),
                      done_on=TruncDate("completed_at", tzinfo=active_pack().zone)))


def _counts(row: dict) -> Counts:
    return Counts(**{name: row[name] for name in Counts.__dataclass_fields__})


def assignments_for_notice(pks) -> list[Assignment]:
    """Tasks with what a notice names (document, executor, author), for notifications."""
    return list(Assignment.objects.filter(pk__in=list(pks))
                .select_related("executor", "completed_by", "resolution__author",
                                "resolution__document").order_by("pk"))


def notice_params(assignment: Assignment) -> dict:
    """What a notice about a task says: the document's number, its subject unless it is
    for official use (notices are e-mailed), the deadline (ISO) and the executor."""
    document = assignment.resolution.document
    return {"number": document.number, "deadline": assignment.deadline.isoformat(),
            "subject": document.subject if document.access == Access.PUBLIC else "",
            "responsible": assignment.responsible,
            "executor": assignment.executor.display_name}


def responsible_of(assignment: Assignment) -> list:
    """The responsible executor(s) a co-executor reports to (their resolution's)."""
    return [row.executor for row in Assignment.objects.filter(
        resolution_id=assignment.resolution_id, responsible=True).select_related("executor")]


def resolutions_of(document: Document) -> list[Resolution]:
    """A document's resolutions, oldest first, each with its tasks (the responsible
    executor first) and who completed them with which answer: for its card."""
    tasks = (Assignment.objects.select_related("executor", "completed_by", "answer")
             .order_by("-responsible", "deadline", "pk"))
    return list(document.resolutions.select_related("author")
                .prefetch_related(Prefetch("assignments", queryset=tasks)))


def answers_for(user, document: Document, limit: int = 30) -> list[Document]:
    """What an executor may name as the answer to ``document``: registered outgoing or
    internal documents of its agency that ``user`` can see; those already linked in
    reply to it first, then the newest ``limit``."""
    rows = (visible(user).filter(agency=document.agency, kind__in=resolutions.ANSWER_KINDS)
            .exclude(pk=document.pk).exclude(number=""))
    linked = list(rows.filter(links__relation=Link.Relation.ANSWERS, links__target=document)
                  .distinct().order_by("-registered_at", "pk"))
    newest = rows.exclude(pk__in=[d.pk for d in linked]).order_by("-registered_at", "-pk")
    return linked + list(newest[:limit])


def answer_numbered(user, document: Document, number: str) -> Document | None:
    """The answer named by its registration number, if ``user`` may give it."""
    number = (number or "").strip()
    if not number:
        return None
    return (visible(user).filter(agency=document.agency, kind__in=resolutions.ANSWER_KINDS,
                                 number=number).exclude(pk=document.pk).first())
