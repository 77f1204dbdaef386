"""Search by the search fields: folded word prefixes, kept in step with every write,
answered from the term index on both databases."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from yagona.core.audit import SYSTEM
from yagona.registries import queries, services, terms
from yagona.registries.models import RecordTerm
from yagona.registries.tests.test_records import person


@pytest.mark.django_db
def test_words_match_prefixes_with_case_and_special_letters_folded(country):
    services.create(SYSTEM, "population", person(1, surname="Раҳимова", given_name="Дилноза"))
    services.create(SYSTEM, "population", person(2, surname="Ҷӯраев", given_name="Фаррух",
                                                 birth_date="1984-02-29"))
    services.create(SYSTEM, "population", person(3, surname="Рахимов", given_name="Ғайрат"))
    registry = queries.registry("population")

    def ids(text, fields=("surname", "given_name", "birth_date")):
        return sorted(int(r.data["person_id"][:7]) for r in
                      queries.search(registry, text, list(fields)))

    assert ids("рахим") == [1, 3]  # ҳ is typed as х
    assert ids("РАҲИМОВА") == [1]
    assert ids("джураев") == []  # a prefix of the folded word, not a transliteration
    assert ids("чура") == [2]
    assert ids("рахим гайрат") == [3]  # every word, in any of the fields
    assert ids("1984") == [2] and ids("1984-02") == [2] and ids("1984-02-29") == [2]
    assert ids("1984", fields=["surname"]) == []
    assert ids("") == [1, 2, 3]


@pytest.mark.django_db
def test_terms_follow_corrections_and_retirement(country):
    record = services.create(SYSTEM, "population", person(1, surname="Раҳимова"))
    registry = queries.registry("population")
    services.correct(SYSTEM, "population", record.uuid, {"surname": "Каримова"},
                     reason="Marriage")
    assert not queries.search(registry, "рахимова", ["surname"]).exists()
    assert queries.search(registry, "карим", ["surname"]).get().pk == record.pk
    services.retire(SYSTEM, "population", record.uuid, reason="Duplicate entry")
    assert not RecordTerm.objects.filter(record=record).exists()


@pytest.mark.django_db
def test_an_imported_record_is_searchable(country, tmp_path):
    import json

    from yagona.registries import bulk

    path = tmp_path / "people.jsonl"
    path.write_text("".join(json.dumps(person(n, surname=f"Аҳмадов{n}")) + "\n"
                            for n in range(1, 6)), encoding="utf-8")
    bulk.import_file(SYSTEM, "population", path, batch_size=2)
    registry = queries.registry("population")
    assert queries.search(registry, "ахмадов3", ["surname"]).count() == 1
    assert queries.search(registry, "ахмадов", ["surname"]).count() == 5


@pytest.mark.django_db
def test_a_search_is_a_scan_of_the_term_index(country):
    services.create(SYSTEM, "population", person(1))
    rows = queries.search(queries.registry("population"), "рахим", ["surname"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a small table: make a scan the last resort
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = rows.explain()
    assert "record_term" in plan


@given(st.text(min_size=1, max_size=12), st.integers(min_value=1, max_value=12))
def test_every_prefix_of_a_term_finds_it(text, cut):
    """What the index range [prefix, prefix + TOP) relies on, for any text."""
    for term in terms.field_terms({"type": "string"}, text):
        prefix = term[:cut]
        assert terms.query_words(prefix) == [prefix]  # a folded word searches as itself
        assert prefix <= term < prefix + terms.TOP
