"""Appeals in the back office in a real browser, with axe-core on every page: an official
finds an appeal in the agency's list, takes it, asks the author for more (nothing written
at first: told beside the field), and once the author has answered, answers it with the
code of their authenticator app; the signed answer is linked from the page."""

import time

import pyotp
import pytest

from yagona.appeals import services
from yagona.appeals.models import Appeal
from yagona.appeals.tests.conftest import send
from yagona.appeals.workflow import Status
from yagona.browser_tests.test_citizen_journey import accessible
from yagona.browser_tests.test_correspondence import sign_in, submit
from yagona.correspondence.tests.conftest import official
from yagona.testing.web import TOTP_SECRET


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_official_takes_asks_and_answers_an_appeal(people, live_server, pages):
    from yagona.accounts.models import Role
    from yagona.agencies.models import Agency

    operator = official(30, "Nodira", "Murojiat", Agency.objects.get(code="REG"),
                        Role.OPERATOR, totp=True)
    appeal = send(people["citizen"], text="The office at Rudaki 5 keeps no queue.")
    base = live_server.url
    desk = sign_in(pages, base, operator)

    # The agency's list, then the appeal.
    desk.goto(f"{base}/office/REG/")
    desk.click("a[href='/office/REG/appeals/']")
    assert desk.locator(f"tbody a:has-text('{appeal.number}')").count() == 1
    accessible(desk, "the agency's appeals")
    desk.click("a[href='?tab=unassigned']")
    accessible(desk, "appeals not taken yet")
    desk.click(f"tbody a:has-text('{appeal.number}')")
    assert appeal.number in desk.locator("h1").inner_text()
    accessible(desk, "an appeal not taken yet")

    # Take it.
    submit(desk, "form:has(input[value=assign]) button")
    assert Appeal.objects.get().assigned_to == operator
    accessible(desk, "an appeal taken")

    # Ask the author for more: nothing written at first, told so beside the field.
    submit(desk, "form:has(#f-info_text) button")
    assert desk.locator(".error-summary a[href='#f-info_text']").count() == 1
    assert desk.locator("#e-info_text").count() == 1
    accessible(desk, "a request for more without its text")
    desk.fill("#f-info_text", "Which office, and on which days?")
    submit(desk, "form:has(#f-info_text) button")
    assert Appeal.objects.get().status == Status.INFO_REQUESTED
    assert "stopped" in desk.locator("dl.summary").inner_text()
    accessible(desk, "an appeal waiting for its author")

    # The author answers; the official answers the appeal with the next code.
    services.provide_info(people["citizen"], appeal.uuid, "The office on Rudaki, Mondays.")
    desk.reload()
    assert "The office on Rudaki, Mondays." in desk.content()
    desk.fill("#f-answer_text", "The office now gives electronic queue tickets.")
    desk.fill("#f-answer_code", "000000")
    submit(desk, "form:has(#f-answer_code) button")
    assert desk.locator(".error-summary a[href='#f-answer_code']").count() == 1
    assert desk.input_value("#f-answer_text") == "The office now gives electronic queue " \
                                                 "tickets."
    accessible(desk, "an answer with a wrong code")
    desk.fill("#f-answer_code", pyotp.TOTP(TOTP_SECRET).at(time.time() + 30))
    submit(desk, "form:has(#f-answer_code) button")
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED and appeal.answer_document is not None
    assert desk.locator(f"a[href='/verify/{appeal.answer_document.uuid}/']").count() == 1
    accessible(desk, "an answered appeal")
    desk.goto(f"{base}/office/REG/appeals/?tab=answered")
    assert desk.locator(f"tbody a:has-text('{appeal.number}')").count() == 1
    accessible(desk, "answered appeals")
