import copy

import pytest

from yagona.core.countries import PackError, pack_from_data
from yagona.testing.packs import PACK


def _problems(**changes):
    data = copy.deepcopy(PACK) | changes
    with pytest.raises(PackError) as caught:
        pack_from_data(data)
    return caught.value.problems


def test_a_transliteration_key_of_two_letters_is_named():
    problems = _problems(search={"transliterate": {"sh": "ш"}})
    assert any("search.transliterate" in p and "'sh'" in p for p in problems)


@pytest.mark.parametrize("bad", ["DD.MM.YY", "DD.DD.YYYY", "MM/DD.YYYY", "%d.%m.%Y"])
def test_a_date_format_is_made_of_day_month_and_year(bad):
    assert any("date_format" in p for p in _problems(date_format=bad))


def test_a_pack_with_both_keys_loads():
    pack = pack_from_data(copy.deepcopy(PACK) | {
        "date_format": "DD.MM.YYYY", "search": {"transliterate": {"а": "a"}}})
    assert pack.raw["date_format"] == "DD.MM.YYYY"
