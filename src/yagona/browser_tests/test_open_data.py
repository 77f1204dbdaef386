"""The open data catalogue in a real browser, with axe-core on every page: a data
journalist on a phone searches the demo catalogue in the state language, narrows it by
a facet link, opens a dataset, previews its table and downloads the file, reads the
platform's figures (satisfaction by sex, age band and region too) and the state budget;
a citizen asks
for data; the agency's data publisher describes a new dataset in the back office (a
missing title is refused with everything typed kept), adds a CSV, publishes it, and
the public finds it and its DCAT description."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from yagona.applications.models import SatisfactionTally
from yagona.browser_tests.conftest import load_demo
from yagona.browser_tests.test_citizen_journey import accessible, sign_in
from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import read_yaml
from yagona.demo import data as demo
from yagona.opendata import own_data, queries

PHONE = {"width": 390, "height": 844}


def population_labels(folder: Path, field: str, language: str) -> set[str]:
    """How the pack's population register names a field's coded values."""
    labels = read_yaml(folder / "registries" / "population.yaml")["value_labels"][field]
    return {texts[language] for texts in labels.values()}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pack_code,language", [("tj", "tg"), ("az", "az")])
def test_a_journalist_finds_data_and_a_publisher_adds_some(pack_code, language, live_server,
                                                           pages, settings, tmp_path):
    folder = Path(settings.COUNTRIES_DIR) / pack_code
    load_pack(SYSTEM, folder)
    settings.COUNTRY = pack_code
    load_demo()
    # The demo's ratings as if given last quarter: figures by group wait for its end.
    last_quarter = own_data.quarter_start(timezone.localdate()) - timedelta(days=40)
    SatisfactionTally.objects.update(month=last_quarter.replace(day=1))
    own_data.refresh()
    people = read_yaml(folder / "demo.yaml")
    publisher = next(o for o in people["officials"] if o["role"] == "data_publisher")
    base = live_server.url
    cookie = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]

    reader = pages(language)
    reader.set_viewport_size(PHONE)
    reader.context.add_cookies(cookie)
    reader.goto(f"{base}/data/")
    accessible(reader, "the catalogue")
    total = queries.search().count
    assert total >= 8
    reader.locator("nav.facet").first.locator("a").first.click()  # an agency's datasets
    assert "aria-current" in reader.locator("nav.facet a[aria-current]").first.evaluate(
        "a => a.outerHTML")
    accessible(reader, "the catalogue narrowed by a facet")
    reader.locator("ul.results h3 a").first.click()
    accessible(reader, "a dataset")
    reader.locator("ul.results h3 a").first.click()  # its first resource
    assert reader.locator("table thead th").count() >= 2  # the preview of its rows
    accessible(reader, "a resource's preview")
    with reader.expect_download() as download:
        reader.locator("a.button[download]").click()
    assert Path(download.value.path()).read_bytes().count(b"\n") >= 2
    reader.goto(f"{base}/catalog.ttl")
    assert "dcat:Dataset" in reader.content()
    # The platform's own figures and the state budget, charts beside their tables.
    reader.goto(f"{base}/data/dashboard/")
    assert reader.locator("svg[role=img]").count() == 5 + 3  # and by sex, age, region
    sexes = population_labels(folder, "sex", language)
    assert reader.locator("#h-sex ~ .table-wrap tbody th").first.inner_text() in sexes
    accessible(reader, "the one window in figures")
    reader.goto(f"{base}/data/budget/")
    assert reader.locator("svg[role=img]").count() == 1
    reader.click("details summary >> nth=0")  # an agency's programmes
    accessible(reader, "the state budget")

    citizen = pages(language)
    citizen.context.add_cookies(cookie)
    sign_in(citizen, base, people["citizens"][0]["person_id"])
    citizen.goto(f"{base}/data/requests/new/")
    accessible(citizen, "the request form")
    citizen.fill("#f-title", "Bus routes and timetables (GTFS)")
    citizen.click("main form button[type=submit]")
    assert citizen.locator(".error-summary a[href='#f-description']").count() == 1
    assert citizen.input_value("#f-title") == "Bus routes and timetables (GTFS)"
    accessible(citizen, "the request refused")
    citizen.fill("#f-description", "For a journey planner.")
    citizen.click("main form button[type=submit]")
    assert citizen.url.endswith("/data/requests/")
    assert "Bus routes and timetables" in citizen.content()
    accessible(citizen, "the requests for data")

    office = pages(language)
    office.context.add_cookies(cookie)
    sign_in(office, base, publisher["person_id"], code=demo.current_code)
    agency = publisher["agency"]
    office.goto(f"{base}/office/{agency}/data/")
    assert "Bus routes and timetables" in office.content()  # a request to no agency
    accessible(office, "the agency's open data")
    office.click(f"a[href='/office/{agency}/data/new/']")
    accessible(office, "a new dataset's form")
    office.fill("#f-name", "library-visits")
    office.fill("#f-keywords_en", "libraries, reading")
    office.check("#theme-EDUC")
    office.select_option("#f-frequency", "ANNUAL")
    office.click("main form button[type=submit]")
    assert office.locator(".error-summary a[href='#f-title']").count() == 1
    assert office.input_value("#f-name") == "library-visits"  # kept
    assert office.is_checked("#theme-EDUC")
    accessible(office, "the form refused")
    office.fill("#f-title", "Library visits")
    office.fill("#f-description", "Visits to public libraries by region and year.")
    office.click("main form button[type=submit]")
    assert office.url.endswith(f"/office/{agency}/data/library-visits/")
    accessible(office, "the draft")
    data = tmp_path / "visits.csv"
    data.write_text("year,region,visits\n2025,A,1200\n2025,B,800\n", encoding="utf-8")
    office.set_input_files("#f-file", str(data))
    office.fill("#f-resource_name", "Visits")
    office.click(f"form[action='/office/{agency}/data/library-visits/resources/'] "
                 "button[type=submit]")
    office.click(f"form[action='/office/{agency}/data/library-visits/publish/'] "
                 "button[type=submit]")
    accessible(office, "the published dataset")
    assert queries.search().count == total + 1

    reader.goto(f"{base}/data/?q=library")
    reader.click("a[href='/data/library-visits/']")
    assert "Visits to public libraries" in reader.content()
    accessible(reader, "the new dataset in public")
