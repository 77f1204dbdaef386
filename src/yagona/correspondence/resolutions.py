"""The door for resolutions and control of execution (issue 11, points 4-5).

A head writes a resolution on a registered incoming or internal document: one responsible
executor and any co-executors, each with a control deadline (a date, or working days from
today in the pack's calendar); the document goes into work. Executors complete their
tasks; the responsible executor's completion (with the answer, if one was written)
completes the document, co-executors report to them. Heads extend deadlines with a
reason. ``due_reminders`` reminds executors before, on and after their deadlines.

Every command: permission check → transaction with row locks (the document, then its
tasks) → the change → the audit entry → an event (core.events) for notifications.
"""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts.models import Role
from yagona.core import audit, events
from yagona.core.countries import active_pack
from yagona.core.pack_correspondence import REMINDERS
from yagona.correspondence import workflow
from yagona.correspondence.models import (
    Assignment,
    ControlSettings,
    Document,
    Kind,
    Link,
    Reminder,
    Resolution,
)
from yagona.correspondence.queries import visible
from yagona.correspondence.services import _locked, _step, actor_for

HEADS = {Role.HEAD, Role.AGENCY_ADMIN}  # who write resolutions and extend deadlines
MAX_DAYS = 365  # the furthest deadline in working days
ANSWER_KINDS = (Kind.OUTGOING, Kind.INTERNAL)


def now() -> datetime:
    """The one clock of control (a test sets it): when tasks are written and done."""
    return timezone.now()


def local_today() -> date:
    """Today in the pack's zone: the day deadlines are counted from and compared with."""
    return timezone.localtime(now(), active_pack().zone).date()


def deadline_from(value, start: date) -> date:
    """A control deadline given as a date, or as a number of working days after ``start``
    in the pack's calendar. Raises ValueError with a message for people."""
    calendar = active_pack().calendar
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= MAX_DAYS:
            raise ValueError(_("Give from 1 to %(max)s working days.") % {"max": MAX_DAYS})
        return calendar.add_working_days(start, value)
    if isinstance(value, datetime):
        value = timezone.localtime(value, active_pack().zone).date() \
            if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        raise ValueError(_("Give the deadline as a date or a number of working days."))
    if value < start:
        raise ValueError(_("The deadline cannot be in the past."))
    if not calendar.is_working_day(value):
        raise ValueError(_("The deadline falls on a day off; choose a working day, such "
                           "as %(day)s.") % {"day": calendar.add_working_days(value, 0)})
    return value


def write_resolution(user, document_id, text: str, assignments) -> Resolution:
    """The head's resolution on a document: ``assignments`` is a list of
    ``(executor, deadline, responsible)``: an official of the document's agency (a user
    or its pk), a date or a number of working days from today, and whether they are the
    responsible executor (exactly one is)."""
    with transaction.atomic():
        document = _locked(user, document_id)
        _require_head(user, document.agency)
        workflow.next_status(document.kind, document.status, "resolve")  # or refuse now
        start = local_today()
        rows = _assignments(document, text, list(assignments or []), start)
        resolution = Resolution.objects.create(document=document, author=user,
                                               text=text.strip(), written_at=now())
        for row in rows:
            row.resolution = resolution
            row.save()
        _step(document, "resolve", actor_for(user, document.agency), {
            "resolution": resolution.pk,
            "executors": [{"executor": row.executor.username, "deadline": row.deadline,
                           "responsible": row.responsible} for row in rows]})
        document.save(update_fields=["status"])
        events.publish("correspondence.assigned", resolution=resolution.pk,
                       assignments=[row.pk for row in rows])
    return resolution


def complete_assignment(user, assignment_id, note: str = "", answer_id=None) -> Assignment:
    """The executor (or a head of the agency) marks a task done, with a note and the answer
    written, if any. The responsible executor's completion completes the document and
    closes co-executors' tasks still open; a co-executor's completion is their report."""
    with transaction.atomic():
        assignment, document = _lock(user, assignment_id, executor_may=True)
        if assignment.state != Assignment.State.OPEN:
            raise ValidationError({"assignment": _("This task is no longer open.")})
        actor = actor_for(user, document.agency)
        answer = _answer(user, document, answer_id) if answer_id else None
        moment = now()
        assignment.state, assignment.completed_at, assignment.completed_by = \
            Assignment.State.DONE, moment, user
        assignment.note, assignment.answer = (note or "").strip(), answer
        assignment.save()
        if answer is not None and not Link.objects.filter(
                source=answer, relation=Link.Relation.ANSWERS, target=document).exists():
            Link.objects.create(source=answer, relation=Link.Relation.ANSWERS, target=document,
                                number=document.number, dated=_local_date(document.registered_at))
        audit.record(actor, "assignment.completed", "assignment", assignment.pk, {
            "document": str(document.pk), "number": document.number,
            "executor": assignment.executor.username, "responsible": assignment.responsible,
            "deadline": assignment.deadline, "late": _local_date(moment) > assignment.deadline,
            "answer": answer.number if answer else ""}, agency=document.agency.code)
        if assignment.responsible and document.status == workflow.Status.IN_WORK and not \
                Assignment.objects.filter(resolution__document=document, responsible=True,
                                          state=Assignment.State.OPEN).exists():
            open_rest = Assignment.objects.filter(resolution__document=document,
                                                  state=Assignment.State.OPEN)
            closed = list(open_rest.values_list("pk", flat=True))
            open_rest.update(state=Assignment.State.CLOSED, completed_at=moment)
            _step(document, "complete", actor, {"assignment": assignment.pk, "closed": closed})
            document.save(update_fields=["status"])
        events.publish("correspondence.assignment_done", assignment=assignment.pk)
    return assignment


def extend_deadline(head, assignment_id, new_deadline, reason: str) -> Assignment:
    """A head moves an open task's deadline later (a date, or working days from today),
    giving the reason; the executor is told and reminded anew."""
    with transaction.atomic():
        assignment, document = _lock(head, assignment_id, executor_may=False)
        errors = {}
        if assignment.state != Assignment.State.OPEN:
            errors["assignment"] = _("This task is no longer open.")
        if not (reason or "").strip():
            errors["reason"] = _("Give the reason for the new deadline.")
        try:
            deadline = deadline_from(new_deadline, local_today())
        except ValueError as exc:
            errors["deadline"] = str(exc)
        else:
            if deadline <= assignment.deadline:
                errors["deadline"] = _("The new deadline must be later than the current "
                                       "one.")
        if errors:
            raise ValidationError(errors)
        before, assignment.deadline = assignment.deadline, deadline
        assignment.save(update_fields=["deadline"])
        audit.record(actor_for(head, document.agency), "assignment.deadline_extended",
                     "assignment", assignment.pk, {
                         "document": str(document.pk), "number": document.number,
                         "from": before, "to": deadline, "reason": reason.strip()},
                     agency=document.agency.code)
        events.publish("correspondence.deadline_extended", assignment=assignment.pk)
    return assignment


def reminder_rules() -> ControlSettings:
    return ControlSettings.objects.filter(pk=1).first() or ControlSettings(**REMINDERS)


def due_reminders(today: date | None = None) -> list[Reminder]:
    """Remind executors of open tasks: once when the deadline is the pack's
    ``before_working_days`` away or nearer (``due_soon``), on the deadline day
    (``due_today``) and on each working day after it (``overdue``); at most one a day per
    task, and nothing on days off. Returns the reminders sent now (none on a second run)."""
    day = today or local_today()
    calendar = active_pack().calendar
    if not calendar.is_working_day(day):
        return []
    before = reminder_rules().before_working_days
    horizon = calendar.add_working_days(day, before) if before else day
    soon_sent = Reminder.objects.filter(assignment=OuterRef("pk"), kind=Reminder.Kind.DUE_SOON,
                                        deadline=OuterRef("deadline"))
    candidates = list(Assignment.objects.filter(state=Assignment.State.OPEN, deadline__lte=horizon)
                  .exclude(reminders__day=day).annotate(soon_sent=Exists(soon_sent))
                  .values_list("pk", "deadline", "soon_sent"))
    sent = []
    for pk, deadline, soon_sent in candidates:
        kind = (Reminder.Kind.OVERDUE if deadline < day else
                Reminder.Kind.DUE_TODAY if deadline == day else Reminder.Kind.DUE_SOON)
        if kind == Reminder.Kind.DUE_SOON and soon_sent:
            continue
        reminder = _remind(pk, kind, day)
        if reminder is not None:
            sent.append(reminder)
    return sent


def remind_if_due(at: datetime | None = None) -> list[Reminder]:
    """The periodic job's call: today's reminders, once the pack's hour has come."""
    local = timezone.localtime(at or now(), active_pack().zone)
    if local.hour < reminder_rules().hour:
        return []
    return due_reminders(local.date())


def _remind(pk: int, kind: str, day: date) -> Reminder | None:
    with transaction.atomic():
        assignment = (Assignment.objects.select_for_update(of=("self",))
                      .select_related("resolution__document__agency")
                      .filter(pk=pk, state=Assignment.State.OPEN).first())
        if assignment is None or Reminder.objects.filter(assignment=assignment,
                                                         day=day).exists():
            return None  # done meanwhile, or another worker was first
        reminder = Reminder.objects.create(assignment=assignment, kind=kind, day=day,
                                           deadline=assignment.deadline)
        document = assignment.resolution.document
        audit.record(audit.SYSTEM, "assignment.reminded", "assignment", pk,
                     {"kind": kind, "day": day, "deadline": assignment.deadline,
                      "number": document.number}, agency=document.agency.code)
        events.publish("correspondence.reminder", assignment=pk, kind=kind)
    return reminder


def _require_head(user, agency) -> None:
    if not accounts.roles_in(user, agency) & HEADS:
        raise PermissionError(_("Only the agency's heads write resolutions and set "
                                "deadlines."))


def _lock(user, assignment_id, *, executor_may: bool) -> tuple[Assignment, Document]:
    """The task and its document, locked (document first, as a resolution locks it), if
    ``user`` may act on it: its executor (when ``executor_may``), still an official of the
    agency, or a head. Others who can see the document: PermissionError; anyone else 404."""
    try:
        found = Assignment.objects.select_related("resolution__document__agency").filter(
            pk=int(assignment_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404
    document = found.resolution.document
    roles = accounts.roles_in(user, document.agency)
    mine = executor_may and found.executor_id == getattr(user, "pk", None) and roles
    if not mine and not roles & HEADS:
        if visible(user).filter(pk=document.pk).exists():
            raise PermissionError(_("Only the executor or the agency's heads can do this."))
        raise Http404
    document = Document.objects.select_for_update().get(pk=document.pk)
    assignment = (Assignment.objects.select_for_update(of=("self",))
                  .select_related("executor").get(pk=found.pk))
    return assignment, document


def _assignments(document: Document, text: str, items: list, start: date) -> list[Assignment]:
    """The resolution's tasks, or a ValidationError naming every problem by its place."""
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write what is to be done.")
    if not items:
        errors["assignments"] = _("Name at least one executor.")
    keys = []
    for item in items:
        executor = item[0] if isinstance(item, tuple | list) and len(item) == 3 else None
        key = getattr(executor, "pk", executor)
        keys.append(int(key) if isinstance(key, str) and key.isdigit() else key)
    wanted = {key for key in keys if isinstance(key, int) and not isinstance(key, bool)}
    officials = {user.pk: user for user in get_user_model().objects.filter(
        pk__in=wanted, is_active=True, official_roles__agency=document.agency).distinct()}
    rows, seen, responsible = [], set(), 0
    for index, (item, key) in enumerate(zip(items, keys, strict=True)):
        at = f"assignments.{index}"
        if not isinstance(item, tuple | list) or len(item) != 3:
            errors[at] = _("Name the executor, the deadline and whether they are "
                           "responsible.")
            continue
        if key not in officials:
            errors[f"{at}.executor"] = _("Choose an official of the agency.")
        elif key in seen:
            errors[f"{at}.executor"] = _("This official is named already.")
        seen.add(key)
        try:
            deadline = deadline_from(item[1], start)
        except ValueError as exc:
            errors[f"{at}.deadline"] = str(exc)
            deadline = None
        responsible += bool(item[2])
        rows.append(Assignment(executor=officials.get(key), deadline=deadline,
                               responsible=bool(item[2])))
    if items and responsible != 1:
        errors["assignments"] = _("Mark exactly one executor as responsible; the others "
                                  "are co-executors.")
    if errors:
        raise ValidationError(errors)
    return rows


def _answer(user, document: Document, answer_id) -> Document:
    """The answer a task was completed with: a registered outgoing (or internal) document
    of the same agency that ``user`` can see."""
    try:
        answer = (visible(user).filter(pk=answer_id, agency=document.agency,
                                       kind__in=ANSWER_KINDS)
                  .exclude(pk=document.pk).exclude(number="").first())
    except (ValueError, ValidationError):
        answer = None
    if answer is None:
        raise ValidationError({"answer": _("Choose a registered outgoing document of the "
                                           "agency as the answer.")})
    return answer


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment, active_pack().zone).date() if moment else None
