"""Budget transparency: the finance ministry's publisher imports a year (the test pack's
keeper is TAX), every bad row is named and nothing changes, a good file replaces the
year and is published; the public page and the dataset say the same."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from yagona.opendata import budget, queries
from yagona.opendata.models import BudgetLine
from yagona.opendata.tests.test_own_data import table
from yagona.testing.web import signed_in

pytestmark = pytest.mark.django_db
HEADER = "agency_code,programme_code,programme_name_en,programme_name_ru,planned,executed\n"
GOOD = HEADER + ("REG,01,Civil registration,Регистрация актов,1500000.50,700000\n"
                 "REG,02,Archives,,200000,\n"
                 "TAX,01,Tax administration,Налоговое администрирование,3000000,3000000\n")


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("budget.csv", text.encode(), content_type="text/csv")


def test_a_bad_file_names_every_row_and_changes_nothing(publishers):
    bad = HEADER + ("XXX,01,Nobody,,10,\n"
                    "REG,01,Registration,,ten,\n"
                    "REG,02,,Без названия на английском,10,\n"
                    "REG,03,Archives,,-5,\n"
                    "REG,04,Courts,,10.001,\n"
                    "REG,05,Roads,,10,\n"
                    "REG,05,Roads again,,10,\n")
    with pytest.raises(ValidationError) as refused:
        budget.import_year(publishers["tax"], 2026, upload(bad))
    problems = refused.value.message_dict["file"]
    assert [p.split(":")[0] for p in problems] == [
        "Row 2", "Row 3", "Row 4", "Row 5", "Row 6", "Row 8"]
    assert "XXX" in problems[0] and "twice" in problems[5]
    assert not BudgetLine.objects.exists() and queries.public_dataset("state-budget-2026") \
        is None
    with pytest.raises(ValidationError) as refused:
        budget.import_year(publishers["tax"], 2026, upload("a,b\n1,2\n"))
    assert "agency_code, programme_code" in refused.value.message_dict["file"][0]
    with pytest.raises(ValidationError):
        budget.import_year(publishers["tax"], "twenty", upload(GOOD))


def test_only_the_keepers_publishers_import(publishers):
    with pytest.raises(PermissionDenied):
        budget.import_year(publishers["reg"], 2026, upload(GOOD))  # REG publishes, not TAX


def test_an_import_replaces_the_year_and_publishes_it(client, publishers):
    assert budget.import_year(publishers["tax"], 2026, upload(GOOD)) == 3
    assert budget.import_year(publishers["tax"], 2026, upload(GOOD)) == 3  # again: same
    lines = {(line.agency.code, line.programme_code): line for line in queries.budget(2026)}
    assert lines[("REG", "01")].planned == 150000050 and lines[("REG", "02")].executed is None
    assert lines[("REG", "02")].programme_name == {"en": "Archives"}
    rows = table("state-budget-2026")
    assert rows[0]["planned_minor"] == "150000050" and rows[0]["executed_percent"] == "46.7"
    dataset = queries.public_dataset("state-budget-2026")
    assert dataset.agency.code == "TAX" and dataset.version == 1  # the same file: no version
    page = client.get("/data/budget/").content.decode()
    assert "2026" in page and 'role="img"' in page and "Civil registration" in page
    assert "/data/state-budget-2026/" in page


def test_the_back_office_form_keeps_the_year_and_lists_the_problems(publishers):
    office = signed_in(publishers["tax_operator"])
    assert office.get("/office/REG/data/budget/").status_code == 404
    refused = office.post("/office/TAX/data/budget/", {
        "year": "2026", "file": upload(HEADER + "XXX,01,Nobody,,10,\n")})
    assert refused.status_code == 400 and 'value="2026"' in refused.content.decode()
    assert "Row 2" in refused.content.decode()
    done = office.post("/office/TAX/data/budget/", {"year": "2026", "file": upload(GOOD)})
    assert done.status_code == 302 and BudgetLine.objects.count() == 3
