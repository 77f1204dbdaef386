"""Appeals in figures and the map of problems in a real browser: WCAG 2.1 AA (axe), no
Content-Security-Policy violation, nothing wider than a 360 px phone; the charts and the
map are images with a name; without JavaScript the filters work and everything shows."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe

from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_phone_and_print import fits
from yagona.browser_tests.test_pki_page import WCAG_AA


def _scene(people):
    """Problem reports in three statuses, and a year of figures for two agencies (written
    as the commands keep them), made in a thread of its own (Playwright's event loop runs
    in this one)."""
    from django.db import connections

    from yagona.accounts import services as accounts
    from yagona.agencies.models import Agency
    from yagona.appeals import services
    from yagona.appeals.models import AnswerDays, MonthlyFigures
    from yagona.appeals.queries import period
    from yagona.core.audit import SYSTEM
    from yagona.testing.web import TOTP_SECRET

    def make():
        try:
            accounts.enable_totp(SYSTEM, people["operator"], TOTP_SECRET)
            reports = []
            for n, (lat, lon) in enumerate(((38.56, 68.77), (39.9, 69.1), (40.28, 69.62))):
                appeal, _code = services.submit(people["citizen"], services.Draft(
                    kind="problem", category="dumping", latitude=str(lat), longitude=str(lon),
                    attributes={"size": "bag"}, text=f"Свалка у реки {n}"))
                reports.append(appeal)
            services.assign(people["operator"], reports[1].uuid)
            services.withdraw(people["citizen"], reports[2].uuid)
            first, _last = period(12)
            for index, agency in enumerate(Agency.objects.filter(code__in=["REG", "TAX"])):
                for month in range(12):
                    day = date(first.year + (first.month + month - 1) // 12,
                               (first.month + month - 1) % 12 + 1, 1)
                    MonthlyFigures.objects.update_or_create(agency=agency, month=day, defaults={
                        "received": 20 + 3 * month + index, "answered": 15 + 2 * month,
                        "answered_on_time": 12 + month, "forwarded": index + 1, "rated": 5,
                        "rated_useful": 3 + index})
                    AnswerDays.objects.create(agency=agency, month=day, days=4 + month % 5,
                                              count=10)
            return reports
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as aside:
        return aside.submit(make).result()


def _clean(page):
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_figures_and_the_map_read_well_everywhere(live_server, pages, settings, people):
    reports = _scene(people)
    base = live_server.url
    page = opened(pages, settings, base, "ru")
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    for url in ("/statistics/appeals/", "/statistics/appeals/?agency=TAX&months=24",
                "/statistics/appeals/?agency=NOPE", "/problems/", "/problems/?status=open",
                f"/problems/{reports[1].uuid}/", "/open-data/appeals/"):
        page.set_viewport_size({"width": 1024, "height": 900})
        page.goto(base + url)
        _clean(page)
        page.set_viewport_size({"width": 360, "height": 800})
        fits(page, base + url)
    assert blocked == []

    page.goto(f"{base}/statistics/appeals/")
    charts = page.get_by_role("img")
    assert charts.count() == 3
    for index in range(3):  # each chart has a name and a description from its SVG
        chart = charts.nth(index)
        assert chart.evaluate("e => e.getAttribute('aria-labelledby').split(' ').every("
                              "id => document.getElementById(id).textContent.trim())")
    assert page.locator(".chart-pair table").count() == 3


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_filters_work(live_server, browser, settings, people):
    reports = _scene(people)
    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base}/problems/")
        assert page.locator('svg[role="img"] use').count() == 3
        assert page.locator("table tbody tr").count() == 3
        page.select_option("#f-status", "open")
        page.get_by_role("button").filter(has_text="Filter").click()
        assert "status=open" in page.url
        assert page.locator('svg[role="img"] use').count() == 2
        page.get_by_role("link", name=reports[0].number).click()
        assert page.url.endswith(f"/problems/{reports[0].uuid}/")
        assert page.locator("ol.timeline li").count() == 1
        page.goto(f"{base}/statistics/appeals/")
        page.select_option("#f-months", "24")
        page.get_by_role("button").filter(has_text="Filter").click()
        assert "months=24" in page.url and page.locator('svg[role="img"]').count() == 3
    finally:
        context.close()
