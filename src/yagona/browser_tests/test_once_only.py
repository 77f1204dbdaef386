"""Once-only in a real browser, through real exchange nodes: a citizen applies for
taxpayer registration, finds her home address already filled in from the population
register (read by the Tax Committee's node from the Ministry of Internal Affairs'
node), and then sees that read under "Who used your data"; axe on every page."""

from pathlib import Path

import pytest

from yagona.agencies.models import Agency
from yagona.browser_tests.test_citizen_journey import accessible, sign_in
from yagona.catalogue.packs import load_pack
from yagona.core import demo
from yagona.core.audit import SYSTEM
from yagona.core.countries import read_yaml
from yagona.exchange import globalconf, services
from yagona.exchange.tests.test_nodes import Member, central_authority


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_form_is_prefilled_through_the_exchange_and_the_read_is_shown(
        live_server, pages, settings, tmp_path):
    folder = Path(settings.COUNTRIES_DIR) / "tj"
    load_pack(SYSTEM, folder)
    settings.COUNTRY = "tj"
    demo.load_demo()
    citizen = read_yaml(folder / "demo.yaml")["citizens"][0]
    central, authority = central_authority()
    url = f"http://127.0.0.1:{authority.port}"
    keeper = Member(tmp_path, "VKD", url, {
        "registries/population": f"{live_server.url}/exchange/provider/population"},
        agency=Agency.objects.get(code="VKD"))
    tax = Member(tmp_path, "ANDOZ", url, {}, agency=Agency.objects.get(code="ANDOZ"))
    offered = {s.code: s for s in services.offer_registries(SYSTEM)}
    case_handling = services.add_subsystem(SYSTEM, tax.member, services.CASE_SUBSYSTEM)
    services.allow(SYSTEM, offered["population"], case_handling, "GET", "/records")
    tax.node.client_url = tax.client
    tax.node.save()
    central["document"] = globalconf.current()
    try:
        for member in (keeper, tax):
            member.start()
        for member in (keeper, tax):
            member.wait()
        base = live_server.url
        page = pages("tg")
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "tg",
                                   "url": base}])
        sign_in(page, base, citizen["person_id"])
        page.goto(f"{base}/services/taxpayer-registration/start/")
        page.click("main form button[type=submit]")  # for myself
        page.check("#f-reason-1")
        page.click("button[value=continue]")
        page.fill("#f-passport_number", "A1234567")
        page.fill("#f-passport_issue_date", "2020-01-01")
        page.fill("#f-passport_authority", "ВКД")
        page.click("button[value=continue]")
        assert page.url.endswith("/page/address/")
        assert page.locator("input[name=address]").count() == 0  # nothing to type
        assert "Феҳристи давлатии аҳолӣ" in page.content()  # and where it came from
        accessible(page, "a page with a prefilled answer")
        page.goto(f"{base}/account/data-usage/")
        assert "TJ/GOV/ANDOZ/services" in page.content()
        accessible(page, "who used your data, after the prefilling")
    finally:
        for member in (keeper, tax):
            member.stop()
        authority.close()
