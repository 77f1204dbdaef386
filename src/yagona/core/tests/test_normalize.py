from yagona.core.normalize import fold, words


def test_tajik_letters_fold_to_plain_cyrillic():
    assert fold("Бақайдгирии таваллуди кӯдак") == "бакаидгирии таваллуди кудак"
    assert words("ҲУКУМАТИ ЭЛЕКТРОНӢ, ҷамъият ғизо") == ["хукумати", "электрони", "чамъият", "гизо"]


def test_azerbaijani_letters_fold_to_latin():
    assert words("Uşağın doğumunun qeydiyyatı") == ["usagin", "dogumunun", "qeydiyyati"]
    assert fold("ƏMƏK İŞÇİ Ölçü Ü") == "emek isci olcu u"


def test_russian_yo_and_case():
    assert words("Ёлка ЙОГУРТ") == ["елка", "иогурт"]
