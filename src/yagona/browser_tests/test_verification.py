"""Verification in a real browser, with axe-core on every page: the QR code's page of a
sealed decision says in the reader's language that every signature is valid; a tampered
copy uploaded on /verify/ fails, and so does the comparison on the QR page."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from yagona.accounts.models import User
from yagona.applications.models import Application
from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_citizen_journey import accessible
from yagona.signing import services
from yagona.signing.tests.helpers import plain_pdf


def sealed_elsewhere(**kwargs):
    """Seal in a thread of its own: Playwright runs an event loop in this one, and the
    signing room's pyhanko calls run theirs."""
    from django.db import connection

    def seal():
        try:
            document = services.seal(plain_pdf(), **kwargs)
            return document, document.file.read()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(seal).result()


def tampered(data: bytes) -> bytes:
    at = data.index(b"page 1")
    return data[:at] + b"PAGE 1" + data[at + 6:]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_sealed_decision_verifies_and_a_tampered_copy_does_not(live_server, pages, settings,
                                                                  tj, tmp_path):
    base = live_server.url
    citizen = User.objects.get(username=tj["citizens"][0]["person_id"])
    application = Application.objects.filter(created_by=citizen).exclude(
        status="draft").first()
    operator = application.agency.official_roles.filter(role="operator").first().user
    document, signed = sealed_elsewhere(
        agency=application.agency, official=operator, kind="result",
        title=application.service.name, holder_id=citizen.username,
        reference=application.registration_number or "")
    bad = tmp_path / "decision.pdf"
    bad.write_bytes(tampered(signed))

    page = opened(pages, settings, base, "tg")
    page.goto(f"{base}/verify/{document.uuid}/")
    verdict = page.locator("main .notice").first
    assert "Ҳамаи имзоҳои ин ҳуҷҷат эътибор доранд." in verdict.inner_text()
    assert "TOTAL_PASSED" in verdict.inner_text()
    assert citizen.username not in page.content()  # the holder is masked
    accessible(page, "the QR code's page")

    page.set_input_files("#f-file", str(bad))
    page.click("main form button[type=submit]")
    assert "Ин он ҳуҷҷате нест" in page.locator("main").inner_text()
    accessible(page, "the QR code's page, compared with a tampered copy")

    page = opened(pages, settings, base, "ru")
    page.goto(f"{base}/verify/")
    accessible(page, "the upload page")
    page.click("main form button[type=submit]")  # nothing chosen: the error summary
    assert page.locator(".error-summary").is_visible()
    accessible(page, "the upload page with an error")
    page.set_input_files("#f-file", str(bad))
    page.click("main form button[type=submit]")
    report = page.locator("main").inner_text()
    assert "TOTAL_FAILED" in report and "HASH_FAILURE" in report
    assert "Как минимум одна подпись этого документа недействительна." in report
    accessible(page, "the report of a tampered file")
