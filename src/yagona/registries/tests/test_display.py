"""Registry values as people and officials see them: labels for coded values, dates in
the pack's date format, the identity document as labelled fields (never a dict)."""

from pathlib import Path

import pytest
import yaml
from django.utils import translation

from yagona.accounts import services as accounts
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.backoffice.tests.test_admin_pages import official
from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.registries import queries, services
from yagona.registries.models import Record
from yagona.registries.tests.test_records import person
from yagona.testing.packs import write_pack
from yagona.testing.web import signed_in

DOCUMENT = {"type": "passport", "number": "A1234567", "issued": "2020-01-02",
            "expires": "2030-01-02", "issuer": "VKD"}


@pytest.mark.django_db
def test_the_tajik_population_register_reads_in_words_and_the_packs_dates(settings):
    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / "tj")
    schema = queries.version(queries.registry("population"))
    data = {"birth_date": "1990-05-01", "sex": "f", "identity_document": DOCUMENT}
    with translation.override("ru"):
        rows = dict(queries.display_rows(schema, data))
        document = queries.display_text(schema, "identity_document", DOCUMENT)
        birth, sex = (queries.display_label(schema, f) for f in ("birth_date", "sex"))
        kind = queries.display_label(schema, "identity_document.type")
    assert rows[birth] == "01.05.1990"
    assert rows[sex] == "Женский"
    assert "Паспорт" in rows.values() and "02.01.2020" in rows.values()
    assert document.startswith(f"{kind}: Паспорт; ") and "02.01.2020" in document
    assert "passport" not in document and "{" not in document


@pytest.fixture
def dotted(people, tmp_path):
    """The test pack (loaded again after the people's) with dates shown DD.MM.YYYY."""
    folder = write_pack(tmp_path / "dotted")
    pack = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    (folder / "pack.yaml").write_text(yaml.safe_dump({**pack, "date_format": "DD.MM.YYYY"},
                                                     allow_unicode=True), encoding="utf-8")
    load_pack(SYSTEM, folder)
    return people


@pytest.mark.django_db
def test_the_persons_register_page_shows_the_document_as_labelled_fields(dotted):
    services.create(SYSTEM, "population", person(1, identity_document=DOCUMENT))
    page = signed_in(dotted["citizen"]).get("/account/registers/").content.decode()
    assert "<dt>Identity document: Issued</dt><dd>02.01.2020</dd>" in page
    assert "<dt>Birth date</dt><dd>01.05.1990</dd>" in page
    assert "{&#x27;" not in page and "1990-05-01" not in page


@pytest.mark.django_db
def test_the_record_history_shows_values_not_a_dump(dotted):
    services.create(SYSTEM, "population", person(1, identity_document=DOCUMENT))
    record = Record.objects.get()
    services.correct(SYSTEM, "population", record.uuid,
                     {"identity_document": {**DOCUMENT, "number": "B7654321",
                                            "issued": "2024-03-04"}},
                     reason="New passport")
    accounts.grant_role(SYSTEM, dotted["other"], Agency.objects.get(code="REG"),
                        Role.REGISTRY_KEEPER)
    page = official(dotted["other"]).get(
        f"/office/registries/population/records/{record.uuid}/").content.decode()
    assert "Number: B7654321" in page and "Issued: 04.03.2024" in page
    assert "{&#x27;" not in page and "2024-03-04" not in page


@pytest.mark.django_db
def test_the_registry_search_reads_and_names_the_packs_date_format(dotted):
    services.create(SYSTEM, "population", person(1))
    services.create(SYSTEM, "population", person(2, birth_date="1991-06-02"))
    accounts.grant_role(SYSTEM, dotted["other"], Agency.objects.get(code="REG"),
                        Role.REGISTRY_KEEPER)
    client = official(dotted["other"])
    page = client.get("/office/registries/population/").content.decode()
    assert "DD.MM.YYYY" in page and "YYYY-MM-DD" not in page
    for typed in ("01.05.1990", "1990-05-01", "05.1990"):
        page = client.get("/office/registries/population/", {"q": typed}).content.decode()
        assert "01.05.1990" in page and "02.06.1991" not in page, typed


@pytest.mark.django_db
def test_the_record_history_names_the_platform_not_system(dotted):
    services.create(SYSTEM, "population", person(1))
    record = Record.objects.get()
    accounts.grant_role(SYSTEM, dotted["other"], Agency.objects.get(code="REG"),
                        Role.REGISTRY_KEEPER)
    page = official(dotted["other"]).get(
        f"/office/registries/population/records/{record.uuid}/").content.decode()
    assert "<td>the platform (import)</td>" in page and "<td>system</td>" not in page


@pytest.mark.django_db
def test_free_text_is_marked_with_the_language_it_is_held_in(settings):
    """A register keeps an address in the state language (the pack's first): on a Russian
    page it is marked lang="tg", not passed off as Russian; labels and dates are not."""
    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / "tj")
    schema = queries.version(queries.registry("population"))
    address = {"region": "Душанбе", "city": "Душанбе", "street": "хиёбони Рӯдакӣ", "house": "25"}
    data = {"address": address, "sex": "f", "birth_date": "1990-05-01"}
    with translation.override("ru"):
        rows = dict(queries.display_rows(schema, data))
        street = f'{queries.display_label(schema, "address")}: ' \
                 f'{queries.display_label(schema, "address.street")}'
        sex = queries.display_label(schema, "sex")
    assert rows[street] == '<span lang="tg">хиёбони Рӯдакӣ</span>'
    assert "25" in rows.values()  # a house number is in no language
    assert rows[sex] == "Женский" and "01.05.1990" in rows.values()
    with translation.override("tg"):
        rows = dict(queries.display_rows(schema, data))
    assert "хиёбони Рӯдакӣ" in rows.values()
