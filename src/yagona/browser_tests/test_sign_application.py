"""Signing an application in a real browser, with axe-core on the pages: a citizen fills a
service of the tj pack that needs the applicant's signature, reads the exact PDF they
sign, types a wrong code (told so, nothing lost), then signs with their authenticator's
code and sees the submitted page; the signed application is in My documents. The signing
page fits a 360 px phone."""

import random
import re
import time

import pyotp
import pytest
from django.utils import translation
from django.utils.translation import gettext

from yagona.accounts import services as accounts
from yagona.accounts.models import User
from yagona.applications.models import Application
from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_citizen_journey import accessible, fill_page, sign_in
from yagona.browser_tests.test_phone_and_print import WIDTH, fits
from yagona.catalogue.forms import FormDefinition
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM
from yagona.demo import data as demo
from yagona.signing.models import SignatureRequest
from yagona.testing.web import TOTP_SECRET


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_signs_an_application_with_their_authenticator(live_server, pages, settings,
                                                                 tj, tmp_path):
    base = live_server.url
    citizen = User.objects.get(username=tj["citizens"][0]["person_id"])
    accounts.enable_totp(SYSTEM, citizen, TOTP_SECRET)
    service = Service.objects.get(code="company-registration")
    assert service.signature_required
    form = FormDefinition(service.form)
    answers = demo.example_answers(form, [citizen.username], random.Random(5), tj.get("texts"))
    pdf = tmp_path / "charter.pdf"
    pdf.write_bytes(demo.pdf_bytes("Charter"))

    page = opened(pages, settings, base, "tg")
    sign_in(page, base, citizen.username, code=lambda: pyotp.TOTP(TOTP_SECRET).now())
    page.goto(f"{base}/services/{service.code}/start/")
    page.click("main form button[type=submit]")  # for myself
    while "/page/" in page.url:
        fill_page(page, form, answers, pdf)
        page.click("button[value=continue]")
        assert page.locator(".error-summary").count() == 0, page.content()[:3000]
    assert page.url.endswith("/check/")
    accessible(page, "check your answers, to sign")
    page.click("#f-sign")

    assert re.search(r"/sign/[0-9a-f-]{36}/$", page.url), page.url
    request = SignatureRequest.objects.get(uuid=page.url.rstrip("/").rsplit("/", 1)[-1])
    sign_url = page.url
    assert page.get_attribute("html", "lang") == "tg"
    assert "Ариза: Бақайдгирии давлатии шахси ҳуқуқӣ" in page.inner_text("main")
    accessible(page, "the signing page")
    # The link gives the very bytes that are signed.
    with request.content.open("rb") as stored:
        assert page.request.get(f"{sign_url}document").body() == stored.read()
    assert request.sha256[:8] in page.inner_text("main")

    # A phone: nothing scrolls sideways; the rest of the signing happens there.
    page.set_viewport_size({"width": WIDTH, "height": 800})
    fits(page, sign_url)
    code = page.locator("#f-code")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"

    code.fill("000000")
    page.click("button[name=action][value=sign]")
    assert page.locator(".error-summary").count() == 1
    with translation.override("tg"):
        assert page.locator("#e-code").inner_text().strip().endswith(
            gettext("The code is not right."))
    accessible(page, "the signing page with a wrong code")
    application = Application.objects.get(created_by=citizen, service=service)
    assert application.status == "draft"

    # The sign-in used this window's code: the next window's is accepted and unused.
    page.fill("#f-code", pyotp.TOTP(TOTP_SECRET).at(time.time() + 30))
    page.click("button[name=action][value=sign]")
    number = page.locator(".panel strong").inner_text()
    assert re.fullmatch(r"ANDOZ-\d{4}-\d{6}", number), number
    accessible(page, "submitted")
    application.refresh_from_db()
    assert application.registration_number == number and application.signed_document

    page.goto(f"{base}/account/documents/")
    assert number in page.inner_text("main")
    accessible(page, "my documents with the signed application")
    page.click(f"main a[href='/account/documents/{application.signed_document.uuid}/']")
    assert "Аризаи имзошуда" in page.inner_text("main")

    fits(page, sign_url)  # the page of an ended request
    assert "Ин ҳуҷҷат аллакай имзо шудааст." in page.inner_text("main")
    accessible(page, "an ended signing request")
