"""The journey of issue §9 in a real browser, with axe-core on every key page:
a citizen finds a service by searching without special letters, fills a multi-page
form with a file and submits; an operator signs in with the second factor and
requests more information; the citizen answers; the operator approves with a
result document; the citizen downloads it and rates the service."""

import random
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from yagona.browser_tests.conftest import load_demo
from yagona.catalogue.forms import FormDefinition
from yagona.catalogue.models import Service
from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import read_yaml
from yagona.core.normalize import words
from yagona.demo import data as demo

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}
axe = Axe()


def accessible(page, what):
    results = axe.run(page, options=WCAG_AA)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def pick_service(people, rng):
    """An online service with a file question whose form generic answers can fill, in an
    agency with a demo operator."""
    operators = {o["agency"]: o for o in people["officials"] if o["role"] == "operator"}
    person_ids = [c["person_id"] for c in people["citizens"]]
    for service in Service.objects.filter(online=True, active=True,
                                          signature_required=False).order_by("code"):
        form = FormDefinition(service.form)
        if service.agency.code not in operators or \
                "person" not in (service.applicant_kinds or ["person"]):
            continue
        answers = demo.example_answers(form, person_ids, rng, people.get("texts"))
        non_file = [f.name for f in form.fields.values() if not f.is_file]
        if any(f.is_file for f in form.fields.values()) and \
                not form.errors(answers, only=non_file):
            return service, form, answers, operators[service.agency.code]
    pytest.fail("the pack has no service the journey can use")


def sign_in(page, base, person_id, code=None):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", person_id)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    if code is not None:
        page.fill("#id_code", code())
        page.click("main form button[type=submit]")
    page.wait_for_load_state()


def fill_page(page, form, answers, pdf: Path):
    for field in form.fields.values():
        if not page.locator(f"[name='{field.name}']").count():
            continue
        value = answers.get(field.name)
        if field.is_file:
            page.set_input_files(f"#f-{field.name}", str(pdf))
        elif field.widget in ("radios", "yesno"):
            shown = {True: "yes", False: "no"}.get(value, value)
            page.check(f"input[name='{field.name}'][value='{shown}']")
        elif field.widget == "checkbox":
            page.check(f"#f-{field.name}")
        elif field.widget == "select":
            page.select_option(f"#f-{field.name}", str(value))
        elif value is not None:
            page.fill(f"#f-{field.name}", str(value))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pack_code,language", [("tj", "tg"), ("tj", "ru"), ("tj", "en"),
                                                ("az", "az")])
def test_citizen_and_operator_journey(pack_code, language, live_server, pages, tmp_path,
                                      settings):
    folder = Path(settings.COUNTRIES_DIR) / pack_code
    load_pack(SYSTEM, folder)
    settings.COUNTRY = pack_code
    load_demo()
    people = read_yaml(folder / "demo.yaml")
    service, form, answers, operator = pick_service(people, random.Random(7))
    citizen = people["citizens"][0]
    base = live_server.url
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(demo.pdf_bytes("Scan"))

    page = pages(language)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                               "url": base}])
    page.goto(base + "/")
    assert page.get_attribute("html", "lang") == language
    accessible(page, "home")

    # Search typed in plain letters (no ғ ӣ қ ӯ ҳ ҷ / ə ı ş ç ğ ö ü), lower case.
    name = service.name[language]
    query = " ".join(words(name)[:2])
    page.fill("#q", query)
    page.click("form[role=search] button")
    assert page.locator("mark").count() >= 1
    accessible(page, "search results")
    page.click(f"a[href='/services/{service.code}/']")
    accessible(page, "service page")

    page.click("main form[action$='/start/'] button")
    sign_in(page, base, citizen["person_id"])
    page.goto(f"{base}/services/{service.code}/start/")
    page.click("main form button[type=submit]")  # for myself
    first = True
    while "/page/" in page.url:
        if first:  # an empty page shows the error summary, answers are kept
            page.click("button[value=continue]")
            if page.locator(".error-summary").count():
                accessible(page, "form page with errors")
            first = False
        fill_page(page, form, answers, pdf)
        accessible(page, f"form page {page.url}")
        page.click("button[value=continue]")
        assert page.locator(".error-summary").count() == 0, page.content()[:3000]
    assert page.url.endswith("/check/")
    accessible(page, "check your answers")
    page.click("main form button[type=submit]")
    number = page.locator(".panel strong").inner_text()
    assert re.fullmatch(rf"{service.agency.code}-\d{{4}}-\d{{6}}", number)
    page.goto(f"{base}/account/")
    assert number in page.content()
    accessible(page, "account")
    page.goto(f"{base}/account/inbox/")
    accessible(page, "inbox")

    office = pages(language)
    office.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                                 "url": base}])
    sign_in(office, base, operator["person_id"], code=demo.current_code)
    office.goto(f"{base}/office/{service.agency.code}/")
    accessible(office, "back-office queue")
    office.click(f"text={number}")
    office.click("form:has(input[name=action][value=assign]) button")
    office.fill("#text", "Please attach a clearer scan of the birth certificate.")
    office.click("form:has(input[name=action][value=request_info]) button")
    accessible(office, "back-office application")

    page.goto(f"{base}/account/")
    page.click(f"text={number}")
    page.fill("#answer", "A clearer scan is attached.")
    page.set_input_files("#file", str(pdf))
    page.click("form:has(input[name=action][value=answer]) button")
    assert page.locator(".notice").count() >= 1

    office.reload()
    office.fill("#reason", "All documents are in order.")
    office.set_input_files("#result", str(pdf))
    # The official signs with their authenticator's code. Sign-in used this period's
    # code (each works once); a person would wait for the next one, the test forgets it.
    cache.clear()
    office.fill("#code", demo.current_code())
    office.click("button[name=action][value=approve]")
    assert office.locator("#code").count() == 0  # decided: no decision form any more

    page.reload()
    with page.expect_download() as download:
        page.click("a[href*='/files/']")
    # The first result is the decision the platform wrote, signed by the official and
    # sealed by the agency; its page checks the signature.
    signed = download.value.path().read_bytes()
    assert signed.startswith(b"%PDF") and b"/ByteRange" in signed
    page.click("a[href*='/verify/']")
    assert page.locator("text=TOTAL_PASSED").count() >= 1
    accessible(page, "verification of the decision")
    page.go_back()
    page.check("#score-5")
    page.click("form:has(input[name=action][value=rate]) button")
    assert page.locator("#score-5").count() == 0  # rated once


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_fit_a_narrow_phone(live_server, pages, settings):
    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / settings.COUNTRY)
    page = pages(width=320)
    for url in ["/", "/services/", "/agencies/"]:
        page.goto(live_server.url + url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, url
        accessible(page, url)
    code = Service.objects.filter(active=True).order_by("code").first().code
    response = page.goto(f"{live_server.url}/services/{code}/")
    assert len(response.body()) < 60 * 1024
