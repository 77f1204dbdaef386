"""Writing to the government on a phone, with axe-core on every page: a citizen reports a
problem in a public place (its category, the questions, the place filled by "Use my
location", a photo taken with the phone), sees it in their appeals with the photo; an
official answers (through the services, signed and sealed); the citizen rates the answer
and complains about it to the superior body, and finds the complaint linked to it."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from PIL import Image
from playwright.sync_api import expect

from yagona.accounts.models import User
from yagona.appeals import queries, services
from yagona.appeals.models import Appeal
from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_citizen_journey import accessible, sign_in
from yagona.demo import data as demo

PHONE = {"width": 360, "height": 740}


def aside(work):
    """Run ``work`` in a thread of its own: Playwright runs an event loop in this one, and
    signing the answer (pyhanko's asyncio.run) runs its own."""
    def run():
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def fits(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} scrolls sideways by {overflow} px"
    accessible(page, what)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_problem_report_from_a_phone_answered_rated_and_complained_about(
        live_server, pages, settings, tmp_path, tj):
    base = live_server.url
    citizen = User.objects.get(username=tj["citizens"][0]["person_id"])
    operators = {o["agency"]: o["person_id"] for o in tj["officials"]
                 if o["role"] == "operator"}
    problem = next(k for k in queries.kinds() if queries.categories(k).exists())
    category = next(c for c in queries.categories(problem) if c.agency.code in operators)
    west, south, east, north = queries.rules().map_bounds
    here = {"latitude": round((south + north) / 2, 6), "longitude": round((west + east) / 2, 6)}
    picture = tmp_path / "pothole.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 90, 60)).save(buffer, "JPEG")
    picture.write_bytes(buffer.getvalue())

    page = opened(pages, settings, base, "ru")
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"], origin=base)
    page.context.set_geolocation(here)
    sign_in(page, base, citizen.username)
    page.goto(f"{base}/write/")
    fits(page, "the kinds of appeal")
    page.click(f"a[href='/write/{problem.code}/']")
    page.click("main form button[type=submit]")  # nothing chosen: told so
    assert page.locator(".error-summary a[href='#f-category']").count() == 1
    fits(page, "the categories, with an error")
    page.check(f"input[name=category][value={category.code}]")
    page.click("main form button[type=submit]")
    assert page.url.endswith(f"/write/{problem.code}/{category.code}/")
    fits(page, "the problem report's form")

    # Sent without the place: the error says so and keeps what was typed.
    page.fill("#f-text", "Яма на дороге у школы, машины объезжают по тротуару.")
    page.click("main form button[type=submit]")
    assert page.locator(".error-summary a[href='#f-location']").count() == 1
    assert "Яма на дороге" in page.input_value("#f-text")
    fits(page, "the form with errors")

    page.click("#locate")  # the device's position fills the coordinates
    expect(page.locator("#f-latitude")).not_to_have_value("")
    assert float(page.input_value("#f-latitude")) == pytest.approx(here["latitude"])
    assert float(page.input_value("#f-longitude")) == pytest.approx(here["longitude"])
    page.fill("#f-address", "ул. Рудаки, 25")
    for attribute in category.attributes:
        if attribute["type"] == "singlevaluelist":
            page.check(f"input[name=attribute_{attribute['code']}]"
                       f"[value={attribute['values'][0]['key']}]")
        elif attribute.get("required"):
            page.fill(f"#f-attribute_{attribute['code']}", "2")
    assert page.get_attribute("#f-photos", "capture") == "environment"
    page.set_input_files("#f-photos", str(picture))
    page.click("main form button[type=submit]")
    number = page.locator(".panel strong").inner_text()
    appeal = Appeal.objects.get(number=number)
    assert appeal.agency == category.agency and appeal.photos.count() == 1
    fits(page, "the confirmation")

    page.goto(f"{base}/account/appeals/")
    fits(page, "my appeals")
    page.click(f"text={number}")
    photo = page.locator("ul.photos img")
    photo.scroll_into_view_if_needed()  # loaded lazily, when it comes into view
    # (evaluate, not wait_for_function: its polling evaluates strings, which the
    # Content-Security-Policy forbids)
    assert photo.evaluate("""img => img.complete ? img.naturalWidth : new Promise(done =>
        img.addEventListener('load', () => done(img.naturalWidth)))""") == 640
    fits(page, "the appeal")

    operator = User.objects.get(username=operators[category.agency.code])

    def answer():
        services.assign(operator, appeal.uuid)
        services.answer(operator, appeal.uuid, "Яма заделана 12 мая.", demo.current_code())

    aside(answer)
    page.reload()
    assert page.locator("text=Яма заделана 12 мая.").count() == 1
    appeal.refresh_from_db()
    assert page.locator(f"a[href='/verify/{appeal.answer_document.uuid}/']").count() == 1
    fits(page, "the answered appeal")
    page.check("#useful-no")
    page.check("#on_time-yes")
    page.click("form:has(input[name=action][value=rate]) button")
    assert page.locator("#useful-no").count() == 0  # rated once
    fits(page, "the rated appeal")

    page.click(f"a[href='/account/appeals/{appeal.uuid}/complain/']")
    page.click("main form button[type=submit]")  # empty: told so
    assert page.locator(".error-summary a[href='#f-text']").count() == 1
    fits(page, "the complaint form with errors")
    page.fill("#f-text", "Яму засыпали песком, через неделю она вернулась.")
    page.click("main form button[type=submit]")
    complaint = Appeal.objects.get(complaint_about=appeal)
    assert page.url.endswith(f"/account/appeals/{complaint.uuid}/")
    assert complaint.agency == queries.superior_of(category.agency)
    assert page.locator(f"a[href='/account/appeals/{appeal.uuid}/']").count() == 1
    fits(page, "the complaint")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_report_without_a_name_is_followed_with_its_code(live_server, pages, settings):
    from pathlib import Path

    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM

    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / "tj")
    settings.COUNTRY = "tj"
    base = live_server.url
    kind = next(k for k in queries.kinds() if k.anonymous)
    page = opened(pages, settings, base, "tg")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/write/{kind.code}/")
    fits(page, "the anonymous report's form")
    page.fill("#f-text", "Нозир барои санҷиш пул талаб кард.")
    page.click("main form button[type=submit]")
    code = page.locator("#tracking-code").inner_text()
    fits(page, "the confirmation with the tracking code")
    page.reload()
    assert page.locator("#tracking-code").count() == 0  # shown once
    page.click("a[href='/track/']")
    page.fill("#f-code", "not-the-code")
    page.click("main form button[type=submit]")
    assert page.locator(".error-summary a[href='#f-code']").count() == 1
    fits(page, "the tracking form with an error")
    page.fill("#f-code", code)
    page.click("main form button[type=submit]")
    assert page.locator("text=Нозир барои санҷиш пул талаб кард.").count() == 1
    assert code not in page.url
    fits(page, "the followed report")
