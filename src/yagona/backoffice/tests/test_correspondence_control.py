"""Resolutions and control in the back office, through the test client: a head writes a
resolution on the card (executor rows, deadlines as dates or working days, the
responsible one), executors complete their tasks with a note and an answer, a head
extends a deadline; "Write an answer"; the executor's tasks; the control report. And the
refusals: a resolution by someone who is not a head, an executor of another agency, bad
and past dates, a task of another document, the report for an operator."""

import html
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.backoffice.tests import test_correspondence_pages as pages
from yagona.backoffice.tests.test_correspondence_pages import on_exchange, url
from yagona.core.countries import active_pack
from yagona.correspondence import resolutions, services
from yagona.correspondence.models import Assignment, Document, Link
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import official
from yagona.correspondence.tests.test_resolutions import registered_answer
from yagona.correspondence.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Control's clock at 10:00 of ``clock.day`` in the pack's zone (30 December 2026 is
    a Wednesday; 1 January 2027 is a holiday of the pack)."""
    class Clock:
        day = date(2026, 12, 30)

        def now(self):
            return datetime(self.day.year, self.day.month, self.day.day, 10,
                            tzinfo=active_pack().zone).astimezone(UTC)

    found = Clock()
    monkeypatch.setattr(resolutions, "now", found.now)
    return found


@pytest.fixture
def office(people, clock):
    reg, tax = Agency.objects.get(code="REG"), Agency.objects.get(code="TAX")
    return {**people, "reg": reg, "tax": tax,
            "clerk": official(20, "Gulnora", "Kotiba", reg, Role.CLERK),
            "head": official(21, "Rustam", "Sardorov", reg, Role.HEAD),
            "lead": official(22, "Malika", "Ijrochi", reg, Role.OPERATOR, department="02"),
            "helper": official(23, "Behruz", "Yordamchi", reg, Role.OPERATOR),
            "tax_clerk": official(24, "Parviz", "Daftardor", tax, Role.CLERK)}


@pytest.fixture(autouse=True)
def _signed_once():
    """Each official signs in once a test (an authenticator's code works once)."""
    signed.clear()


signed = {}


def client(user):
    if user.pk not in signed:
        signed[user.pk] = pages.client(user)
    return signed[user.pk]


def incoming(office, subject="On civil status records", **card):
    values = {"doc_type": "letter", "subject": subject, "correspondent_name": "A citizen",
              **card}
    return services.register_incoming(office["clerk"], office["reg"], Card(**values))


def resolved(office, document, lead_days=3, helper_date=date(2027, 1, 4)):
    """The head's resolution: the lead responsible in ``lead_days`` working days (5
    January), the helper a co-executor by ``helper_date``."""
    resolutions.write_resolution(office["head"], document.pk, "Prepare an answer.", [
        (office["lead"], lead_days, True), (office["helper"], helper_date, False)])
    return {a.executor_id: a for a in Assignment.objects.filter(
        resolution__document=document)}


def rows(office, *rows, responsible="0", text="Prepare an answer."):
    """The resolution form: (executor's username, date, working days) per row."""
    data = {"action": "resolve", "text": text, "responsible": responsible}
    for n, (executor, day, days) in enumerate(rows):
        data.update({f"assignments.{n}.executor": executor, f"assignments.{n}.date": day,
                     f"assignments.{n}.days": days})
    return data


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_a_head_writes_a_resolution_and_bad_input_comes_back_beside_its_field(office):
    document = incoming(office)
    head, lead, helper = client(office["head"]), office["lead"], office["helper"]
    card = head.get(url(document)).content.decode()
    assert "Write a resolution" in card and f'<option value="{lead.username}">' in card
    assert 'id="f-assignments.2.executor"' in card  # three rows of executors
    assert "Write a resolution" not in client(office["operator"]).get(url(document)) \
        .content.decode()

    typed = head.post(url(document), rows(office, (lead.username, "31.02.2027", ""),
                                          (helper.username, "2027-01-04", "2"), text=""))
    assert typed.status_code == 400
    page = typed.content.decode()
    for field in ("assignments.0.date", "assignments.1.days", "text"):
        assert f'id="e-{field}"' in page and f'href="#f-{field}"' in page, field
    assert 'value="31.02.2027"' in page and f'<option value="{lead.username}" selected>' \
        in page  # what was typed, kept
    stranger = head.post(url(document), rows(
        office, (lead.username, "", "3"), (office["tax_operator"].username, "", "3")))
    assert stranger.status_code == 400
    assert 'id="e-assignments.1.executor"' in stranger.content.decode()
    for day, field in (("2027-01-02", "assignments.0.date"),  # a Saturday
                       ("2026-12-29", "assignments.0.date"),  # the past
                       ("", "assignments.0.date")):  # no deadline
        refused = head.post(url(document), rows(office, (lead.username, day, "")))
        assert refused.status_code == 400 and f'id="e-{field}"' in refused.content.decode()
    words = head.post(url(document), rows(office, (lead.username, "", "three")))
    assert 'id="e-assignments.0.days"' in words.content.decode()
    nobody = head.post(url(document), rows(office, (lead.username, "", "3"),
                                           (helper.username, "", "2"), responsible="2"))
    assert nobody.status_code == 400 and 'id="e-assignments"' in nobody.content.decode()
    assert not document.resolutions.exists()

    done = head.post(url(document), rows(office, ("", "", ""), (lead.username, "", "3"),
                                         (helper.username, "2027-01-04", ""),
                                         responsible="1"))
    assert done.status_code == 302
    tasks = {a.executor: a for a in Assignment.objects.filter(resolution__document=document)}
    assert (tasks[lead].deadline, tasks[lead].responsible) == (date(2027, 1, 5), True)
    assert (tasks[helper].deadline, tasks[helper].responsible) == (date(2027, 1, 4), False)
    assert Document.objects.get(pk=document.pk).status == Status.IN_WORK
    card = text_of(head.get(url(document)))
    assert "Resolution of Sardorov Rustam" in card and "Prepare an answer." in card
    assert "Responsible executor" in card and "Co-executor" in card
    assert "Write a further resolution" in card and "Extend the deadline of" in card
    assert '<details class="action no-print"><summary>Write a further' in card  # folded
    again = text_of(head.post(url(document), rows(office, ("", "", ""), text="")))
    assert '<details class="action no-print" open><summary>Write a further' in again
    assert 'id="e-text"' in again and 'id="e-assignments"' in again
    assert "Resolution written" in card and "Ijrochi Malika, responsible, by" in card


def test_only_heads_resolve_and_another_agency_gets_a_404(office):
    document = incoming(office)
    form = rows(office, (office["lead"].username, "", "3"))
    for who in ("clerk", "operator"):
        told = client(office[who]).post(url(document), form, follow=True)
        assert told.status_code == 200
        assert "Only the agency's heads write resolutions" in text_of(told)
    assert client(office["tax_clerk"]).post(url(document), form).status_code == 404
    outgoing = registered_answer(office, office["lead"])  # not an incoming document
    told = client(office["head"]).post(url(outgoing), form, follow=True)
    assert "This step is not possible in the document's status." in text_of(told)
    assert not Assignment.objects.exists()


def test_executors_complete_with_a_note_and_an_answer_a_head_extends(office, clock):
    document = incoming(office)
    tasks = resolved(office, document)
    lead, helper = tasks[office["lead"].pk], tasks[office["helper"].pk]
    clock.day = date(2027, 1, 5)
    mine = client(office["lead"]).get("/office/REG/tasks/")
    page = text_of(mine)
    assert url(document) in page and "Due today" in page and "Responsible executor" in page
    assert client(office["helper"]).get("/office/REG/tasks/").content.decode().count(
        "Overdue") == 1
    assert client(office["operator"]).get("/office/REG/tasks/").context["rows"] == []
    assert client(office["tax_clerk"]).get("/office/REG/tasks/").status_code == 404

    helper_page = client(office["helper"])
    card = helper_page.get(url(document)).content.decode()
    assert "Report to the responsible executor" in card and "Overdue" in card
    assert f'name="complete-{helper.pk}.note"' in card
    assert f'name="complete-{lead.pk}.note"' not in card  # not theirs to complete
    told = helper_page.post(url(document), {"action": "complete", "task": lead.pk},
                            follow=True)
    assert "Only the executor or the agency's heads can do this." in text_of(told)
    helper_page.post(url(document), {"action": "complete", "task": helper.pk,
                                     f"complete-{helper.pk}.note": "Figures attached."})
    assert Assignment.objects.get(pk=helper.pk).state == Assignment.State.DONE
    assert Document.objects.get(pk=document.pk).status == Status.IN_WORK

    clock.day = date(2027, 1, 6)  # the lead is a day late: the head extends
    head = client(office["head"])
    at = f"extend-{lead.pk}"
    for typed, field in (({f"{at}.date": "2027-01-04", f"{at}.reason": "More data."}, "date"),
                         ({f"{at}.date": "soon", f"{at}.reason": "More data."}, "date"),
                         ({f"{at}.days": "2", f"{at}.date": "2027-01-08",
                           f"{at}.reason": "More data."}, "days"),
                         ({f"{at}.days": "2", f"{at}.reason": " "}, "reason")):
        refused = head.post(url(document), {"action": "extend", "task": lead.pk, **typed})
        assert refused.status_code == 400, typed
        assert f'id="e-{at}.{field}"' in refused.content.decode(), typed
        assert '<details class="action no-print" open><summary>Extend the deadline of ' \
            'Ijrochi Malika' in refused.content.decode()  # the problem not folded away
        if field != "reason":  # what was typed, kept
            assert ">More data.</textarea>" in refused.content.decode(), typed
    head.post(url(document), {"action": "extend", "task": lead.pk, f"{at}.days": "2",
                              f"{at}.reason": "The ministry sent more data."})
    assert Assignment.objects.get(pk=lead.pk).deadline == date(2027, 1, 8)
    other = resolved(office, incoming(office, "Another letter"), helper_date=date(2027, 1, 11))
    assert head.post(url(document), {"action": "extend", "task": other[
        office["lead"].pk].pk, f"{at}.days": "2", f"{at}.reason": "No."}).status_code == 404

    answer = registered_answer(office, office["lead"])
    executor = client(office["lead"])
    card = executor.get(url(document)).content.decode()
    assert f'<option value="{answer.pk}">{answer.number}' in card
    wrong = executor.post(url(document), {"action": "complete", "task": lead.pk,
                                          f"complete-{lead.pk}.answer_number": "NO-SUCH-1"})
    assert wrong.status_code == 400
    assert f'id="e-complete-{lead.pk}.answer_number"' in wrong.content.decode()
    another = registered_answer(office, office["lead"])
    both = executor.post(url(document), {"action": "complete", "task": lead.pk,
                                         f"complete-{lead.pk}.answer": str(answer.pk),
                                         f"complete-{lead.pk}.answer_number": another.number})
    assert both.status_code == 400 and "not both" in text_of(both)
    executor.post(url(document), {"action": "complete", "task": lead.pk,
                                  f"complete-{lead.pk}.note": "Answered.",
                                  f"complete-{lead.pk}.answer_number": answer.number})
    done = Assignment.objects.get(pk=lead.pk)
    assert (done.state, done.answer, done.note) == (Assignment.State.DONE, answer, "Answered.")
    assert Document.objects.get(pk=document.pk).status == Status.DONE
    assert Link.objects.filter(source=answer, target=document).exists()
    card = text_of(executor.get(url(document)))
    assert f'href="{url(answer)}">{answer.number}</a>' in card and "Answered." in card
    for label in ("Task done", "Deadline extended", "The ministry sent more data.",
                  "after the deadline", f"Answer {answer.number}"):
        assert label in card, label
    assert f"complete-{lead.pk}.note" not in card  # nothing left to complete
    printed = text_of(executor.get(url(document, "print/")))
    assert "Ijrochi Malika (Responsible executor)" in printed
    assert f"Answer: {answer.number}" in printed and "Prepare an answer." in printed
    assert url(document) not in executor.get("/office/REG/tasks/").content.decode()


def test_a_task_no_longer_open_and_a_closed_one_are_told_not_500(office):
    document = incoming(office)
    tasks = resolved(office, document)
    lead, helper = tasks[office["lead"].pk], tasks[office["helper"].pk]
    client(office["lead"]).post(url(document), {"action": "complete", "task": lead.pk})
    again = client(office["helper"]).post(url(document), {"action": "complete",
                                                          "task": helper.pk})
    assert again.status_code == 400  # closed with the document
    assert "This task is no longer open." in text_of(again)
    assert client(office["head"]).post(url(document), {"action": "complete",
                                                       "task": "x"}).status_code == 404


def test_write_an_answer_begins_a_draft_that_answers_the_letter(office):
    on_exchange(office)
    letter = incoming(office, "Request for records", correspondent_agency=office["tax"],
                      correspondent_name="")
    lawyer = client(office["lead"])
    card = lawyer.get(url(letter)).content.decode()
    link = f"/office/REG/documents/new/?answers={letter.pk}"
    assert f'href="{link}"' in card and "Write an answer" in card
    form = lawyer.get(link).content.decode()
    assert 'value="Request for records"' in form and '<option value="TAX" selected>' in form
    assert f'name="answers" value="{letter.pk}"' in form
    bad = lawyer.post(link, {"kind": "outgoing", "doc_type": "", "subject": "Our answer",
                             "pages": "1", "access": "public", "answers": str(letter.pk)})
    assert bad.status_code == 400 and f'value="{letter.pk}"' in bad.content.decode()
    made = lawyer.post("/office/REG/documents/new/", {
        "kind": "outgoing", "doc_type": "letter", "subject": "Our answer", "pages": "1",
        "access": "public", "correspondent": "TAX", "answers": str(letter.pk)})
    draft = Document.objects.get(subject="Our answer")
    assert made.status_code == 302
    assert Link.objects.filter(source=draft, relation="answers", target=letter).exists()
    by_name = incoming(office, "From a citizen")
    assert 'value="A citizen"' in lawyer.get(
        f"/office/REG/documents/new/?answers={by_name.pk}").content.decode()
    for wrong in ("not-an-id", draft.pk):  # nonsense, and a draft (not registered)
        assert lawyer.get(f"/office/REG/documents/new/?answers={wrong}").status_code == 404
    assert client(office["tax_clerk"]).get(
        f"/office/TAX/documents/new/?answers={letter.pk}").status_code == 404


def test_the_control_report_counts_for_heads_clerks_and_administrators(office, clock):
    first = incoming(office)
    tasks = resolved(office, first)  # lead: 5 Jan (civil status), helper: 4 Jan (general)
    second = incoming(office, "Second letter")
    resolutions.write_resolution(office["head"], second.pk, "Check.",
                                 [(office["helper"], 1, True)])  # 31 December
    clock.day = date(2026, 12, 31)
    resolutions.complete_assignment(office["helper"], Assignment.objects.get(
        resolution__document=second).pk)  # on time
    clock.day = date(2027, 1, 5)
    resolutions.complete_assignment(office["helper"], tasks[office["helper"].pk].pk)  # late
    clock.day = date(2027, 1, 6)  # the lead's task is overdue
    third = incoming(office, "Third letter")
    resolutions.write_resolution(office["head"], third.pk, "Look.",
                                 [(office["helper"], 2, True)])  # 8 January: due soon

    assert client(office["operator"]).get("/office/REG/control/").status_code == 404
    assert client(office["tax_clerk"]).get("/office/REG/control/").status_code == 404
    operator_journal = client(office["operator"]).get("/office/REG/documents/")
    assert "/office/REG/control/" not in operator_journal.content.decode()
    clerk = client(office["clerk"])
    assert "/office/REG/control/" in clerk.get("/office/REG/documents/").content.decode()
    report = clerk.get("/office/REG/control/")
    assert report.status_code == 200
    page = text_of(report)
    totals = re.search(r'<th scope="row">All</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r">(\d+)<", totals) == ["2", "1", "1", "1", "1"]
    civil = re.search(r'>Civil status department</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r">(\d+)<", civil) == ["1", "1", "0", "0", "0"]
    helper = re.search(r'>Yordamchi Behruz</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r">(\d+)<", helper) == ["1", "0", "1", "1", "1"]
    overdue = page[page.index('id="overdue"'):page.index('id="due-soon"')]
    assert url(first) in overdue and "Ijrochi Malika" in overdue and url(third) not in overdue
    assert url(third) in page[page.index('id="due-soon"'):]
    assert "only the report is printed" in page
    assert client(office["head"]).get("/office/REG/control/").status_code == 200


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(executor=st.sampled_from(["", "lead", "tax_operator", "1", "x" * 40]),
       day=st.one_of(st.text(max_size=12), st.dates().map(date.isoformat)),
       days=st.one_of(st.text(max_size=6), st.integers(-5, 400).map(str)),
       responsible=st.sampled_from(["0", "1", "", "x"]))
def test_whatever_a_row_holds_is_answered_beside_a_field_never_500(office, executor, day,
                                                                   days, responsible):
    document = Document.objects.filter(subject="Any input").first() or \
        incoming(office, "Any input")
    name = office[executor].username if executor in office else executor
    response = client(office["head"]).post(url(document), rows(
        office, (name, day, days), responsible=responsible))
    assert response.status_code in (302, 400)
    if response.status_code == 400 and response.context is None:  # core.input_guard
        assert "\x00" in f"{day}{days}" or any(0xD800 <= ord(c) <= 0xDFFF
                                                for c in f"{day}{days}")
    elif response.status_code == 400:
        errors = response.context["errors"]
        assert errors and all(key == "text" or key.startswith("assignments")
                              for key in errors), errors
        page = response.content.decode()
        assert all(f'id="e-{key}"' in page for key in errors), errors
    else:
        assert Assignment.objects.filter(resolution__document=document,
                                         executor=office["lead"]).exists()
