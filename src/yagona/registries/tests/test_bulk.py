import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yagona.core.audit import SYSTEM, AuditEntry, verify
from yagona.core.countries import active_pack
from yagona.registries import bulk
from yagona.registries.generate import Generator, IdentifierMaker, public
from yagona.registries.models import ImportJob, Record, RecordKey
from yagona.testing.packs import PEOPLE

TODAY = date(2026, 11, 23)


def people(count, seed=1):
    return [public(p) for p in Generator(active_pack(), PEOPLE, seed, TODAY).persons(count)]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_identifiers_are_distinct_valid_and_scattered():
    from yagona.core.identifiers import IdentifierFormat
    from yagona.testing.packs import PACK

    luhn = IdentifierFormat("^[0-9]{8}$", PACK["person_id"]["checksum"])
    maker = IdentifierMaker(luhn.pattern, luhn.checksum, seed=3)
    made = [maker.make(i) for i in range(5000)]
    assert len(set(made)) == 5000 and all(luhn.is_valid(v) for v in made)
    fin = IdentifierMaker("^[0-9A-Z]{7}$", None, seed=3)
    assert all(len(fin.make(i)) == 7 for i in range(100)) and fin.make(0) != fin.make(1)


@pytest.mark.django_db
def test_generated_people_are_plausible_and_deterministic(country):
    made = people(500)
    assert made == people(500)  # the same seed makes the same people
    assert made != people(500, seed=2)
    by_id = {p["person_id"]: p for p in made}
    assert len(by_id) == 500
    for person in made:
        if "mother_id" in person and person["mother_id"] in by_id:
            mother = by_id[person["mother_id"]]
            assert mother["birth_date"] < person["birth_date"] and mother["sex"] == "f"
        if person.get("spouse_id") in by_id:
            spouse = by_id[person["spouse_id"]]
            assert spouse["spouse_id"] == person["person_id"]
            assert (TODAY - date.fromisoformat(spouse["birth_date"])).days >= 18 * 365


@pytest.mark.django_db
def test_import_validates_commits_by_batch_and_reports_rows(country, tmp_path):
    rows = people(50)
    rows[7]["birth_date"] = "not a date"
    rows[33]["nickname"] = "x"
    path = write_jsonl(tmp_path / "people.jsonl", rows)
    job = bulk.import_file(SYSTEM, "population", path, batch_size=20)
    # rows 1-20 and 21-40 hold a bad row each: both batches are refused whole
    assert job.batches_refused == 2 and job.rows_imported == 10
    assert {(e["row"], e["path"]) for e in job.errors} == {(8, "/birth_date"),
                                                          (34, "/nickname")}
    assert Record.objects.count() == 10 == RecordKey.objects.count()
    del rows[33]["nickname"]
    rows[7]["birth_date"] = "1990-01-01"
    again = bulk.import_file(SYSTEM, "population", write_jsonl(path, rows), batch_size=20)
    assert (again.rows_imported, again.rows_present, again.batches_refused) == (40, 10, 0)
    assert AuditEntry.objects.filter(action="registry.records_imported").exists()
    assert verify() == []


@pytest.mark.django_db
def test_an_interrupted_import_resumes_without_duplicates(country, tmp_path):
    path = write_jsonl(tmp_path / "people.jsonl", people(60))

    def stop_after_first_batch(job):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulk.import_file(SYSTEM, "population", path, batch_size=25,
                         progress=stop_after_first_batch)
    assert Record.objects.count() == 25
    job = bulk.import_file(SYSTEM, "population", path, batch_size=25)
    assert ImportJob.objects.count() == 1 and job.rows_read == 60
    assert Record.objects.count() == 60 and job.rows_present == 0


@pytest.mark.django_db
def test_export_as_csv_imports_back(country, tmp_path):
    bulk.import_file(SYSTEM, "population", write_jsonl(tmp_path / "p.jsonl", people(30)))
    out = io.StringIO()
    assert bulk.export(SYSTEM, "population", out, fmt="csv") == 30
    (tmp_path / "p.csv").write_text(out.getvalue(), encoding="utf-8")
    job = bulk.import_file(SYSTEM, "population", tmp_path / "p.csv")
    assert (job.rows_present, job.rows_imported, job.errors) == (30, 0, [])


@pytest.mark.django_db
def test_the_command_generates_and_imports(country, tmp_path, capsys, settings):
    settings.COUNTRIES_DIR, settings.COUNTRY = tmp_path, "xx"  # the pack the fixture wrote
    call_command("registries", "generate", "--persons", "120", "--businesses", "0",
                 "--out", str(tmp_path))
    call_command("registries", "import", "population", str(tmp_path / "population.jsonl"))
    assert Record.objects.count() == 120
    assert "120 imported" in capsys.readouterr().out
    (tmp_path / "bad.jsonl").write_text('{"person_id": 1}\nnot json\n')
    with pytest.raises(CommandError):
        call_command("registries", "import", "population", str(tmp_path / "bad.jsonl"))
