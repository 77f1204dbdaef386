"""Resolutions and control in the back office (issue 11, points 4-5).

On a document's card (the ``_resolutions.html`` section and three of its actions): the
resolutions written so far with each executor's task; a head's form to write one (rows
of an executor, a deadline as a date or as working days, and the responsible one); the
executor's completion with a note and the answer; a head's extension of a deadline.
Two pages: the reader's own tasks (``tasks/``) and the agency's control report
(``control/``, for heads, registry clerks and administrators; others get a 404).

The rules are the correspondence room's (``resolutions``, ``control``); a refusal comes
back beside its field on the card, with everything typed kept.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from yagona.backoffice.correspondence import agency_for, parse_date, problems, tab_counts
from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.core.permissions import OFFICIAL, permission
from yagona.correspondence import control, queries, resolutions, workflow
from yagona.correspondence.models import Assignment, Kind, Reminder

ROWS = 3  # executor rows on the resolution form
DUE_SOON_DAYS = 3  # "due soon": a deadline within this many working days
ACTIONS = ("resolve", "complete", "extend")
OPEN = Assignment.State.OPEN


# --- what was typed ---------------------------------------------------------------------


def posted(post) -> dict:
    """The values of the three forms as typed (kept when a form is refused)."""
    task = post.get("task", "").strip()[:20]
    return {
        "text": post.get("text", "")[:5000],
        "rows": [{part: post.get(f"assignments.{n}.{part}", "").strip()[:40]
                  for part in ("executor", "date", "days")} for n in range(ROWS)],
        "responsible": post.get("responsible", "0"),
        "task": task, "action": post.get("action", ""),
        **{part: post.get(f"{post.get('action', '')}-{task}.{part}", "")[:5000].strip()
           for part in ("note", "answer", "answer_number", "date", "days", "reason")},
    }


def _deadline(date_text: str, days_text: str, at: str, errors: dict):
    """A deadline typed as a date or as working days (``at``: the fields' prefix)."""
    if date_text and days_text:
        errors[f"{at}.days"] = _("Give either a date or a number of working days, not both.")
        return None
    if days_text:
        try:
            return int(days_text)
        except ValueError:
            errors[f"{at}.days"] = _("Enter a whole number of working days.")
            return None
    return parse_date(date_text, f"{at}.date", errors)


def _deadline_key(at: str, days_text: str) -> str:
    """Where a deadline's problem shows: beside the field that was used."""
    return f"{at}.days" if days_text else f"{at}.date"


# --- the card ----------------------------------------------------------------------------


def _fields(prefix: str, parts, typed: dict, errors: dict) -> dict:
    """A form's fields named ``prefix.part``: name, value as typed, problem."""
    return {part: {"name": f"{prefix}.{part}", "value": typed.get(part, ""),
                   "error": errors.get(f"{prefix}.{part}", "")} for part in parts}


def card_context(user, agency, roles, document, values: dict, errors: dict) -> dict:
    """What ``_resolutions.html`` shows on ``document``'s card for ``user``."""
    today = resolutions.local_today()
    soon = active_pack().calendar.add_working_days(today, DUE_SOON_DAYS)
    head = bool(roles & resolutions.HEADS)
    written = control.resolutions_of(document)
    tasks = [task for resolution in written for task in resolution.assignments.all()]
    seen = set(queries.visible(user).filter(
        pk__in=[t.answer_id for t in tasks if t.answer_id]).values_list("pk", flat=True))
    shown, mine = [], False
    for resolution in written:
        rows = []
        for task in resolution.assignments.all():
            may_complete = task.state == OPEN and task.executor_id == user.pk
            mine = mine or may_complete
            typed = values if values.get("task") == str(task.pk) else {}
            rows.append({
                **_mark(task, today, soon), "answer_seen": task.answer_id in seen,
                "may_complete": may_complete, "may_extend": head and task.state == OPEN,
                "extend_open": bool(typed) and values.get("action") == "extend",
                "complete": _fields(f"complete-{task.pk}", ("note", "answer",
                                                            "answer_number"), typed, errors),
                "extend": _fields(f"extend-{task.pk}", ("date", "days", "reason"), typed,
                                  errors)})
        shown.append((resolution, rows))
    may_resolve = head and "resolve" in workflow.actions_from(document.kind, document.status)
    typed_rows = values.get("rows") or [{} for _n in range(ROWS)]
    responsible = values.get("responsible", "0")
    return {
        "resolutions": shown, "may_resolve": may_resolve,
        "resolution_open": not written or values.get("action") == "resolve",
        "resolution_text": {"value": values.get("text", ""), "error": errors.get("text", "")},
        "executor_rows": [{"n": n + 1, "responsible": responsible == str(n),
                           "id": f"assignments.{n}",
                           **_fields(f"assignments.{n}", ("executor", "date", "days"), row,
                                     errors)} for n, row in enumerate(typed_rows)],
        "executors": [(u.username, u.display_name) for u in queries.officials(agency)]
        if may_resolve else [],
        "answers": [(str(d.pk), f"{d.number} · {d.subject[:80]}")
                    for d in control.answers_for(user, document)] if mine else [],
        "may_answer": document.kind == Kind.INCOMING and document.registered_at is not None,
    }


def act(user, agency, document, action: str, values: dict) -> str:
    """One of the card's control actions; the message to show when it is done. A refusal
    raises ValidationError named by the card's fields (PermissionError, 404 as such)."""
    if action == "resolve":
        return _resolve(user, agency, document, values)
    task = _task(document, values["task"])
    at = f"{action}-{task.pk}"
    if action == "complete":
        answer = None
        if values["answer_number"]:
            found = control.answer_numbered(user, document, values["answer_number"])
            if found is None:
                raise ValidationError({f"{at}.answer_number": _(
                    "No registered outgoing or internal document of the agency has this "
                    "number.")})
            if values["answer"] and values["answer"] != str(found.pk):
                raise ValidationError({f"{at}.answer_number": _(
                    "Choose the answer from the list or give its number, not both.")})
            answer = found.pk
        elif values["answer"]:
            answer = values["answer"]
        try:
            resolutions.complete_assignment(user, task.pk, values["note"], answer)
        except ValidationError as exc:
            answer_at = f"{at}.answer_number" if values["answer_number"] else f"{at}.answer"
            raise _renamed(exc, {"answer": answer_at, "assignment": "status"}) from exc
        return _("The task is marked done.")
    errors = {}
    deadline = _deadline(values["date"], values["days"], at, errors)
    if errors:
        if not values["reason"]:
            errors[f"{at}.reason"] = _("Give the reason for the new deadline.")
        raise ValidationError(errors)
    try:
        resolutions.extend_deadline(user, task.pk, deadline, values["reason"])
    except ValidationError as exc:
        raise _renamed(exc, {"deadline": _deadline_key(at, values["days"]),
                             "reason": f"{at}.reason", "assignment": "status"}) from exc
    return _("The deadline is extended; the executor is told.")


def _task(document, task_id) -> Assignment:
    """A task of ``document`` (another document's, or none: 404)."""
    for resolution in control.resolutions_of(document):
        for task in resolution.assignments.all():
            if str(task.pk) == task_id:
                return task
    raise Http404


def _resolve(user, agency, document, values) -> str:
    people = {u.username: u for u in queries.officials(agency)}
    errors, items, places = {}, [], []
    for n, row in enumerate(values["rows"]):
        if not any(row.values()):
            continue
        at = f"assignments.{n}"
        deadline = _deadline(row["date"], row["days"], at, errors)
        executor = people.get(row["executor"])
        if executor is None:
            errors[f"{at}.executor"] = _("Choose an official of the agency.")
        items.append([executor, deadline, values["responsible"] == str(n)])
        places.append((at, row))
    if len(items) == 1:  # one executor alone is the responsible one
        items[0][2] = True
    if errors:  # the typing's problems first, with what is plainly missing
        if not values["text"].strip():
            errors["text"] = _("Write what is to be done.")
        raise ValidationError(errors)
    try:
        resolutions.write_resolution(user, document.pk, values["text"],
                                     [tuple(item) for item in items])
    except ValidationError as exc:
        names = {"text": "text", "assignments": "assignments"}
        for index, (at, row) in enumerate(places):
            names.update({f"assignments.{index}.executor": f"{at}.executor",
                          f"assignments.{index}": f"{at}.executor",
                          f"assignments.{index}.deadline": _deadline_key(at, row["days"])})
        raise _renamed(exc, names) from exc
    return _("The resolution is written; the executors are told.")


def _renamed(exc: ValidationError, names: dict) -> ValidationError:
    """The service's refusal named by the card's fields."""
    return ValidationError({names.get(name, name): message
                            for name, message in problems(exc).items()})


# --- the history ------------------------------------------------------------------------


def people_in(entries) -> list[str]:
    """The executors (usernames) the control entries of a history name."""
    names = []
    for entry in entries:
        summary = entry.summary or {}
        names.append(summary.get("executor") or "")
        names.extend(row.get("executor", "") for row in summary.get("executors") or []
                     if isinstance(row, dict))
    return [name for name in names if name]


def entry_details(entry, named: dict) -> list[str]:
    """What a history line says of a resolution or a task."""
    summary = entry.summary or {}

    def name(username):
        found = named.get(username)
        return found.display_name if found else username

    if entry.action == "document.resolve":
        return [(_("%(name)s, responsible, by %(deadline)s") if row.get("responsible") else
                 _("%(name)s, co-executor, by %(deadline)s"))
                % {"name": name(row.get("executor", "")),
                   "deadline": format_date(row.get("deadline", ""))}
                for row in summary.get("executors") or [] if isinstance(row, dict)]
    details = [name(summary["executor"])] if summary.get("executor") else []
    if entry.action == "assignment.completed":
        if summary.get("late"):
            details.append(_("after the deadline"))
        if summary.get("answer"):
            details.append(_("Answer %(number)s") % {"number": summary["answer"]})
    elif entry.action == "assignment.deadline_extended":
        details.append(_("Deadline moved from %(from)s to %(to)s") % {
            "from": format_date(summary.get("from", "")),
            "to": format_date(summary.get("to", ""))})
    elif entry.action == "assignment.reminded":
        kinds = dict(Reminder.Kind.choices)
        details.append(str(kinds.get(summary.get("kind"), "")))
        details.append(_("Deadline %(date)s") % {"date": format_date(summary.get("deadline",
                                                                                 ""))})
    return [detail for detail in details if detail]


# --- the pages ---------------------------------------------------------------------------


def _mark(task: Assignment, today, soon) -> dict:
    """A task with its marks: overdue, due today, due soon (open tasks only)."""
    open_ = task.state == OPEN
    return {"task": task, "overdue": open_ and task.deadline < today,
            "today": open_ and task.deadline == today,
            "due_soon": open_ and today < task.deadline <= soon}


def _marked(tasks, today) -> list[dict]:
    soon = active_pack().calendar.add_working_days(today, DUE_SOON_DAYS)
    return [_mark(task, today, soon) for task in tasks]


@permission(OFFICIAL)
def tasks(request, code):
    """The reader's open tasks in the agency, nearest deadline first."""
    agency, roles = agency_for(request.user, code)
    today = resolutions.local_today()
    mine = control.assignments_of(request.user).filter(resolution__document__agency=agency)
    return render(request, "backoffice/correspondence/tasks.html", {
        "agency": agency, "rows": _marked(mine, today), "today": today,
        **tab_counts(request.user, agency, roles)})


@permission(OFFICIAL)
def control_report(request, code):
    """The agency's control of execution: counts in total, per department and per
    executor, and the overdue and due-soon tasks. Printable."""
    agency, roles = agency_for(request.user, code)
    if not roles & control.VIEWERS:
        raise Http404
    report = control.control_report(request.user, agency, due_within_days=DUE_SOON_DAYS)
    return render(request, "backoffice/correspondence/control.html", {
        "agency": agency, "report": report,
        "overdue": _marked(report.overdue, report.today),
        "due_soon": _marked(report.due_soon, report.today)})
