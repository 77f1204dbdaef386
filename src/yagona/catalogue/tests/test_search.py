import pytest

from yagona.catalogue.search import highlight, search, table


@pytest.mark.django_db
def test_search_finds_words_without_case_or_special_letters(country):
    terms, hits = search("РЕГИСТРАЦИЯ рожд")
    assert [hit.service.code for hit in hits] == ["birth-registration"]
    assert terms == ["регистрация", "рожд"]


@pytest.mark.django_db
def test_search_ranks_name_matches_first(country):
    _, hits = search("certificate")
    codes = [hit.service.code for hit in hits]
    # "Tax clearance certificate" has the word in its name; birth registration only in its text.
    assert codes[0] == "tax-clearance"
    assert "birth-registration" in codes


@pytest.mark.django_db
def test_search_with_nothing_to_find(country):
    assert search("") == ([], [])
    assert search("zzzqqq")[1] == []


def test_highlight_marks_matching_words_and_escapes_the_rest():
    html = str(highlight("Бақайдгирии <таваллуди> кӯдак", ["бакаид", "кудак"]))
    assert html == "<mark>Бақайдгирии</mark> &lt;таваллуди&gt; <mark>кӯдак</mark>"


def test_highlight_azerbaijani():
    assert str(highlight("Uşağın doğumunun qeydiyyatı", ["usag", "dogum"])) == \
        "<mark>Uşağın</mark> <mark>doğumunun</mark> qeydiyyatı"


@pytest.mark.django_db
def test_search_reads_one_typo_in_a_long_word(country):
    """'пасспорт' (a letter too many) finds 'Выдача паспорта'; so do a missing, a wrong and
    two swapped letters."""
    for query in ("пасспорт", "паспрт", "паспорд", "пасопрт"):
        _, hits = search(query)
        assert [hit.service.code for hit in hits] == ["passport-issue"], query


@pytest.mark.django_db
def test_search_reads_no_typo_in_a_short_word_or_two_typos(country):
    assert search("паст")[1] == []  # four letters: too many neighbours
    assert search("пассппорт")[1] == []  # two edits away


@pytest.mark.django_db
def test_a_word_found_as_typed_is_not_read_as_a_typo(country):
    terms, _ = search("passport")
    assert terms == ["passport"]


@pytest.mark.django_db
def test_a_name_match_outranks_any_amount_of_body_text(country, tmp_path):
    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.testing.packs import BIRTH, OFFLINE, TAX_CERTIFICATE, write_pack

    wordy = {**TAX_CERTIFICATE, "code": "wordy", "name": {"en": "Other thing", "ru": "Другое"},
             "description": {"en": "passport " * 200, "ru": "Другое"}}
    load_pack(SYSTEM, write_pack(tmp_path / "again", (BIRTH, TAX_CERTIFICATE, OFFLINE, wordy)))
    _, hits = search("passport")
    assert [hit.service.code for hit in hits] == ["passport-issue", "wordy"]


@pytest.mark.django_db
def test_the_shipped_tajik_pack_finds_the_passport_with_a_typo_and_in_latin(settings):
    from pathlib import Path

    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM

    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / "tj")
    assert search("пасспорт")[1][0].service.code == "passport-issue"
    # Latin typed for a Cyrillic name: the pack declares its transliteration table.
    assert search("shinosnoma")[1][0].service.code == "passport-issue"
    assert "<mark>шиносномаи</mark>" in str(highlight("Додани шиносномаи", ["shinosnoma"], table()))


@pytest.mark.django_db
def test_any_apostrophe_of_uzbek_latin_finds_the_others(country, tmp_path):
    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.testing.packs import BIRTH, OFFLINE, TAX_CERTIFICATE, write_pack

    uzbek = {**TAX_CERTIFICATE, "code": "uzbek", "name": {"en": "Oʻzbekiston fuqarosi",
                                                          "ru": "Гражданство"}}
    load_pack(SYSTEM, write_pack(tmp_path / "again", (BIRTH, TAX_CERTIFICATE, OFFLINE, uzbek)))
    for query in ("O'zbekiston", "o‘zbek", "O`ZBEKISTON", "ozbekiston"):
        assert [hit.service.code for hit in search(query)[1]] == ["uzbek"], query


@pytest.mark.django_db
def test_a_russian_typo_is_read_in_russian_and_the_reader_wins_ties(settings):
    """The tj pack transliterates, so 'пасспорт' folds to the English 'passport': the
    reader's language is asked for the typo first, and no result is said to be found
    through another language's name when its own name matched or the match was in text."""
    from pathlib import Path

    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM

    load_pack(SYSTEM, Path(settings.COUNTRIES_DIR) / "tj")
    _, hits = search("пасспорт", language="ru")
    assert hits[0].service.code == "passport-issue"
    assert all(hit.language == "ru" for hit in hits)
    assert [hit.name_language for hit in hits] == [None] * len(hits)
    # Tajik has no such word: the English name of the passport service alone matched.
    _, hits = search("пасспорт", language="tg")
    assert hits[0].service.code == "passport-issue"
    assert [hit.name_language for hit in hits] == ["en"] + [None] * (len(hits) - 1)


@pytest.mark.django_db
def test_another_languages_name_is_named_only_when_it_alone_matched(country):
    # 'certificate' is in the English name of the tax clearance only.
    _, hits = search("certificate", language="ru")
    by_code = {hit.service.code: hit for hit in hits}
    assert by_code["tax-clearance"].name_language == "en"
    assert by_code["birth-registration"].name_language is None  # English text, not name
    _, hits = search("certificate", language="en")
    assert all(hit.name_language is None for hit in hits)
