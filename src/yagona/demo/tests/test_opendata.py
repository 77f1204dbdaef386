"""The demo's open data (countries/<code>/opendata/datasets.yaml of the shipped packs,
published by demo/opendata.py through the open data room's services): every dataset of
the file is in the catalogue, in every language of the pack, with its files as the
services checked and kept them."""

import hashlib
from pathlib import Path

import pytest

from yagona.accounts.models import OfficialRole
from yagona.core import audit
from yagona.core.countries import active_pack, read_yaml
from yagona.opendata import files, own_data, queries
from yagona.registries import queries as registries


@pytest.fixture
def quick_demo(monkeypatch):
    """The demo with its people, roles and open data only: the applications,
    correspondence, appeals and registry data have tests of their own."""
    from yagona.demo import data as demo

    monkeypatch.setattr(demo, "_sample_applications", lambda *args: None)
    monkeypatch.setattr(demo, "load_correspondence", lambda *args: [])
    monkeypatch.setattr(demo, "load_appeals", lambda *args: {})
    monkeypatch.setattr(demo, "_registry_data", lambda *args: None)
    return demo


@pytest.mark.django_db
@pytest.mark.parametrize(("pack_code", "word", "found"), [
    ("tj", "Таваллудҳо", "births-by-region"),
    ("tj", "нерӯи барқ", "electricity-production-monthly"),
    ("az", "doğumlar", "births-by-economic-region"),
    ("az", "vergi daxilolmaları", "tax-receipts-monthly"),
], ids=["tj-births", "tj-electricity", "az-births", "az-taxes"])
def test_the_demo_publishes_the_packs_datasets(pack_code, word, found, quick_demo, settings,
                                               tmp_path):
    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM

    settings.MEDIA_ROOT = tmp_path
    folder = Path(settings.COUNTRIES_DIR) / pack_code
    load_pack(SYSTEM, folder)
    settings.COUNTRY = pack_code
    loaded = quick_demo.load_demo()
    catalogue = read_yaml(folder / "opendata" / "datasets.yaml")
    entries = catalogue["datasets"]
    assert 8 <= len(entries) <= 10
    assert loaded["datasets"] == len(entries)
    assert loaded["opendata"]["requests"] == len(catalogue["requests"])
    languages = active_pack().languages

    # Each data publisher of demo.yaml holds the role in its agency.
    demo_yaml = read_yaml(folder / "demo.yaml")
    publishers = {o["agency"]: o["person_id"] for o in demo_yaml["officials"]
                  if o["role"] == "data_publisher"}
    for agency, person_id in publishers.items():
        assert OfficialRole.objects.filter(user__username=person_id, agency__code=agency,
                                           role="data_publisher").exists()

    for entry in entries:
        dataset = queries.public_dataset(entry["name"], include_withdrawn=False)
        assert dataset is not None, entry["name"]
        assert dataset.agency.code == entry["agency"] and entry["agency"] in publishers
        assert dataset.version >= 1 and queries.versions(dataset)
        for field in ("title", "description", "spatial"):
            texts = getattr(dataset, field)
            assert all(texts.get(lang, "").strip() for lang in languages), (entry["name"], field)
        assert all(dataset.keywords.get(lang) for lang in languages), entry["name"]
        assert set(dataset.themes) == set(entry["themes"])
        assert all(word in dataset.description["en"]
                   for word in ("sample data", "not official statistics"))
        resources = queries.resources(dataset)
        assert len(resources) == len(entry["resources"])
        for resource, wanted in zip(resources, entry["resources"], strict=True):
            assert all(resource.name.get(lang) for lang in languages)
            assert resource.format == wanted["format"]
            if "url" in wanted:
                assert resource.url == wanted["url"] and resource.stored is None
                continue
            data = (folder / "opendata" / wanted["file"]).read_bytes()
            assert resource.stored.sha256 == hashlib.sha256(data).hexdigest()
            assert resource.stored.size == len(data) and files.read(resource.stored) == data
            if wanted["format"] == "CSV":
                header, _rows, _more = files.preview(resource.stored, "CSV")
                total = data.decode().count("\n") - 1
                assert header and 20 <= total <= 300, wanted["file"]
                assert all(column in dataset.description["en"] for column in header)

    # Several agencies publish, one of them links to its website; the catalogue's
    # publisher adds the platform's own figures (opendata.own_data).
    counts = queries.counts()
    agencies = {entry["agency"] for entry in entries}
    own = {own_data.SERVICES, own_data.APPLICATIONS, own_data.RATINGS, own_data.FIGURES,
           own_data.SATISFACTION}
    registers = {registry.code: schema for registry, schema in registries.public_registers()}
    assert {"legal_entities", "legal_acts"} <= set(registers)  # the population's: none
    own |= {f"register-{code}" for code in registers}
    entities = files.read(queries.public_dataset("register-legal_entities").resources.get()
                          .stored).decode()
    header = entities.splitlines()[0].split(",")
    assert "director_id" not in header and "founders" not in header  # personal data
    assert {"business_id", "name"} <= set(header)  # (the quick demo writes no records)
    budgets = {f"state-budget-{year}" for year in loaded["opendata"]["budgets"]}
    assert budgets == {"state-budget-2026"}  # the pack's sample budget, by its keeper
    assert set(queries.published_names()) == {entry["name"] for entry in entries} | own | \
        budgets
    keepers = {active_pack().raw["opendata"][key] for key in ("publisher", "budget")} | {
        registry.agency.code for registry, _schema in registries.public_registers()}
    assert counts["agencies"] == len(agencies | keepers) and len(agencies) >= 5
    assert any(r.url for name in queries.published_names()
               for r in queries.resources(queries.public_dataset(name)))

    # Found by a word of the state language, with or without its special letters.
    for query in (word, word.translate(str.maketrans("ҳӯғқҷӣəğışçöü", "хугкчиegiscou"))):
        results = queries.search(query)
        assert found in [d.name for d in results.datasets], query

    # The requests for data, public with their answers.
    requests = {r.title: r for r in queries.public_requests()}
    for entry in catalogue["requests"]:
        request = requests[entry["title"]]
        assert request.language == languages[0]
        answer = entry.get("answer")
        if answer is None:
            assert request.state == "open" and request.answer == ""
            continue
        assert request.state == answer["state"] and request.answer == answer["text"]
        assert request.agency is not None
        assert (request.dataset.name if request.dataset else None) == answer.get("dataset")
    assert {r.state for r in requests.values()} >= {"published", "planned"}

    # A second run adds nothing; the audit log is whole.
    again = quick_demo.load_demo()
    assert again["datasets"] == 0 and again["opendata"]["requests"] == 0
    assert queries.counts() == counts
    assert audit.verify() == []
