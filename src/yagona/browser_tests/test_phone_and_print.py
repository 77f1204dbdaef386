"""A 360 px phone: no page scrolls sideways, the tables people read most are stacked
rows with their column names, wider office tables scroll in their own box; printed, an
application shows its content without the navigation."""

import pytest

from yagona.accounts.models import User
from yagona.applications.models import Application
from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_citizen_journey import sign_in
from yagona.demo import data as demo

WIDTH = 360
# What sticks out: the page's overflow, and every table box whose content is wider.
MEASURE = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  tables: [...document.querySelectorAll('.table-wrap')].map(w => ({
    stacked: !!w.querySelector('table.stack'),
    hidden: w.scrollWidth - w.clientWidth,
    cue: getComputedStyle(w).backgroundImage !== 'none'})),
})"""


def fits(page, url):
    page.goto(url)
    found = page.evaluate(MEASURE)
    assert found["page"] <= 0, f"{url} scrolls sideways by {found['page']} px"
    for table in found["tables"]:
        if table["stacked"]:
            assert table["hidden"] <= 0, f"{url}: a stacked table is still too wide"
        else:
            assert table["cue"], f"{url}: a table scrolls without a visible cue"
    return found


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_key_pages_fit_a_360_px_phone(live_server, pages, settings, tj):
    base = live_server.url
    citizen = User.objects.get(username=tj["citizens"][0]["person_id"])
    application = Application.objects.filter(created_by=citizen).exclude(
        status="draft").first()
    page = opened(pages, settings, base, "ru")
    page.set_viewport_size({"width": WIDTH, "height": 800})
    for url in ["/", "/services/", "/services/passport-issue/", "/search/?q=пасспорт",
                "/agencies/"]:
        fits(page, base + url)
    sign_in(page, base, citizen.username)
    stacked = 0
    for url in ["/account/", "/account/applications/", f"/applications/{application.uuid}/",
                "/account/registers/", "/account/data-usage/", "/account/consents/",
                "/account/inbox/"]:
        stacked += sum(t["stacked"] for t in fits(page, base + url)["tables"])
    assert stacked >= 3  # the application lists, data usage and consents
    # Each stacked cell says which column it is.
    page.goto(f"{base}/account/")
    label = page.evaluate("""() => getComputedStyle(
        document.querySelector('table.stack td[data-label]'), '::before').content""")
    assert label.strip('"') in ("Номер", "Number")

    operator = next(o for o in tj["officials"] if o["role"] == "operator"
                    and o["agency"] == application.agency.code)
    office = opened(pages, settings, base, "ru")
    office.set_viewport_size({"width": WIDTH, "height": 800})
    sign_in(office, base, operator["person_id"], code=demo.current_code)
    for url in [f"/office/{application.agency.code}/",
                f"/office/applications/{application.uuid}/", "/office/registries/"]:
        fits(office, base + url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_printed_application_has_no_navigation_and_its_full_address(live_server, pages,
                                                                      settings, tj):
    base = live_server.url
    citizen = User.objects.get(username=tj["citizens"][0]["person_id"])
    application = Application.objects.filter(created_by=citizen).exclude(
        status="draft").first()
    page = opened(pages, settings, base, "ru")
    sign_in(page, base, citizen.username)
    url = f"{base}/applications/{application.uuid}/"
    page.goto(url)
    assert page.locator("header.site").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator("footer.site").is_visible()
    assert not page.locator("main a.back").first.is_visible()
    shown = page.evaluate("getComputedStyle(document.querySelector('main'), '::before').content")
    assert shown.strip('"') == url
    assert application.registration_number in page.inner_text("main")
