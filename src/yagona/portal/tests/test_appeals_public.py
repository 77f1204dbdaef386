"""Appeals in public: the statistics page and the figures' downloads read the aggregates
only (the same few queries whatever the number of appeals); the map, a report's page and
the reports' downloads show nothing of who reported what."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yagona.appeals import services
from yagona.appeals.models import Appeal
from yagona.appeals.tests import conftest as appeal_fixtures
from yagona.appeals.tests.conftest import photo, send
from yagona.appeals.tests.test_appeals import code
from yagona.portal.open_data_views import FIGURE_COLUMNS, REPORT_COLUMNS

pytestmark = pytest.mark.django_db
desk = appeal_fixtures.desk  # officials with an authenticator (they sign answers)
AGGREGATE_READS = ("/statistics/appeals/", "/statistics/appeals/?agency=TAX&months=24",
                   "/open-data/appeals/figures.csv", "/open-data/appeals/figures.json?lang=ru")
REPORT_LINK = re.compile(r'href="/problems/[0-9a-f-]{36}/"')
SECRET = "I am Dilnoza, call +992900111222"


def answer(official, uuid, text):
    from django.core.cache import cache

    cache.clear()  # the officials share an authenticator; a code works once
    services.answer(official, uuid, text, code())


def _reads(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as done:
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in done]


def _some_appeals(desk, n):
    for i in range(n):
        appeal = send(desk["other"], agency="TAX", text=f"Question {i} {n}")
        services.assign(desk["tax_operator"], appeal.uuid)
        answer(desk["tax_operator"], appeal.uuid, "Yes.")
    services.rate(desk["other"], appeal.uuid, useful=True, on_time=True)
    send(desk["citizen"], text=f"To the reception {n}")


@pytest.mark.parametrize("url", AGGREGATE_READS)
def test_figures_are_read_from_the_aggregates_alone(client, desk, url):
    from django.core.cache import caches

    _some_appeals(desk, 1)
    few = _reads(client, url)
    caches["pages"].clear()
    _some_appeals(desk, 4)
    many = _reads(client, url)
    assert len(many) == len(few) <= 6, many
    assert not [sql for sql in many if re.search(r'"appeals_(appeal|step)"', sql)]


def test_the_statistics_page_shows_the_figures_with_charts_and_tables(client, desk):
    _some_appeals(desk, 2)
    html = client.get("/statistics/appeals/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count('role="img"') == 3 and html.count("<table") >= 5
    for chart in ("received", "on-time", "median"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    assert "<script" not in html  # nothing runs, nothing is fetched from elsewhere
    assert not re.search(r'(src|href)="(https?:)?//', html)
    summary = re.search(r'<dl class="summary figures">(.*?)</dl>', html, re.S).group(1)
    assert re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", summary)).split() == [
        "Appeals", "received", "3", "Answered", "2", "Answered", "within", "the", "deadline",
        "100.0%", "Median", "days", "to", "answer", "0", "Authors", "who", "found", "the",
        "answer", "useful", "100.0%", "(of", "1", "rating)", "Forwarded", "to", "the",
        "competent", "body", "0"]
    only_reg = client.get("/statistics/appeals/?agency=REG").content.decode()
    assert "Tax Service" not in only_reg.split("<h2>", 1)[1].split("Open data")[0] \
        .replace('<option value="TAX">Tax Service</option>', "")


@pytest.mark.parametrize("query, field", [("agency=NOPE", "agency"), ("months=7", "months"),
                                          ("months=many", "months")])
def test_a_wrong_filter_is_named_and_the_page_still_shows(client, desk, query, field):
    response = client.get(f"/statistics/appeals/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html and f'href="#f-{field}"' in html
    assert f'id="f-{field}"' in html and 'role="img"' in html


def test_the_figures_download_with_documented_columns(client, desk):
    _some_appeals(desk, 2)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/open-data/appeals/figures.csv").content.decode())))
    assert list(rows[0]) == [name for name, _meaning in FIGURE_COLUMNS]
    tax = next(row for row in rows if row["agency_code"] == "TAX")
    assert (tax["received"], tax["answered"], tax["on_time_percent"], tax["agency_name"]) == (
        "2", "2", "100.0", "Tax Service")
    body = client.get("/open-data/appeals/figures.json?lang=ru").json()
    assert body["total"]["received"] == 3 and body["language"] == "ru"
    assert {row["agency_name"] for row in body["rows"]} == {"Налоговая служба",
                                                            "Служба регистрации"}
    page = client.get("/open-data/appeals/").content.decode()
    for name, _meaning in (*FIGURE_COLUMNS, *REPORT_COLUMNS):
        assert f'<code lang="zxx">{name}</code>' in page
    refused = client.get("/open-data/appeals/figures.json?months=0")
    assert refused.status_code == 400 and "months" in refused.json()["errors"]


def _reported(desk):
    """Reports with their authors' names, contacts, texts, addresses and photos."""
    citizen = desk["citizen"]
    light, _ = services.submit(citizen, services.Draft(
        kind="problem", category="street_light", latitude="38.5612349", longitude="68.7749",
        address="Rudaki 14, flat 7", text=f"Dark street\n{SECRET}"), [photo()])
    dump = send(desk["other"], "problem", category="dumping", latitude="38.60",
                longitude="68.80", attributes={"size": "bag"}, subject="=HYPERLINK(1)",
                text="A dump")
    services.assign(desk["operator"], dump.uuid)
    answer(desk["operator"], dump.uuid, "Cleared, Olim.")
    return light, dump


def _no_one_in(text: str, desk):
    for secret in (SECRET, "Rudaki 14", "Dilnoza", "Rahimova", "Farrukh", "Olim",
                   "Operatorov", "Cleared", desk["citizen"].username, "photo", "38.5612",
                   "68.7749"):
        assert secret not in text, secret


def test_the_reports_download_without_personal_data(client, desk):
    light, dump = _reported(desk)
    text = b"".join(client.get("/open-data/appeals/reports.csv").streaming_content).decode()
    _no_one_in(text, desk)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [name for name, _meaning in REPORT_COLUMNS]
    assert [(r["number"], r["status"], r["latitude"], r["longitude"]) for r in rows] == [
        (dump.number, "answered", "38.6", "68.8"), (light.number, "received", "38.561",
                                                    "68.775")]
    assert rows[0]["subject"] == "'=HYPERLINK(1)"  # no formula for a spreadsheet to run
    geo = b"".join(client.get("/open-data/appeals/reports.geojson?status=open")
                   .streaming_content).decode()
    _no_one_in(geo, desk)
    features = json.loads(geo)["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[68.775, 38.561]]
    assert features[0]["properties"]["answered_at"] is None
    refused = client.get("/open-data/appeals/reports.geojson?status=lost")
    assert refused.status_code == 400 and "status" in refused.json()["errors"]


def test_the_map_shows_reports_by_status_and_leads_to_their_pages(client, desk):
    light, dump = _reported(desk)
    html = client.get("/problems/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    _no_one_in(html, desk)
    assert html.count('<use href="#problems-') == 2
    assert 'href="#problems-received"' in html and 'href="#problems-answered"' in html
    assert f'href="/problems/{light.uuid}/"' in html and f'href="/problems/{dump.uuid}/"' in html
    legend = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert "Received" in legend and "Answered" in legend and "<svg" in legend
    only_open = client.get("/problems/?status=open").content.decode()
    assert only_open.count('<use href="#problems-') == 1 and str(dump.uuid) not in only_open
    dumps = client.get("/problems/?category=dumping").content.decode()
    assert str(light.uuid) not in dumps and str(dump.uuid) in dumps
    wrong = client.get("/problems/?status=lost&category=nope").content.decode()
    assert 'href="#f-status"' in wrong and 'href="#f-category"' in wrong


def test_the_map_pages_its_table(client, desk):
    for n in range(27):
        send(desk["citizen"], "problem", category="street_light", latitude="38.5",
             longitude=f"68.{n:02d}", text=f"Lamp {n}")
    first = client.get("/problems/?status=open").content.decode()
    assert len(REPORT_LINK.findall(first)) == 25 and first.count('<use href="#') == 27
    assert "?status=open&amp;page=2" in first
    second = client.get("/problems/?status=open&page=2").content.decode()
    assert len(REPORT_LINK.findall(second)) == 2


def test_a_reports_page_shows_its_public_steps_and_no_one(client, desk):
    light, dump = _reported(desk)
    html = client.get(f"/problems/{dump.uuid}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    _no_one_in(html, desk)
    assert dump.number in html and "Illegal dumping" in html and "Civil Registry" in html
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    assert [re.sub("<[^>]+>", "", item).split("\n")[0] for item in
            re.findall(r"<br>(.*?)</li>", timeline)] == [
        "Sent: Civil Registry", "Taken into consideration: Civil Registry",
        "Answered: Civil Registry"]
    assert 'role="img"' in html and html.count('<use href="#place-') == 1
    statement = send(desk["citizen"], agency="TAX")
    for missing in (statement.uuid, "00000000-0000-4000-8000-000000000000"):
        assert client.get(f"/problems/{missing}/").status_code == 404
    assert Appeal.objects.filter(uuid=light.uuid).exists()
