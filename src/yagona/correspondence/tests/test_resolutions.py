"""Resolutions, executors, control deadlines in working days, reminders, completion with
an answer, and the control report (issue 11, points 4-5)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.accounts import services as accounts
from yagona.accounts.models import OfficialRole, Role
from yagona.conftest import make_person_id
from yagona.core.audit import SYSTEM
from yagona.core.countries import active_pack
from yagona.core.models import AuditEntry
from yagona.correspondence import control, resolutions, services, workflow
from yagona.correspondence.models import Access, Assignment, Document, Link, Reminder
from yagona.correspondence.tests.test_registration import letter
from yagona.notifications.models import InboxItem

S = workflow.Status


@pytest.fixture
def clock(monkeypatch):
    """Control's clock, set to a day (10:00 in the pack's zone) with ``clock.day = ...``."""
    class Clock:
        day = date(2026, 12, 30)  # a Wednesday; 1 January 2027 is a holiday of the pack

        def now(self):
            return datetime(self.day.year, self.day.month, self.day.day, 10,
                            tzinfo=active_pack().zone).astimezone(UTC)

    found = Clock()
    monkeypatch.setattr(resolutions, "now", found.now)
    return found


@pytest.fixture
def office(people, clock):
    from yagona.agencies.models import Agency

    reg, tax = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    general, civil = reg.departments.get(code="01"), reg.departments.get(code="02")

    def official(n, first, role, department=None, agency=reg):
        user = accounts.create_person(SYSTEM, make_person_id(n), first_name=first,
                                      last_name="Test", password="correct horse battery")
        accounts.grant_role(SYSTEM, user, agency, role, department=department)
        return user

    return {**people, "reg": reg, "tax": tax, "general": general, "civil": civil,
            "clerk": official(20, "Gulnora", Role.CLERK, general),
            "head": official(21, "Rustam", Role.HEAD, general),
            "lead": official(22, "Malika", Role.OPERATOR, civil),  # the responsible one
            "helper": official(23, "Behruz", Role.OPERATOR, general),  # a co-executor
            "tax_head": official(24, "Anvar", Role.HEAD, agency=tax)}


def incoming(office, **changes):
    return services.register_incoming(office["clerk"], office["reg"], letter(**changes))


def resolve(office, document, assignments=None, text="Prepare an answer."):
    return resolutions.write_resolution(office["head"], document.pk, text, assignments or [
        (office["lead"], 3, True), (office["helper"], date(2027, 1, 4), False)])


def tasks(resolution):
    found = {a.executor_id: a for a in resolution.assignments.all()}
    return found


def sent(day):
    return sorted((r.assignment.executor.first_name, r.kind)
                  for r in resolutions.due_reminders(day))


def registered_answer(office, author):
    draft = services.create_draft(author, office["reg"], "outgoing",
                                  letter(subject="Our answer", correspondent_name="Ministry"))
    for action in ("approve_without_route", "sign"):  # routes and signing: the lead's work
        draft.status = workflow.next_status("outgoing", draft.status, action)
    draft.save()
    return services.register(office["clerk"], draft.pk, case_index="01-05")


def test_the_whole_path_from_resolution_to_filing(office, clock):
    document = incoming(office)
    resolution = resolve(office, document)
    lead = tasks(resolution)[office["lead"].pk]
    helper = tasks(resolution)[office["helper"].pk]
    # Three working days from Wednesday 30 December: Thursday, then (1 January a holiday,
    # a weekend) Monday 4 and Tuesday 5 January.
    assert lead.deadline == date(2027, 1, 5) and lead.responsible
    assert helper.deadline == date(2027, 1, 4) and not helper.responsible
    assert Document.objects.get(pk=document.pk).status == S.IN_WORK
    assert set(InboxItem.objects.filter(event="document_assigned")
               .values_list("recipient__first_name", flat=True)) == {"Malika", "Behruz"}

    # Reminders two working days ahead, on the day, after it; once a day, nothing on holidays.
    assert sent(date(2026, 12, 30)) == [("Behruz", "due_soon")]
    assert sent(date(2026, 12, 30)) == []
    assert sent(date(2026, 12, 31)) == [("Malika", "due_soon")]
    assert sent(date(2027, 1, 1)) == [] and sent(date(2027, 1, 2)) == []
    assert sent(date(2027, 1, 4)) == [("Behruz", "due_today")]
    assert sent(date(2027, 1, 5)) == [("Behruz", "overdue"), ("Malika", "due_today")]
    assert sent(date(2027, 1, 5)) == []

    clock.day = date(2027, 1, 5)  # the co-executor reports, a day late
    resolutions.complete_assignment(office["helper"], helper.pk, note="Figures attached.")
    assert Document.objects.get(pk=document.pk).status == S.IN_WORK
    assert InboxItem.objects.filter(event="coexecutor_reported",
                                    recipient=office["lead"]).count() == 1

    clock.day = date(2027, 1, 6)
    assert sent(clock.day) == [("Malika", "overdue")]
    resolutions.extend_deadline(office["head"], lead.pk, 2, "The ministry sent more data.")
    assert Assignment.objects.get(pk=lead.pk).deadline == date(2027, 1, 8)
    assert sent(clock.day) == []  # one a day
    clock.day = date(2027, 1, 7)
    assert sent(clock.day) == [("Malika", "due_soon")]  # of the new deadline

    answer = registered_answer(office, office["lead"])
    done = resolutions.complete_assignment(office["lead"], lead.pk, note="Answered.",
                                           answer_id=answer.pk)
    assert done.state == Assignment.State.DONE and done.answer == answer
    link = Link.objects.get(source=answer)
    assert (link.relation, link.target_id, link.number) == ("answers", document.pk,
                                                             document.number)
    assert Document.objects.get(pk=document.pk).status == S.DONE
    assert resolutions.due_reminders(date(2027, 1, 11)) == []  # nothing open any more
    filed = services.file_document(office["clerk"], document.pk, "01-05")
    assert filed.status == S.FILED

    assert list(Reminder.objects.filter(assignment=lead).values_list("kind", "day")) == [
        ("due_soon", date(2026, 12, 31)), ("due_today", date(2027, 1, 5)),
        ("overdue", date(2027, 1, 6)), ("due_soon", date(2027, 1, 7))]
    actions = list(AuditEntry.objects.filter(action__in=[
        "document.resolve", "assignment.completed", "assignment.reminded",
        "assignment.deadline_extended", "document.complete", "document.file"])
        .order_by("at", "pk").values_list("action", flat=True))
    assert actions.count("assignment.reminded") == 7
    assert [a for a in actions if a != "assignment.reminded"] == [
        "document.resolve", "assignment.completed", "assignment.deadline_extended",
        "assignment.completed", "document.complete", "document.file"]
    late = AuditEntry.objects.filter(action="assignment.completed").order_by("pk")
    assert [entry.summary["late"] for entry in late] == [True, False]
    assert InboxItem.objects.filter(event="document_done", recipient=office["head"]).exists()
    inbox = {(i.recipient.first_name, i.event) for i in InboxItem.objects.all()}
    assert {("Malika", "assignment_due_soon"), ("Malika", "assignment_due_today"),
            ("Malika", "assignment_overdue"), ("Malika", "deadline_extended"),
            ("Behruz", "assignment_due_today"), ("Behruz", "assignment_overdue")} <= inbox


def test_the_control_report_counts_per_department_and_executor(office, clock):
    first = resolve(office, incoming(office))  # lead: 5 Jan (civil), helper: 4 Jan (general)
    second = resolve(office, incoming(office, department_code="02"), [
        (office["head"], 1, True)])  # the head (general) takes one: 31 Dec
    clock.day = date(2026, 12, 31)  # on time
    resolutions.complete_assignment(office["head"], tasks(second)[office["head"].pk].pk)
    clock.day = date(2027, 1, 5)  # a day late
    resolutions.complete_assignment(office["helper"], tasks(first)[office["helper"].pk].pk)
    third = resolve(office, incoming(office), [(office["helper"], date(2027, 1, 11), True)])

    report = control.control_report(office["clerk"], office["reg"], today=date(2027, 1, 6),
                                    due_within_days=3)
    assert report.due_by == date(2027, 1, 11)
    assert report.totals == control.Counts(open=2, overdue=1, due_soon=1, done_on_time=1,
                                           done_late=1)
    assert [a.pk for a in report.overdue] == [tasks(first)[office["lead"].pk].pk]
    assert [a.pk for a in report.due_soon] == [tasks(third)[office["helper"].pk].pk]
    departments = {line.name["en"]: line.counts for line in report.departments}
    assert departments == {
        "General department": control.Counts(open=1, due_soon=1, done_on_time=1, done_late=1),
        "Civil status department": control.Counts(open=1, overdue=1)}
    executors = {line.name: line.counts for line in report.executors}
    assert executors["Test Malika"] == control.Counts(open=1, overdue=1)
    assert executors["Test Behruz"] == control.Counts(open=1, due_soon=1, done_late=1)
    assert report.executors[0].name == "Test Malika"  # the most overdue first

    # An executor without a department counts for the document's.
    OfficialRole.objects.filter(user=office["lead"]).update(department=None)
    again = control.control_report(office["head"], office["reg"], today=date(2027, 1, 6))
    assert {line.name["en"] if line.name else None: line.counts.overdue
            for line in again.departments} == {"General department": 0, None: 1}

    with pytest.raises(PermissionError):
        control.control_report(office["lead"], office["reg"])
    with pytest.raises(Http404):
        control.control_report(office["tax_head"], office["reg"])


def test_the_report_reads_in_a_fixed_number_of_queries(office, django_assert_max_num_queries):
    for _ in range(3):
        resolve(office, incoming(office))
    with django_assert_max_num_queries(8):
        report = control.control_report(office["head"], office["reg"],
                                        today=date(2027, 1, 6))
        [(a.executor.display_name, a.resolution.document.number) for a in report.overdue]


def test_who_may_resolve_and_whom(office):
    document = incoming(office)
    for user in (office["clerk"], office["lead"]):
        with pytest.raises(PermissionError):
            resolve_as(office, user, document)
    with pytest.raises(Http404):
        resolve_as(office, office["tax_head"], document)
    cases = {
        "assignments.1.executor": [(office["lead"], 3, True), (office["tax_operator"], 3, False)],
        "assignments.0.deadline": [(office["lead"], date(2026, 12, 29), True)],  # past
        "assignments.1.deadline": [(office["lead"], 3, True),
                                   (office["helper"], date(2027, 1, 2), False)],  # Saturday
        "assignments": [(office["lead"], 3, False), (office["helper"], 3, False)],
        "text": [(office["lead"], 3, True)],
    }
    for field, assignments in cases.items():
        with pytest.raises(ValidationError) as refused:
            resolutions.write_resolution(office["head"], document.pk,
                                         "" if field == "text" else "Do it.", assignments)
        assert field in refused.value.message_dict, (field, refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        resolve(office, document, [(office["lead"], 3, True), (office["lead"], 4, False)])
    assert "assignments.1.executor" in refused.value.message_dict
    assert Document.objects.get(pk=document.pk).status == S.REGISTERED
    assert not document.resolutions.exists()


def resolve_as(office, user, document):
    return resolutions.write_resolution(user, document.pk, "Do it.",
                                        [(office["lead"], 3, True)])


def test_only_registered_incoming_or_internal_documents_take_resolutions(office):
    draft = services.create_draft(office["head"], office["reg"], "internal", letter())
    with pytest.raises(workflow.TransitionNotAllowed):
        resolve(office, draft)
    outgoing = registered_answer(office, office["lead"])
    with pytest.raises(workflow.TransitionNotAllowed):
        resolve(office, outgoing)
    document = incoming(office)
    resolve(office, document)
    resolve(office, document, [(office["clerk"], 2, True)])  # a further resolution
    assert document.resolutions.count() == 2


def test_completing_someone_elses_task_and_bad_answers_are_refused(office):
    document = incoming(office)
    resolution = resolve(office, document)
    lead = tasks(resolution)[office["lead"].pk]
    with pytest.raises(PermissionError):  # a co-executor, who can see the document
        resolutions.complete_assignment(office["helper"], lead.pk)
    with pytest.raises(Http404):  # another agency's head
        resolutions.complete_assignment(office["tax_head"], lead.pk)
    with pytest.raises(Http404):
        resolutions.complete_assignment(office["lead"], 999999)
    with pytest.raises(PermissionError):  # executors do not extend their own deadlines
        resolutions.extend_deadline(office["lead"], lead.pk, 9, "More time.")
    other = incoming(office, subject="Another letter")
    draft = services.create_draft(office["lead"], office["reg"], "outgoing", letter())
    for answer_id in (other.pk, draft.pk, document.pk, "not-an-id"):
        with pytest.raises(ValidationError) as refused:
            resolutions.complete_assignment(office["lead"], lead.pk, answer_id=answer_id)
        assert "answer" in refused.value.message_dict
    for deadline, reason in ((date(2027, 1, 4), "Sooner."), (9, " ")):
        with pytest.raises(ValidationError):
            resolutions.extend_deadline(office["head"], lead.pk, deadline, reason)
    resolutions.complete_assignment(office["head"], lead.pk, note="Done by phone.")
    assert Document.objects.get(pk=document.pk).status == S.DONE
    helper = Assignment.objects.get(pk=tasks(resolution)[office["helper"].pk].pk)
    assert helper.state == Assignment.State.CLOSED  # closed with the document
    with pytest.raises(ValidationError):
        resolutions.complete_assignment(office["lead"], lead.pk)
    assert not InboxItem.objects.filter(event="document_done").exists()  # the head did it


def test_executors_see_documents_for_official_use_they_are_assigned_to(office):
    secret = incoming(office, access=Access.OFFICIAL_USE)
    resolution = resolve(office, secret)
    ids = Document.objects.filter(pk__in=control.assigned_document_ids(office["lead"]))
    assert list(ids) == [secret]
    assert not Document.objects.filter(
        pk__in=control.assigned_document_ids(office["operator"])).exists()
    assert [a.resolution_id for a in control.assignments_of(office["lead"])] == [resolution.pk]
    # Notices of documents for official use do not carry their subject (they are e-mailed).
    notice = InboxItem.objects.get(recipient=office["lead"], event="document_assigned")
    assert notice.params["subject"] == "" and secret.number in notice.title
    resolutions.complete_assignment(office["lead"], tasks(resolution)[office["lead"].pk].pk)
    assert not control.assignments_of(office["lead"]).exists()
    role = OfficialRole.objects.get(user=office["lead"])
    accounts.revoke_role(SYSTEM, role.pk, office["reg"])
    assert not control.assigned_document_ids(office["lead"]).exists()


def test_an_executors_tasks_nearest_deadline_first(office):
    far = resolve(office, incoming(office), [(office["lead"], 10, True)])
    near = resolve(office, incoming(office), [(office["lead"], 1, True)])
    assert [a.resolution_id for a in control.assignments_of(office["lead"])] == [near.pk,
                                                                                 far.pk]
    assert not control.assignments_of(office["tax_head"]).exists()


def test_notices_read_in_the_readers_words(office):
    resolve(office, incoming(office))
    helper = InboxItem.objects.get(recipient=office["helper"], event="document_assigned")
    assert helper.title.startswith("You are a co-executor of document")
    assert "Report to the responsible executor, Test Malika." in helper.body
    assert "Deadline: 2027-01-04." in helper.body
    lead = InboxItem.objects.get(recipient=office["lead"], event="document_assigned")
    assert lead.title.startswith("You are the responsible executor")
    resolutions.due_reminders(date(2027, 1, 6))
    overdue = InboxItem.objects.get(recipient=office["lead"], event="assignment_overdue")
    assert "The deadline was 2027-01-05." in overdue.body


def test_reminders_wait_for_the_packs_hour(office):
    resolve(office, incoming(office))
    zone = active_pack().zone
    assert resolutions.remind_if_due(datetime(2027, 1, 4, 7, 59, tzinfo=zone)) == []
    assert len(resolutions.remind_if_due(datetime(2027, 1, 4, 8, 0, tzinfo=zone))) == 2


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(date(2026, 1, 1), date(2027, 12, 31)), days=st.integers(1, 40))
def test_a_deadline_in_working_days_lands_on_a_working_day_that_many_ahead(country, start,
                                                                           days):
    calendar = active_pack().calendar
    deadline = resolutions.deadline_from(days, start)
    assert calendar.is_working_day(deadline) and deadline > start
    assert calendar.working_days_between(start, deadline) == days
    # and the first such day: the day before is one working day fewer away
    assert calendar.working_days_between(start, deadline - timedelta(days=1)) == days - 1


@pytest.mark.parametrize("value", [0, -1, 366, True, "3", None, 2.5])
def test_nonsense_deadlines_are_refused(country, value):
    with pytest.raises(ValueError):
        resolutions.deadline_from(value, date(2026, 12, 30))


def test_the_packs_reminder_rules_are_checked_and_loaded(office):
    from yagona.core.pack_correspondence import correspondence_problems
    from yagona.correspondence.models import ControlSettings
    from yagona.testing.packs import CORRESPONDENCE, PACK

    assert ControlSettings.objects.values("before_working_days", "hour").get() == {
        "before_working_days": 2, "hour": 8}
    bad = {**CORRESPONDENCE, "reminders": {"before_working_days": -1, "hour": "8", "every": 1}}
    problems = correspondence_problems(bad, PACK["languages"], {"REG", "TAX"})
    assert [p.split(": ")[1] for p in problems] == [
        "reminders", "reminders.before_working_days", "reminders.hour"]
    assert correspondence_problems(CORRESPONDENCE, PACK["languages"], {"REG", "TAX"}) == []
    # A pack that reminds only on the day and after: nothing two days ahead.
    ControlSettings.objects.update(before_working_days=0)
    resolve(office, incoming(office))
    assert sent(date(2026, 12, 31)) == []
    assert sent(date(2027, 1, 4)) == [("Behruz", "due_today")]
