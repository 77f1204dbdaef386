import pytest

from yagona.catalogue.search import highlight, search


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
