"""Appeals in the back office, through the test client: the agency's list with its tabs
and pages (the reception's forwarding deadline), the appeal's page (author, place,
photos, answers, history, notes) and every action: take, give, note, message, request
for more, extension, forward, merge, the answer signed with the code; and the refusals:
another agency's appeal and its photos (404), an operator extending or giving (403),
bad input (the error summary, what was typed kept), a step no longer possible."""

import html
import time

import pyotp
import pytest

from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.appeals import services
from yagona.appeals.models import Appeal
from yagona.appeals.tests.conftest import photo, send
from yagona.appeals.workflow import Status
from yagona.backoffice import appeal_pages
from yagona.core.audit import SYSTEM
from yagona.testing.web import TOTP_SECRET, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(people):
    for name in ("operator", "tax_operator", "supervisor"):
        accounts.enable_totp(SYSTEM, people[name], TOTP_SECRET)
    return people


def client(user):
    return signed_in(user)


def next_code():
    """The next window's code: signing in used this window's, and each works once."""
    return pyotp.TOTP(TOTP_SECRET).at(time.time() + 30)


def page(response) -> str:
    return html.unescape(response.content.decode())


def url(appeal) -> str:
    return f"/office/appeals/{appeal.uuid}/"


def dumping(author, text="Rubbish by the canal", **fields):
    fields = {"latitude": "38.5", "longitude": "68.7", "attributes": {"size": "truck"},
              "address": "Rudaki avenue 5", **fields}
    appeal, _code = services.submit(author, services.Draft(
        kind="problem", category="dumping", text=text, **fields), [photo()])
    return appeal


# --- the list ---------------------------------------------------------------------------


def test_the_agencys_list_by_tabs_with_the_reception_forwarding_deadline(desk):
    mine, waiting = send(desk["citizen"]), send(desk["other"], text="Where do I apply?")
    taxes = send(desk["citizen"], agency="TAX", text="A tax question")
    services.assign(desk["operator"], mine.uuid)
    office = client(desk["operator"])
    assert "/office/REG/appeals/" in office.get("/office/REG/").content.decode()
    listed = page(office.get("/office/REG/appeals/"))
    assert mine.number in listed and waiting.number in listed and taxes.number not in listed
    assert "Forward by" in listed  # REG is the reception
    unassigned = page(office.get("/office/REG/appeals/?tab=unassigned"))
    assert waiting.number in unassigned and mine.number not in unassigned
    assert 'aria-current="page">Not taken yet' in unassigned
    own = page(office.get("/office/REG/appeals/?tab=mine"))
    assert mine.number in own and waiting.number not in own
    assert waiting.number not in page(office.get("/office/REG/appeals/?tab=answered"))
    assert office.get("/office/REG/appeals/?tab=nonsense").status_code == 200
    # The tax service is no reception: no forwarding column; REG's list is not theirs.
    tax = client(desk["tax_operator"])
    assert "Forward by" not in page(tax.get("/office/TAX/appeals/"))
    assert tax.get("/office/REG/appeals/").status_code == 404


def test_overdue_appeals_are_marked_and_the_list_has_pages(desk, monkeypatch):
    monkeypatch.setattr(appeal_pages, "ROWS", 2)
    appeals = [send(desk["citizen"], text=f"Question {n}") for n in range(3)]
    late = appeals[0]
    Appeal.objects.filter(pk=late.pk).update(due_date=late.received_on.replace(year=2000))
    office = client(desk["operator"])
    first = page(office.get("/office/REG/appeals/"))
    assert late.number in first and 'class="tag red">Overdue' in first
    assert "?tab=open&page=2" in first
    second = page(office.get("/office/REG/appeals/?tab=open&page=2"))
    assert sum(a.number in second for a in appeals) == 1
    assert late.number in page(office.get("/office/REG/appeals/?tab=overdue"))


# --- the page ---------------------------------------------------------------------------


def test_the_page_shows_the_author_place_photos_answers_and_history(desk):
    appeal = dumping(desk["citizen"])
    office = client(desk["operator"])
    shown = page(office.get(url(appeal)))
    assert appeal.number in shown and "Rahimova Dilnoza" in shown
    assert "Rubbish by the canal" in shown and "Rudaki avenue 5" in shown
    assert "38.500000, 68.700000" in shown and "A truck load" in shown
    photo_url = f"/office/appeals/{appeal.uuid}/photos/{appeal.photos.get().pk}/"
    assert photo_url in shown
    response = office.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert "Sent" in shown and "Assign to me" in shown


def test_another_agencys_appeal_and_its_photos_are_not_found(desk):
    appeal = dumping(desk["citizen"])
    tax = client(desk["tax_operator"])
    assert tax.get(url(appeal)).status_code == 404
    assert tax.post(url(appeal), {"action": "assign"}).status_code == 404
    photo_id = appeal.photos.get().pk
    assert tax.get(f"{url(appeal)}photos/{photo_id}/").status_code == 404
    office = client(desk["operator"])
    assert office.get(f"{url(appeal)}photos/{photo_id + 1}/").status_code == 404
    assert office.get("/office/appeals/not-a-uuid/").status_code == 404
    assert Appeal.objects.get().assigned_to is None


def test_an_anonymous_report_reads_as_such_and_cannot_be_written_to(desk):
    appeal, _code = services.submit(None, services.Draft(
        kind="corruption", anonymous=True, text="An inspector asks for cash.", agency="REG"))
    office = client(desk["operator"])
    office.post(url(appeal), {"action": "assign"})
    shown = page(office.get(url(appeal)))
    assert "Anonymous" in shown
    assert 'name="note_to"' not in shown and 'value="request_info"' not in shown
    assert 'value="answer"' in shown


# --- the actions ------------------------------------------------------------------------


def test_take_then_a_supervisor_gives_it_to_a_colleague(desk):
    appeal = send(desk["citizen"])
    office = client(desk["operator"])
    response = office.post(url(appeal), {"action": "assign"}, follow=True)
    assert "The appeal is yours to consider." in page(response)
    appeal.refresh_from_db()
    assert appeal.assigned_to == desk["operator"] and appeal.status == Status.IN_REVIEW
    assert "Assign to me" not in page(office.get(url(appeal)))
    # An operator gives nothing away; a supervisor does.
    assert office.post(url(appeal), {"action": "assign",
                                     "assignee": desk["supervisor"].username}
                       ).status_code == 403
    boss = client(desk["supervisor"])
    shown = page(boss.get(url(appeal)))
    assert f'value="{desk["operator"].username}"' in shown
    refused = boss.post(url(appeal), {"action": "assign", "assignee": "nobody"})
    assert refused.status_code == 400 and 'href="#f-assignee"' in page(refused)
    boss.post(url(appeal), {"action": "assign"})
    appeal.refresh_from_db()
    assert appeal.assigned_to == desk["supervisor"]
    outsider = desk["tax_operator"]
    refused = boss.post(url(appeal), {"action": "assign", "assignee": outsider.username})
    assert refused.status_code == 400 and "Choose an official of this agency." in page(refused)


def test_an_internal_note_and_a_message_to_the_author(desk):
    appeal = send(desk["citizen"])
    office = client(desk["operator"])
    refused = office.post(url(appeal), {"action": "note", "note_to": "author",
                                        "note_text": "  "})
    shown = page(refused)
    assert refused.status_code == 400 and 'href="#f-note_text"' in shown
    assert 'value="author" checked' in shown
    office.post(url(appeal), {"action": "note", "note_to": "internal",
                              "note_text": "Ask the archive first."})
    response = office.post(url(appeal), {"action": "note", "note_to": "author",
                                         "note_text": "We are on it."}, follow=True)
    assert "Your message was sent." in page(response)
    notes = {n.text: n.internal for n in appeal.notes.all()}
    assert notes == {"Ask the archive first.": True, "We are on it.": False}
    assert "Internal note" in page(response)


def test_a_request_for_more_by_whoever_handles_it(desk):
    appeal = send(desk["citizen"])
    office = client(desk["operator"])
    assert 'value="request_info"' not in page(office.get(url(appeal)))
    # Not taken yet: the workflow has no request (received), and nobody handles it.
    office.post(url(appeal), {"action": "request_info", "info_text": "Which office?"})
    appeal.refresh_from_db()
    assert appeal.status == Status.RECEIVED
    office.post(url(appeal), {"action": "assign"})
    refused = office.post(url(appeal), {"action": "request_info", "info_text": ""})
    assert refused.status_code == 400 and 'href="#f-info_text"' in page(refused)
    office.post(url(appeal), {"action": "request_info", "info_text": "Which office?"})
    appeal.refresh_from_db()
    assert appeal.status == Status.INFO_REQUESTED and appeal.days_left_at_pause == 15
    shown = page(office.get(url(appeal)))
    assert "Which office?" in shown and "stopped: waiting for the author" in shown


def test_only_a_supervisor_extends_and_sees_what_is_left(desk):
    appeal = send(desk["citizen"])
    office = client(desk["operator"])
    office.post(url(appeal), {"action": "assign"})
    assert 'value="extend"' not in page(office.get(url(appeal)))
    assert office.post(url(appeal), {"action": "extend", "extend_days": "5",
                                     "extend_reason": "Busy"}).status_code == 403
    boss = client(desk["supervisor"])
    assert "15 days more in all; 15 days are left" in page(boss.get(url(appeal)))
    refused = boss.post(url(appeal), {"action": "extend", "extend_days": "40",
                                      "extend_reason": "The archive is slow."})
    shown = page(refused)
    assert refused.status_code == 400 and "Extend by 1 to 15 days." in shown
    assert "The archive is slow.</textarea>" in shown and 'value="40"' in shown
    due = Appeal.objects.get().due_date
    response = boss.post(url(appeal), {"action": "extend", "extend_days": "10",
                                       "extend_reason": "The archive is slow."}, follow=True)
    appeal.refresh_from_db()
    assert appeal.extended_days == 10 and (appeal.due_date - due).days == 10
    assert "5 days are left" in page(response)


def test_forward_to_the_competent_body(desk):
    appeal = send(desk["citizen"])
    office = client(desk["operator"])
    refused = office.post(url(appeal), {"action": "forward", "forward_agency": "TAX",
                                        "forward_reason": ""})
    shown = page(refused)
    assert refused.status_code == 400 and 'href="#f-forward_reason"' in shown
    assert '<option value="TAX" selected>' in shown
    response = office.post(url(appeal), {"action": "forward", "forward_agency": "TAX",
                                         "forward_reason": "Taxes are theirs."})
    assert response.status_code == 302 and response["Location"] == "/office/REG/appeals/"
    appeal.refresh_from_db()
    assert appeal.agency.code == "TAX" and appeal.status == Status.RECEIVED
    assert office.get(url(appeal)).status_code == 404  # no longer REG's
    shown = page(client(desk["tax_operator"]).get(url(appeal)))
    assert "Taxes are theirs." in shown and "Forwarded to the competent body" in shown


def test_forward_as_a_registered_letter_drafts_the_covering_letter(desk):
    appeal = send(desk["citizen"])
    office = client(desk["operator"])
    refused = office.post(url(appeal), {"action": "forward", "forward_agency": "TAX",
                                        "forward_reason": " ", "forward_how": "letter"})
    assert refused.status_code == 400 and 'href="#f-forward_reason"' in page(refused)
    assert 'value="letter" checked' in page(refused)
    response = office.post(url(appeal), {"action": "forward", "forward_agency": "TAX",
                                         "forward_reason": "The matter is the tax service's.",
                                         "forward_how": "letter"})
    assert response.status_code == 302 and response["Location"].endswith("/draft/")
    appeal.refresh_from_db()
    assert appeal.agency.code == "REG"  # it moves when TAX registers the letter
    assert office.get(response["Location"]).status_code == 200


def test_merge_into_a_possible_duplicate(desk):
    first = dumping(desk["citizen"])
    again = dumping(desk["other"], text="A dump by the canal", latitude="38.5003")
    office = client(desk["operator"])
    shown = page(office.get(url(again)))
    assert f'href="{url(first)}">{first.number}</a>' in shown
    refused = office.post(url(again), {"action": "merge", "merge_into": "A-99999/99"})
    assert refused.status_code == 400 and 'value="A-99999/99"' in page(refused)
    office.post(url(again), {"action": "merge", "merge_into": first.number})
    again.refresh_from_db()
    assert again.status == Status.MERGED and again.duplicate_of == first
    assert again.number in page(office.get(url(first)))  # merged into this one


def test_the_answer_is_signed_with_the_code_and_a_wrong_code_keeps_the_text(desk):
    from django.core.cache import cache

    appeal = send(desk["citizen"])
    office = client(desk["operator"])
    office.post(url(appeal), {"action": "assign"})
    refused = office.post(url(appeal), {"action": "answer", "answer_code": "000000",
                                        "answer_text": "The queue is now electronic."})
    shown = page(refused)
    assert refused.status_code == 400 and 'href="#f-answer_code"' in shown
    assert "The queue is now electronic.</textarea>" in shown
    cache.clear()
    response = office.post(url(appeal), {"action": "answer", "answer_code": next_code(),
                                         "answer_text": "The queue is now electronic."},
                           follow=True)
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.answer_document is not None
    shown = page(response)
    assert "The answer is signed and sealed" in shown
    assert f"/verify/{appeal.answer_document.uuid}/" in shown
    assert 'value="answer"' not in shown
    # A step the status no longer allows is told, not done.
    response = office.post(url(appeal), {"action": "assign"}, follow=True)
    assert "not possible in the appeal's status" in page(response)


def test_an_operator_who_does_not_handle_it_cannot_answer(desk):
    appeal = send(desk["citizen"])
    services.assign(desk["supervisor"], appeal.uuid)
    office = client(desk["operator"])
    assert 'value="answer"' not in page(office.get(url(appeal)))
    assert office.post(url(appeal), {"action": "answer", "answer_code": next_code(),
                                     "answer_text": "No."}).status_code == 403
    assert office.post(url(appeal), {"action": "nonsense"}).status_code == 400


def test_a_complaint_names_the_appeal_it_is_about_without_showing_another_agencys(desk):
    from yagona.appeals.tests.test_appeals import code

    appeal = send(desk["citizen"], agency="TAX")
    services.assign(desk["tax_operator"], appeal.uuid)
    services.answer(desk["tax_operator"], appeal.uuid, "We decline, see article 5.", code())
    complaint = services.complain(desk["citizen"], appeal.uuid, "The answer says nothing.")
    office = client(desk["operator"])
    shown = page(office.get(url(complaint)))
    assert appeal.number in shown and "Answered" in shown
    assert url(appeal) not in shown and "article 5" not in shown
    # An official of both agencies follows the link.
    accounts.grant_role(SYSTEM, desk["operator"], Agency.objects.get(code="TAX"),
                        Role.OPERATOR)
    assert url(appeal) in page(office.get(url(complaint)))
