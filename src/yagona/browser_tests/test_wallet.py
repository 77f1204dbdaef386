"""My documents in a real browser, with axe-core on every page: a citizen opens their
wallet and a sealed decision, makes a 7-day share link; someone without an account opens
it in another browser and downloads the document; the citizen sees both openings in the
link's log. The pages also fit a 360 px phone."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from yagona.accounts.models import User
from yagona.applications.models import Application
from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_citizen_journey import accessible, sign_in
from yagona.browser_tests.test_phone_and_print import WIDTH, fits
from yagona.signing import services as signing
from yagona.signing.tests.helpers import plain_pdf


def _sealed(application, citizen):
    try:
        return signing.seal(plain_pdf(), application.agency, kind="result",
                            title=application.service.name, holder_id=citizen.username,
                            reference=application.registration_number)
    finally:
        connections.close_all()  # this thread's own


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_shares_a_document_and_sees_who_opened_it(live_server, pages, settings, tj):
    base = live_server.url
    citizen = User.objects.get(username=tj["citizens"][0]["person_id"])
    application = Application.objects.filter(created_by=citizen).exclude(
        status="draft").first()
    # pyhanko signs with asyncio.run(), which cannot run inside Playwright's event loop.
    with ThreadPoolExecutor(1) as aside:
        document = aside.submit(_sealed, application, citizen).result()
    with document.file.open("rb") as stored:
        signed = stored.read()

    page = opened(pages, settings, base, "tg")
    sign_in(page, base, citizen.username)
    page.goto(f"{base}/account/")
    page.click("main a[href='/account/documents/']")
    assert application.registration_number in page.inner_text("main")
    accessible(page, "my documents")
    page.click(f"main a[href='/account/documents/{document.uuid}/']")
    accessible(page, "a document")

    page.check("#f-days-7")
    page.fill("#f-label", "Ориёнбонк")
    page.click("form:has(input[name=action][value=share]) button[type=submit]")
    link = page.input_value("#new-link")
    assert link.startswith(f"{base}/shared/")
    accessible(page, "a document with its new link")

    # Someone without an account, in a browser of their own.
    stranger = opened(pages, settings, base, "ru")
    stranger.goto(link)
    assert stranger.locator("main h1").inner_text() == application.service.name["ru"]
    assert citizen.username not in stranger.content()
    accessible(stranger, "the shared document")
    with stranger.expect_download() as download:
        stranger.click("main a.button[href$='/download']")
    assert download.value.path().read_bytes() == signed

    page.reload()
    log = page.locator("section.share-link table tbody tr")
    assert log.count() == 2
    rows = log.all_inner_texts()
    assert "ҳуҷҷат боргирӣ шуд" in rows[0] and "саҳифа кушода шуд" in rows[1]
    assert all("касе, ки ворид нашудааст" in row and "127.0.0.0/24" in row for row in rows)
    assert "Ориёнбонк" in page.inner_text("section.share-link h3")
    accessible(page, "a document with its log")

    # Ended, the link opens nothing; the page says so.
    page.click("form:has(input[name=action][value=revoke]) button[type=submit]")
    stranger.goto(link)
    assert stranger.locator("main h1").inner_text() == "Ссылка недействительна или её срок истёк"
    accessible(stranger, "an ended link")

    # Nothing scrolls sideways on a phone.
    for each in (page, stranger):
        each.set_viewport_size({"width": WIDTH, "height": 800})
    for url in ("/account/documents/", f"/account/documents/{document.uuid}/"):
        fits(page, base + url)
    _link, token = signing.share(citizen, document.uuid, 1, "A long label " * 7)
    fits(stranger, f"{base}/shared/{token}/")
    fits(stranger, link)
    fits(page, f"{base}/account/documents/{document.uuid}/")  # two links, three openings
