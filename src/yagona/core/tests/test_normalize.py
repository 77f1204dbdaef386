import pytest
from hypothesis import given
from hypothesis import strategies as st

from yagona.core.normalize import APOSTROPHES, fold, transliteration, words


def test_tajik_letters_fold_to_plain_cyrillic():
    assert fold("Бақайдгирии таваллуди кӯдак") == "бакаидгирии таваллуди кудак"
    assert words("ҲУКУМАТИ ЭЛЕКТРОНӢ, ҷамъият ғизо") == ["хукумати", "электрони", "чамъият", "гизо"]


def test_azerbaijani_letters_fold_to_latin():
    assert words("Uşağın doğumunun qeydiyyatı") == ["usagin", "dogumunun", "qeydiyyati"]
    assert fold("ƏMƏK İŞÇİ Ölçü Ü") == "emek isci olcu u"


def test_russian_yo_and_case():
    assert words("Ёлка ЙОГУРТ") == ["елка", "иогурт"]


@given(st.text(max_size=30))
def test_folding_a_folded_text_changes_nothing(text):
    """Search terms are folded and so are queries: a term must search as itself."""
    assert fold(fold(text)) == fold(text)


def test_uzbek_apostrophe_variants_fold_alike():
    spellings = ["Oʻzbekiston", "O'zbekiston", "O‘zbekiston", "O`zbekiston", "O’zbekiston",
                 "Oʼzbekiston", "O´zbekiston"]
    assert {fold(spelling) for spelling in spellings} == {"ozbekiston"}
    assert {tuple(words(f"{s} gʻalla")) for s in spellings} == {("ozbekiston", "galla")}


TABLE = transliteration({"а": "a", "п": "p", "с": "s", "о": "o", "р": "r", "т": "t",
                         "ш": "sh", "г": "g", "ъ": ""})


def test_a_transliteration_table_maps_the_folded_letters():
    assert words("ПАСПОРТ шаш", TABLE) == ["pasport", "shash"]
    assert fold("Ғор", TABLE) == "gor"  # ғ is folded to г before the table is read
    assert fold("Latin text", TABLE) == "latin text"


def test_a_table_key_of_more_than_one_letter_is_refused():
    with pytest.raises(ValueError, match="one letter"):
        transliteration({"sh": "ш"})


APOSTROPHE_OR_LETTER = st.one_of(st.sampled_from(list(APOSTROPHES)), st.characters())


@given(st.text(APOSTROPHE_OR_LETTER, max_size=30), st.sampled_from(list(APOSTROPHES)),
       st.sampled_from(list(APOSTROPHES)))
def test_any_apostrophe_may_stand_for_any_other(text, one, other):
    assert fold(text.replace(one, other)) == fold(text)
    assert words(text.replace(one, other)) == words(text)


@given(st.text(max_size=30))
def test_folding_with_a_table_is_idempotent_and_keeps_no_apostrophe(text):
    folded = fold(text, TABLE)
    assert fold(folded, TABLE) == folded
    assert not set(folded) & set(APOSTROPHES)


@given(st.text(st.sampled_from("апсортш "), max_size=20))
def test_a_latin_query_finds_the_cyrillic_words_it_spells(text):
    """What the table writes is what a Latin typist types: both fold to the same words."""
    latin = text.translate(str.maketrans({"а": "a", "п": "p", "с": "s", "о": "o", "р": "r",
                                          "т": "t", "ш": "sh"}))
    assert words(latin, TABLE) == words(text, TABLE)
