"""The catalogue's pages as people use them: the public search with facets, a dataset, a
preview, downloads of today's file and of a version's; a request for data; and an
agency's publisher in the back office, from an empty form to a withdrawn dataset."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yagona.opendata import queries, services
from yagona.opendata.models import Dataset, DatasetRequest
from yagona.opendata.tests.conftest import CSV, csv_file, dataset
from yagona.testing.web import signed_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_the_catalogue_searches_and_filters_with_plain_links(client, publishers):
    dataset(publishers["reg"], "births", themes=["SOCI"], title={"en": "Births by region"})
    dataset(publishers["tax"], "tax-revenue", agency="TAX", themes=["ECON"])
    page = text(client.get("/data/"))
    assert "Births by region" in page and "Tax Revenue" in page
    assert '?groups=soci"' in page and '?organization=tax"' in page
    narrowed = text(client.get("/data/?groups=soci"))
    assert "Births by region" in narrowed and "Tax Revenue" not in narrowed
    assert 'aria-current="true"' in narrowed  # the chosen filter, which removes itself
    assert "Births" not in text(client.get("/data/?q=revenue"))
    assert client.get("/data/?sort=nonsense&page=x").status_code == 200


def test_a_dataset_its_preview_and_its_files_by_version(client, publishers):
    births = dataset(publishers["reg"], "births")
    resource = births.resources.get()
    page = text(client.get("/data/births/"))
    assert "Creative Commons Attribution 4.0" in page and "Annually" in page
    preview = text(client.get(f"/data/births/resources/{resource.uuid}/"))
    assert "<th scope=\"col\">region</th>" in preview and "<td>Sughd</td>" in preview
    download = client.get(f"/data/births/resources/{resource.uuid}/download")
    assert b"".join(download.streaming_content).decode() == CSV
    assert download["Content-Type"] == "text/csv"
    services.replace_file(publishers["reg"], "births", resource.uuid,
                          csv_file("year,births\n2025,1\n"))
    old = client.get(f"/data/births/versions/1/{resource.uuid}/download")
    assert b"".join(old.streaming_content).decode() == CSV
    assert "A later version exists." in text(client.get("/data/births/versions/1/"))
    assert client.get("/data/births/versions/9/").status_code == 404
    assert client.get(f"/data/births/versions/1/{births.uuid}/download").status_code == 404


def test_drafts_are_nobodys_to_see(client, publishers):
    draft = dataset(publishers["reg"], "secret", publish=False)
    resource = draft.resources.get()
    assert client.get("/data/secret/").status_code == 404
    assert client.get(f"/data/secret/resources/{resource.uuid}/download").status_code == 404
    assert "Secret" not in text(client.get("/data/"))


def test_a_request_for_data_needs_an_account_and_keeps_what_was_typed(client, publishers):
    assert client.get("/data/requests/new/").status_code == 302  # to sign in
    citizen = signed_in(publishers["citizen"])
    refused = citizen.post("/data/requests/new/", {"title": "School results",
                                                   "description": ""})
    assert refused.status_code == 400 and 'value="School results"' in text(refused)
    sent = citizen.post("/data/requests/new/", {
        "title": "School results", "description": "By school and year.", "agency": "REG"},
        follow=True)
    assert "School results" in text(sent) and "Waiting for an answer" in text(sent)
    assert publishers["citizen"].last_name not in text(client.get("/data/requests/"))


def test_a_publisher_describes_adds_publishes_replaces_and_withdraws(publishers):
    office = signed_in(publishers["reg"])
    assert 'href="/office/REG/data/"' in text(office.get("/office/REG/"))
    empty = office.post("/office/REG/data/new/", {
        "name": "Births!", "title_ru": "Рождения", "licence": "CC-BY-4.0"})
    assert empty.status_code == 400 and "Рождения" in text(empty)  # kept
    assert not Dataset.objects.exists()
    created = office.post("/office/REG/data/new/", {
        "name": "births", "title_en": "Births", "title_ru": "Рождения",
        "description_en": "Births by region.", "keywords_en": "births, population",
        "themes": ["SOCI", "HEAL"], "licence": "CC-BY-4.0", "frequency": "ANNUAL",
        "temporal_start": "2020-01-01", "temporal_end": "2024-12-31"})
    assert created.status_code == 302 and created["Location"] == "/office/REG/data/births/"
    births = Dataset.objects.get(name="births")
    assert births.keywords == {"en": ["births", "population"]}
    assert births.themes == ["HEAL", "SOCI"] and births.title["ru"] == "Рождения"
    bad = office.post("/office/REG/data/births/resources/", {
        "resource_name_en": "Table", "format": "CSV",
        "file": SimpleUploadedFile("b.csv", b"a,b\n1,2,3\n")})
    assert bad.status_code == 400 and "Row 2 has 3 columns" in text(bad)
    office.post("/office/REG/data/births/resources/", {
        "resource_name_en": "Table", "format": "CSV", "file": csv_file()})
    office.post("/office/REG/data/births/publish/", {"note": "First"})
    assert queries.public_dataset("births").state == Dataset.State.PUBLISHED
    resource = births.resources.get()
    office.post(f"/office/REG/data/births/resources/{resource.uuid}/replace/",
                {"file": csv_file("year,births\n2025,3\n"), "note": "2025"})
    births.refresh_from_db()
    assert births.version == 2
    office.post("/office/REG/data/births/withdraw/", {"reason": ""})
    assert Dataset.objects.get(name="births").state == Dataset.State.PUBLISHED
    office.post("/office/REG/data/births/withdraw/", {"reason": "Superseded."})
    assert Dataset.objects.get(name="births").state == Dataset.State.WITHDRAWN
    assert "Superseded." in text(signed_in(publishers["citizen"]).get("/data/births/"))


def test_another_agencys_data_is_out_of_reach(publishers):
    dataset(publishers["tax"], "tax-revenue", agency="TAX")
    office = signed_in(publishers["reg"])
    assert office.get("/office/TAX/data/").status_code == 404
    assert office.get("/office/TAX/data/tax-revenue/").status_code == 404
    assert office.get("/office/REG/data/tax-revenue/").status_code == 404
    assert office.post("/office/REG/data/tax-revenue/publish/").status_code == 404
    assert signed_in(publishers["supervisor"]).get("/office/REG/data/").status_code == 404


def test_the_publisher_answers_a_request_in_public(client, publishers):
    asked = services.request_dataset(publishers["citizen"], "Tax by district", "Monthly.")
    dataset(publishers["reg"], "tax-by-district")
    office = signed_in(publishers["reg"])
    assert "Tax by district" in text(office.get("/office/REG/data/"))
    office.post(f"/office/REG/data/requests/{asked.uuid}/answer/", {
        "state": "published", "answer": "Here it is.", "dataset": "tax-by-district"})
    asked.refresh_from_db()
    assert asked.state == DatasetRequest.State.PUBLISHED and asked.agency.code == "REG"
    page = text(client.get("/data/requests/"))
    assert "Here it is." in page and "/data/tax-by-district/" in page
