"""Resolutions and control in a real browser, with axe-core on every page: a head writes a
resolution with two executors (a day off first: told beside the field, the rest kept);
the responsible executor finds the task among their tasks and completes it with a note
and the answer; the control report shows the counts."""

import pytest

from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.browser_tests.test_citizen_journey import accessible
from yagona.browser_tests.test_correspondence import sign_in, submit
from yagona.core.countries import active_pack
from yagona.correspondence import resolutions, services
from yagona.correspondence.models import Assignment, Document, Link
from yagona.correspondence.services import Card
from yagona.correspondence.tests.conftest import official
from yagona.correspondence.tests.test_resolutions import registered_answer
from yagona.correspondence.workflow import Status


def field(name):
    """A field of the resolution forms (their ids hold dots)."""
    return f"[id='f-{name}']"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resolution_is_written_completed_with_an_answer_and_controlled(people,
                                                                          live_server, pages):
    reg = Agency.objects.get(code="REG")
    clerk = official(20, "Gulnora", "Kotiba", reg, Role.CLERK, totp=True)
    head = official(21, "Rustam", "Sardorov", reg, Role.HEAD, totp=True)
    lead = official(22, "Malika", "Ijrochi", reg, Role.OPERATOR, department="02", totp=True)
    helper = official(23, "Behruz", "Yordamchi", reg, Role.OPERATOR, totp=True)
    letter = services.register_incoming(clerk, reg, Card(
        doc_type="letter", subject="Request for civil status records",
        correspondent_name="Ministry of Justice"))
    base, card = live_server.url, f"{live_server.url}/office/REG/documents/{letter.pk}/"
    calendar, today = active_pack().calendar, resolutions.local_today()
    day_off = today
    while calendar.is_working_day(day_off):
        day_off = day_off.fromordinal(day_off.toordinal() + 1)
    later = calendar.add_working_days(today, 5)

    # The head writes the resolution: a day off first, then a working day.
    desk = sign_in(pages, base, head)
    desk.goto(card)
    desk.fill("#f-text", "Prepare the answer with the records attached.")
    desk.select_option(field("assignments.0.executor"), lead.username)
    desk.fill(field("assignments.0.days"), "3")
    desk.select_option(field("assignments.1.executor"), helper.username)
    desk.fill(field("assignments.1.date"), day_off.isoformat())
    submit(desk, "form:has(#f-text) button[type=submit]")
    assert desk.locator(".error-summary a[href='#f-assignments.1.date']").count() == 1
    assert desk.input_value(field("assignments.0.days")) == "3"
    assert desk.input_value("#f-text") == "Prepare the answer with the records attached."
    accessible(desk, "card with a resolution refused")
    desk.fill(field("assignments.1.date"), later.isoformat())
    submit(desk, "form:has(#f-text) button[type=submit]")
    tasks = {a.executor_id: a for a in Assignment.objects.filter(resolution__document=letter)}
    assert tasks[lead.pk].responsible and not tasks[helper.pk].responsible
    assert tasks[lead.pk].deadline == calendar.add_working_days(today, 3)
    assert tasks[helper.pk].deadline == later
    assert Document.objects.get(pk=letter.pk).status == Status.IN_WORK
    assert desk.locator("section.resolution tbody tr").count() == 2
    accessible(desk, "card with a resolution")
    desk.click(f"summary:has-text('{helper.display_name}')")  # a deadline's extension, open
    assert desk.locator(field(f"extend-{tasks[helper.pk].pk}.reason")).is_visible()
    accessible(desk, "card with a deadline's extension open")

    # The responsible executor finds the task and completes it with the answer.
    answer = registered_answer({"reg": reg, "clerk": clerk}, lead)
    executor = sign_in(pages, base, lead)
    executor.goto(f"{base}/office/REG/documents/")
    executor.click("a[href='/office/REG/tasks/']")
    assert executor.locator(f"tbody a[href='/office/REG/documents/{letter.pk}/']").count() == 1
    accessible(executor, "my tasks")
    executor.click(f"tbody a[href='/office/REG/documents/{letter.pk}/']")
    at = f"complete-{tasks[lead.pk].pk}"
    accessible(executor, "card with the executor's task")
    executor.fill(field(f"{at}.note"), "Answered with the records.")
    executor.select_option(field(f"{at}.answer"), str(answer.pk))
    submit(executor, f"form:has({field(at + '.note')}) button[type=submit]")
    assert Document.objects.get(pk=letter.pk).status == Status.DONE
    assert Link.objects.filter(source=answer, target=letter).exists()
    assert executor.locator(f"td a[href='/office/REG/documents/{answer.pk}/']").count() == 1
    accessible(executor, "card of a completed document")

    # The clerk reads the control report: one done on time, the co-executor's closed.
    office = sign_in(pages, base, clerk)
    office.goto(f"{base}/office/REG/documents/")
    office.click("a[href='/office/REG/control/']")
    totals = office.locator("table").first.locator("tbody td")
    assert totals.all_inner_texts() == ["0", "0", "0", "1", "0"]
    assert office.locator("tr:has-text('Ijrochi Malika') td").all_inner_texts() == [
        "0", "0", "0", "1", "0"]
    accessible(office, "control report")
