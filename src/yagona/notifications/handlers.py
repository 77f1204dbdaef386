"""What people are told when other rooms publish events (core.events): inbox entries, and
e-mails after commit. Subscribed in NotificationsConfig.ready(); each runs in the
publisher's transaction."""

from yagona.accounts import queries as accounts
from yagona.agencies import queries as agencies
from yagona.appeals import queries as appeals
from yagona.applications import queries as applications
from yagona.core import events
from yagona.correspondence import control
from yagona.correspondence import queries as correspondence
from yagona.notifications.services import notify, notify_data_read
from yagona.registries import queries as registries


@events.subscribe("application.stepped")
def application_stepped(application: int, action: str, note: str = "") -> None:
    found = applications.for_notice(application)
    notify(applications.applicant_side(found), found, action,
           {"number": found.reference, "status": found.status, "note": note,
            "service": found.service.code})


@events.subscribe("application.message")
def application_message(application: int, from_agency: bool) -> None:
    if not from_agency:  # the agency reads its messages in the back office
        return
    found = applications.for_notice(application)
    notify(applications.applicant_side(found), found, "message", {"number": found.reference})


@events.subscribe("registry.record_read")
def record_read(people: list[str], registry: str, reader: str, purpose: str = "") -> None:
    """A read outside any application the person started is told to them (an application
    of theirs is named by its number in the purpose)."""
    person = next(filter(None, map(accounts.person, people)), None)
    if person is None:
        return
    if purpose and applications.is_of_person(person.username, purpose):
        return
    agency = agencies.agency_named(reader)
    notify_data_read(person, reader, agency.name if agency else reader,
                     registry, registries.registry(registry).name)


@events.subscribe("registry.correction_answered")
def correction_answered(request: int) -> None:
    found = registries.correction_request(request)
    notify([found.person], None, "correction_answered",
           {"registry": found.record.registry.display_name, "status": found.status,
            "note": found.answer})


# Control of execution (correspondence.resolutions): the executors are told of their
# tasks, reminded of deadlines; the responsible executor hears of co-executors' reports,
# the resolution's author of the document done. Nobody is told of what they did themselves.

@events.subscribe("correspondence.assigned")
def document_assigned(resolution: int, assignments: list[int]) -> None:
    found = control.assignments_for_notice(assignments)
    responsible = next((a.executor.display_name for a in found if a.responsible), "")
    for assignment in found:
        if assignment.executor_id != assignment.resolution.author_id:
            notify([assignment.executor], None, "document_assigned",
                   {**control.notice_params(assignment), "responsible_name": responsible})


@events.subscribe("correspondence.reminder")
def assignment_reminder(assignment: int, kind: str) -> None:
    for found in control.assignments_for_notice([assignment]):
        notify([found.executor], None, f"assignment_{kind}", control.notice_params(found))


@events.subscribe("correspondence.deadline_extended")
def deadline_extended(assignment: int) -> None:
    for found in control.assignments_for_notice([assignment]):
        notify([found.executor], None, "deadline_extended", control.notice_params(found))


@events.subscribe("correspondence.assignment_done")
def assignment_done(assignment: int) -> None:
    for found in control.assignments_for_notice([assignment]):
        told = (control.responsible_of(found) if not found.responsible
                else [found.resolution.author])
        notify([user for user in told if user.pk != found.completed_by_id], None,
               "document_done" if found.responsible else "coexecutor_reported",
               control.notice_params(found))


# A document's way (correspondence.routes, .delivery): approvers (and whoever stands in
# for them) are told when it waits for them, the signatory when it is approved, the
# author when it comes back or was not delivered.

@events.subscribe("correspondence.approval_requested")
def approval_requested(document: str, approvers: list[int]) -> None:
    found = correspondence.document(document)
    people = accounts.users(approvers + correspondence.standing_in_for(found, approvers))
    notify(people, None, "approval_requested", correspondence.notice_params(found))


@events.subscribe("correspondence.route_ended")
def route_ended(document: str, outcome: str) -> None:
    found = correspondence.document(document)
    params = correspondence.notice_params(found)
    if outcome == "approved":
        notify([found.created_by], None, "route_approved", params)
        signatory = [found.signatory_id] if found.signatory_id else []
        notify(accounts.users(signatory + correspondence.standing_in_for(found, signatory)),
               None, "signature_requested", params)
    else:
        notify([found.created_by], None, "route_refused",
               {**params, "remarks": correspondence.last_remarks(found)})


@events.subscribe("correspondence.delivered")
def document_delivered(document: str, outcome: str) -> None:
    if outcome == "fail_delivery":
        found = correspondence.document(document)
        notify([found.created_by], None, "delivery_failed",
               correspondence.notice_params(found))


# Appeals (appeals.steps, .official): the author hears what the agencies do with their
# appeal (a forward, a request for more, an extension, the answer, a merge, a message),
# never of their own steps. An anonymous appeal's author is nobody the platform knows:
# they follow it with the tracking code alone.

APPEAL_STEPS = {"forward", "request_info", "extend", "answer", "merge"}


def _appeal_params(found, **more) -> dict:
    """Names kept in every language (read in the reader's), the appeal by its id."""
    return {"appeal": str(found.uuid), "number": found.number, "agency": found.agency.name,
            **more}


@events.subscribe("appeal.stepped")
def appeal_stepped(appeal: int, action: str, step: int) -> None:
    if action not in APPEAL_STEPS:
        return
    found = appeals.for_notice(appeal)
    row = appeals.step_for_notice(step)
    if found.author is None or row.actor_id == found.author_id:
        return
    notify([found.author], None, f"appeal_{action}", _appeal_params(
        found, note=row.note, deadline=row.due_date.isoformat() if row.due_date else "",
        into=found.duplicate_of.number if found.duplicate_of else ""))


@events.subscribe("appeal.message")
def appeal_message(appeal: int, note: int) -> None:
    found = appeals.for_notice(appeal)
    if found.author is not None:
        notify([found.author], None, "appeal_message", _appeal_params(found))


@events.subscribe("appeal.answer_shared")
def appeal_answer_shared(appeal: int) -> None:
    found = appeals.for_notice(appeal)
    if found.author is not None:
        notify([found.author], None, "appeal_answer_shared", _appeal_params(
            found, into=found.duplicate_of.number if found.duplicate_of else ""))
