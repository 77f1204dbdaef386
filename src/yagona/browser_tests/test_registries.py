"""The state registers in a real browser, with axe-core on every page: a registry
keeper signs in with the second factor, finds a demo citizen by a name typed in
plain letters, corrects the record (a missing reason is refused, the typed values
kept) and sees the change in its history; the citizen sees the corrected record in
the portal, takes it as a sealed extract into the wallet and downloads it (it verifies)."""

from pathlib import Path

import pytest

from yagona.browser_tests.conftest import load_demo
from yagona.browser_tests.test_citizen_journey import accessible, sign_in
from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import read_yaml
from yagona.core.normalize import fold
from yagona.demo import data as demo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pack_code,language", [("tj", "tg"), ("az", "az")])
def test_a_keeper_corrects_a_record_the_citizen_then_sees(pack_code, language, live_server,
                                                          pages, settings):
    folder = Path(settings.COUNTRIES_DIR) / pack_code
    load_pack(SYSTEM, folder)
    settings.COUNTRY = pack_code
    load_demo()
    people = read_yaml(folder / "demo.yaml")
    keeper = next(o for o in people["officials"] if o["role"] == "registry_keeper")
    citizen = people["citizens"][0]
    base = live_server.url

    office = pages(language)
    office.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                                 "url": base}])
    sign_in(office, base, keeper["person_id"], code=demo.current_code)
    office.goto(f"{base}/office/registries/")
    accessible(office, "registers")
    office.click("a[href='/office/registries/population/']")
    accessible(office, "population register")
    office.fill("#q", fold(citizen["last_name"]) + " " + fold(citizen["first_name"])[:3])
    office.click("form[role=search] button")
    accessible(office, "search results")
    office.click(f"tr:has-text('{citizen['person_id']}') a")
    accessible(office, "record")

    office.click("a[href$='/correct/']")
    accessible(office, "correction form")
    office.fill("#f-birth_place", "Ишкошим")
    office.click("main form button[type=submit]")
    assert office.locator(".error-summary a[href='#f-reason']").count() == 1
    assert office.input_value("#f-birth_place") == "Ишкошим"  # kept as typed
    accessible(office, "correction refused")
    office.fill("#f-reason", "Court decision 12/2026")
    office.click("main form button[type=submit]")
    assert office.locator(".error-summary").count() == 0
    assert "Court decision 12/2026" in office.content() and "Ишкошим" in office.content()
    accessible(office, "corrected record")

    portal = pages(language)
    portal.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                                 "url": base}])
    sign_in(portal, base, citizen["person_id"])
    portal.goto(f"{base}/account/registers/")
    assert "Ишкошим" in portal.content()
    accessible(portal, "your data in the state registers")
    # The corrected record as a sealed extract, in the wallet, verifiable.
    portal.click("form[action='/account/registers/population/extract/'] button")
    assert "/account/documents/" in portal.url
    assert portal.locator(".notice.success[role=status]").count() == 1
    accessible(portal, "the register's extract in the wallet")
    with portal.expect_download() as download:
        portal.click("a[href$='/download/']")
    portal.goto(f"{base}/verify/")  # as a bank would check the file it was given
    portal.set_input_files("#f-file", download.value.path())
    portal.click("main form button[type=submit]")
    assert "TOTAL_PASSED" in portal.locator("main").inner_text()
    accessible(portal, "the extract's verification")
    portal.goto(f"{base}/account/data-usage/")
    # The keeper's reads, shown to her by the keeper's role, not by a user name.
    from django.utils import translation

    from yagona.accounts.models import Role

    with translation.override(language):
        role = str(Role.REGISTRY_KEEPER.label)
    assert role in portal.content() and keeper["person_id"] not in portal.content()
    accessible(portal, "who used your data")
    portal.goto(f"{base}/account/consents/")
    accessible(portal, "your consents")
    portal.goto(f"{base}/account/registers/")
    portal.click("a[href='/account/registers/population/report/']")
    portal.select_option("#f-field", "birth_place")
    portal.fill("#f-text", "Ишкошим, not Хоруғ: see my birth certificate.")
    portal.click("main form button[type=submit]")
    assert portal.url.endswith("/account/registers/")
    office.goto(f"{base}/office/registries/population/")
    assert "see my birth certificate" in office.content()  # the keeper has the report
    accessible(office, "a register with a report of wrong data")
