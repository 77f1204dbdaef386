"""The registry office in a real browser, with axe-core on its pages: a clerk registers
paper mail and finds it in the journal with a filter; an author drafts a letter, adds its
text and routes it; the approver refuses it with remarks (none at first: told so, the
page kept); the author sends it again, the approver approves; the head signs it with
their authenticator code; the clerk registers it with a case of the file plan."""

import time

import pyotp
import pytest

from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.browser_tests.test_citizen_journey import accessible
from yagona.correspondence.models import Document
from yagona.correspondence.tests.conftest import official
from yagona.correspondence.workflow import Status
from yagona.testing.documents import plain_pdf
from yagona.testing.web import TOTP_SECRET


def sign_in(pages, base, user, code=None):
    page = pages()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", "correct horse battery")
    page.click("main form button[type=submit]")
    page.fill("#id_code", code or pyotp.TOTP(TOTP_SECRET).now())
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def submit(page, selector="main form button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_letter_from_draft_to_registration(people, live_server, pages, tmp_path):
    reg = Agency.objects.get(code="REG")
    clerk = official(20, "Gulnora", "Kotiba", reg, Role.CLERK, totp=True)
    head = official(21, "Rustam", "Sardorov", reg, Role.HEAD, totp=True)
    author = official(23, "Jamshed", "Huquqdon", reg, Role.OPERATOR, department="02",
                      totp=True)
    approver = official(26, "Olim", "Tasdiq", reg, Role.SUPERVISOR, totp=True)
    base = live_server.url
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(plain_pdf(1, "Letter"))

    # The clerk registers a letter that came on paper, and finds it with a filter.
    desk = sign_in(pages, base, clerk)
    desk.goto(f"{base}/office/REG/documents/incoming/")
    accessible(desk, "incoming mail form")
    desk.fill("#f-correspondent_name", "Karimov F.")
    desk.select_option("#f-doc_type", "request")
    desk.fill("#f-subject", "Request for a marriage record")
    submit(desk)
    number = Document.objects.get(kind="incoming").number
    assert number in desk.locator("h1").inner_text()
    accessible(desk, "card of an incoming letter")
    desk.goto(f"{base}/office/REG/documents/")
    desk.fill("#f-q", "marriage")
    submit(desk, "form[role=search] button")
    assert desk.locator(f"tbody tr:has-text('{number}')").count() == 1
    accessible(desk, "journal, filtered")

    # The author drafts a letter, adds its text and routes it to an approver.
    writer = sign_in(pages, base, author)
    writer.goto(f"{base}/office/REG/documents/")
    accessible(writer, "journal")
    writer.click("a[href='/office/REG/documents/new/']")
    accessible(writer, "new document form")
    writer.check("#f-kind-outgoing")
    writer.fill("#f-subject", "On the exchange of civil status records")
    submit(writer)  # no kind of document chosen: told so, the subject kept
    assert writer.locator(".error-summary a[href='#f-doc_type']").count() == 1
    assert writer.input_value("#f-subject") == "On the exchange of civil status records"
    accessible(writer, "new document form with an error")
    writer.select_option("#f-doc_type", "letter")
    writer.fill("#f-correspondent_name", "Bank of the capital")
    submit(writer)
    assert writer.url.endswith("/draft/")
    accessible(writer, "draft page")
    writer.set_input_files("#f-file", str(letter))
    submit(writer, "form[enctype] button[type=submit]")
    assert writer.locator("table a:has-text('letter.pdf')").count() == 1
    writer.select_option("#f-stage-1", [approver.username])
    writer.select_option("#f-signatory", head.username)
    submit(writer, "button[value=send]")
    document = Document.objects.get(kind="outgoing")
    assert document.status == Status.IN_APPROVAL
    accessible(writer, "card in approval")

    # The approver refuses: remarks first required, then given.
    checker = sign_in(pages, base, approver)
    checker.goto(f"{base}/office/REG/documents/?view=waiting")
    checker.click(f"a[href='/office/REG/documents/{document.pk}/']")
    submit(checker, "button[value=refuse]")
    assert checker.locator("#e-remarks").count() == 1
    accessible(checker, "card with a refusal without remarks")
    checker.fill("#f-remarks", "Cite the article of the law.")
    submit(checker, "button[value=refuse]")
    assert Document.objects.get(pk=document.pk).status == Status.DRAFT

    # The author reads the remarks, sends it again; the approver approves.
    writer.goto(f"{base}/office/REG/documents/{document.pk}/")
    assert "Cite the article of the law." in writer.content()
    writer.click(f"a[href='/office/REG/documents/{document.pk}/draft/']")
    assert writer.locator("#f-stage-1 option:checked").inner_text() == approver.display_name
    submit(writer, "button[value=send]")
    checker.goto(f"{base}/office/REG/documents/{document.pk}/")
    submit(checker, "button[value=approve]")
    assert Document.objects.get(pk=document.pk).status == Status.APPROVED

    # The head signs with the next code of their authenticator (sign-in used this one).
    signer = sign_in(pages, base, head)
    signer.goto(f"{base}/office/REG/documents/?view=waiting")
    signer.click(f"a[href='/office/REG/documents/{document.pk}/']")
    accessible(signer, "card to sign")
    signer.fill("#f-confirmation", pyotp.TOTP(TOTP_SECRET).at(time.time() + 30))
    submit(signer, "form:has(#f-confirmation) button")
    assert Document.objects.get(pk=document.pk).status == Status.SIGNED

    # The clerk registers it with a case of the file plan.
    desk.goto(f"{base}/office/REG/documents/?view=register")
    desk.click(f"a[href='/office/REG/documents/{document.pk}/']")
    desk.select_option("#f-case", "01-05")
    submit(desk, "form:has(#f-case) button")
    document.refresh_from_db()
    assert document.status == Status.REGISTERED and document.number.startswith("01-05/")
    assert document.number in desk.locator("h1").inner_text()
    accessible(desk, "registered card")
    desk.goto(f"{base}/office/REG/documents/{document.pk}/print/")
    accessible(desk, "printable registration card")
