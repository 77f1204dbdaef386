from hypothesis import given
from hypothesis import strategies as st

from yagona.core.normalize import fold, words


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
