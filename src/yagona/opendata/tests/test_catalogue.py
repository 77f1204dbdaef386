"""Publishing, versions, files, search with facets and requests for data, through the
services' door and the queries."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from openpyxl import Workbook

from yagona.core.models import AuditEntry
from yagona.opendata import files, queries, services
from yagona.opendata.models import Dataset, DatasetRequest
from yagona.opendata.tests.conftest import csv_file, dataset

pytestmark = pytest.mark.django_db


def test_a_draft_is_found_by_nobody_until_published(publishers):
    draft = dataset(publishers["reg"], "births", publish=False)
    assert draft.state == Dataset.State.DRAFT and draft.version == 0
    assert queries.search().count == 0 and queries.public_dataset("births") is None
    services.publish(publishers["reg"], "births", note="First release")
    found = queries.search("birth")
    assert found.count == 1 and found.datasets[0].name == "births"
    assert [(v.number, v.change, v.note) for v in queries.versions(draft)] == [
        (1, "published", "First release")]
    actions = set(AuditEntry.objects.filter(object_id=str(draft.uuid))
                  .values_list("action", flat=True))
    assert {"opendata.dataset_created", "opendata.resource_added",
            "opendata.published"} <= actions


def test_only_the_agencys_publishers_change_its_data(publishers):
    with pytest.raises(PermissionDenied):
        services.create_dataset(publishers["tax"], "REG", {"name": "x"})
    with pytest.raises(PermissionDenied):  # an operator without the role
        services.create_dataset(publishers["supervisor"], "REG", {"name": "x"})
    dataset(publishers["reg"], "births")
    with pytest.raises(Http404):
        services.update_dataset(publishers["tax"], "births", {"title": {"en": "Mine"}})
    with pytest.raises(Http404):
        services.withdraw(publishers["citizen"], "births", "no")


def test_bad_metadata_names_every_field_and_writes_nothing(publishers):
    with pytest.raises(ValidationError) as refused:
        services.create_dataset(publishers["reg"], "REG", {
            "name": "Bad Name!", "title": {"ru": "Только по-русски"}, "licence": "mine",
            "frequency": "sometimes", "themes": ["XXXX"], "temporal_start": "2024-02-30",
            "contact_email": "not-an-address"})
    assert set(refused.value.message_dict) == {
        "name", "title", "licence", "frequency", "themes", "temporal_start",
        "contact_email"}
    assert not Dataset.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.create_dataset(publishers["reg"], "REG", {
            "name": "requests", "title": "T", "licence": "CC0-1.0", "frequency": "DAILY"})
    assert "name" in refused.value.message_dict  # the catalogue's own page


@pytest.mark.parametrize("text,message", [
    ("year,births\n2023,31000,extra\n", "Row 2 has 3 columns; the header has 2."),
    ("", "Choose a file to upload."),
    ("\n2023,1\n", "The first row of a CSV file must name its columns."),
    ("year,births\n", "The file has a header but no rows of data."),
])
def test_a_csv_that_does_not_hold_together_is_refused_with_the_row(publishers, text, message):
    dataset(publishers["reg"], "births", publish=False)
    with pytest.raises(ValidationError) as refused:
        services.add_resource(publishers["reg"], "births", title="More", file_format="CSV",
                              upload=SimpleUploadedFile("x.csv", text.encode()))
    assert refused.value.message_dict["file"] == [message]


def test_files_are_checked_by_content_not_by_name(publishers):
    dataset(publishers["reg"], "births", publish=False)
    for fmt, data in (("JSON", b"{not json"), ("XLSX", b"PK\x03\x04 not a workbook"),
                      ("XML", b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY x 'y'>]><a/>"),
                      ("PDF", b"hello")):
        with pytest.raises(ValidationError):
            services.add_resource(publishers["reg"], "births", title="X", file_format=fmt,
                                  upload=SimpleUploadedFile("x", data))
    assert queries.public_dataset("births") is None
    assert Dataset.objects.get(name="births").resources.count() == 1


def test_saving_a_description_as_it_was_makes_no_version(publishers):
    births = dataset(publishers["reg"], "births")
    services.update_dataset(publishers["reg"], "births", {"title": {"en": "Births"},
                                                          "licence": "CC-BY-4.0"})
    births.refresh_from_db()
    assert births.version == 1
    services.update_dataset(publishers["reg"], "births", {"title": {"en": "Births!"}},
                            note="Shorter")
    births.refresh_from_db()
    assert births.version == 2 and births.title == {"en": "Births!"}
    assert queries.version(births, 2).change == "description"


def test_a_replaced_file_stays_downloadable_from_the_version_that_published_it(publishers):
    births = dataset(publishers["reg"], "births")
    resource = births.resources.get()
    first = resource.stored.sha256
    services.replace_file(publishers["reg"], "births", resource.uuid,
                          csv_file("year,births\n2025,1\n"), note="2025 added")
    births.refresh_from_db()
    assert births.version == 2
    old, new = queries.version(births, 1), queries.version(births, 2)
    assert old.snapshot["resources"][0]["sha256"] == first
    assert new.snapshot["resources"][0]["sha256"] != first and new.note == "2025 added"
    assert files.read(queries.stored_file(first)).startswith(b"year,region,births")


def test_the_preview_shows_the_first_rows_of_csv_and_xlsx(publishers):
    rows = "n,square\n" + "".join(f"{n},{n * n}\n" for n in range(80))
    births = dataset(publishers["reg"], "squares", upload=csv_file(rows))
    header, body, more = files.preview(births.resources.get().stored, "CSV")
    assert header == ["n", "square"] and len(body) == files.PREVIEW_ROWS and more
    assert body[3] == ["3", "9"]
    book, out = Workbook(), io.BytesIO()
    book.active.append(["region", "schools"])
    book.active.append(["Khatlon", 1260])
    book.save(out)
    resource = services.add_resource(publishers["reg"], "squares", title="Schools",
                                     file_format="XLSX",
                                     upload=SimpleUploadedFile("s.xlsx", out.getvalue()))
    assert files.preview(resource.stored, "XLSX") == (["region", "schools"],
                                                     [["Khatlon", "1260"]], False)


def test_search_matches_word_starts_in_every_language_and_counts_facets(publishers):
    dataset(publishers["reg"], "births", themes=["SOCI"], keywords={
        "en": ["births", "population"], "ru": ["рождаемость"]})
    dataset(publishers["reg"], "marriages", themes=["SOCI", "JUST"],
            title={"en": "Marriages", "ru": "Браки"})
    dataset(publishers["tax"], "tax-revenue", agency="TAX", themes=["ECON"],
            licence="CC0-1.0")
    dataset(publishers["tax"], "tax-draft", agency="TAX", publish=False)
    assert queries.search().count == 3
    assert [d.name for d in queries.search("рожд").datasets] == ["births"]
    assert [d.name for d in queries.search("БРАК").datasets] == ["marriages"]
    found = queries.search(filters=[("groups", "soci")], sort="name asc")
    assert [d.name for d in found.datasets] == ["births", "marriages"]
    assert dict(found.facets["organization"]) == {"reg": 2}
    assert dict(found.facets["groups"]) == {"soci": 2, "just": 1}
    every = queries.search()
    assert dict(every.facets["license_id"]) == {"CC-BY-4.0": 2, "CC0-1.0": 1}
    assert dict(every.facets["res_format"]) == {"CSV": 3}
    both = queries.search(filters=[("groups", "soci"), ("groups", "just")])
    assert [d.name for d in both.datasets] == ["marriages"]
    page = queries.search(sort="name desc", rows=1, start=1)
    assert page.count == 3 and [d.name for d in page.datasets] == ["marriages"]


def test_a_title_match_ranks_before_a_description_match(publishers):
    dataset(publishers["reg"], "schools", description={"en": "Teachers per pupil."})
    dataset(publishers["reg"], "teachers")
    assert [d.name for d in queries.search("teachers").datasets] == ["teachers", "schools"]


def test_ckan_filter_queries_are_read_or_refused(publishers):
    assert queries.parse_fq('organization:reg +groups:soci tags:"road safety" '
                            'AND res_format:CSV') == [
        ("organization", "reg"), ("groups", "soci"), ("tags", "road safety"),
        ("res_format", "CSV")]
    assert queries.parse_fq("metadata_modified:[2026-01-01T00:00:00Z TO *]")[0][1][1] is None
    for bad in ("colour:red", "just words", "organization:reg OR groups:x",
                "metadata_modified:[yesterday TO *]"):
        with pytest.raises(queries.BadQuery):
            queries.parse_fq(bad)
    with pytest.raises(queries.BadQuery):
        queries.search(sort="random")


def test_a_harvester_asks_for_what_changed_since_its_last_run(publishers):
    from datetime import timedelta

    from django.utils import timezone

    dataset(publishers["reg"], "older")
    Dataset.objects.filter(name="older").update(
        modified_at=timezone.now() - timedelta(days=10))
    dataset(publishers["reg"], "newer")
    since = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = queries.search(filters=queries.parse_fq(f"metadata_modified:[{since} TO *]"),
                           sort="id asc")
    assert [d.name for d in found.datasets] == ["newer"]
    assert queries.search(sort="id asc").count == 2


def test_a_withdrawn_dataset_leaves_search_but_says_why(publishers):
    dataset(publishers["reg"], "births")
    with pytest.raises(ValidationError):
        services.withdraw(publishers["reg"], "births", "  ")
    services.withdraw(publishers["reg"], "births", "Replaced by the census dataset.")
    assert queries.search().count == 0 and queries.published_names() == []
    shown = queries.public_dataset("births")
    assert shown.state == Dataset.State.WITHDRAWN
    assert shown.withdrawn_reason == "Replaced by the census dataset."
    with pytest.raises(ValidationError):
        services.add_resource(publishers["reg"], "births", title="x", file_format="CSV",
                              upload=csv_file())
    resource = shown.resources.get()
    with pytest.raises(ValidationError):
        services.replace_file(publishers["reg"], "births", resource.uuid, csv_file())
    with pytest.raises(ValidationError):
        services.remove_resource(publishers["reg"], "births", resource.uuid)


def test_a_request_for_data_is_answered_in_public(publishers):
    with pytest.raises(ValidationError) as refused:
        services.request_dataset(publishers["citizen"], "", "", "NOPE")
    assert set(refused.value.message_dict) == {"title", "description", "agency"}
    asked = services.request_dataset(publishers["citizen"], "School results",
                                     "Exam results by school, for parents.")
    assert asked.agency is None and asked.state == DatasetRequest.State.OPEN
    assert queries.open_requests_for([]) == [asked]
    with pytest.raises(Http404):  # not a publisher
        services.answer_request(publishers["citizen"], asked.uuid, "refused", "No.")
    with pytest.raises(ValidationError):
        services.answer_request(publishers["reg"], asked.uuid, "published", "Here.",
                                dataset_name="no-such")
    dataset(publishers["reg"], "school-results")
    services.answer_request(publishers["reg"], asked.uuid, "published", "Published.",
                            dataset_name="school-results")
    asked.refresh_from_db()
    assert asked.state == "published" and asked.agency.code == "REG"
    assert asked.dataset.name == "school-results" and asked.answered_by == publishers["reg"]
    with pytest.raises(Http404):  # now REG's: TAX cannot answer it again
        services.answer_request(publishers["tax"], asked.uuid, "refused", "No.")
    with pytest.raises(ValidationError):  # a published answer stands
        services.answer_request(publishers["reg"], asked.uuid, "refused", "No.")
