from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from yagona.core.calendar import WorkingCalendar
from yagona.core.identifiers import IdentifierFormat, check_digit, checksum_ok, checksum_problems

WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2]
# Luhn over a 10-digit body, declared as data: weights 2, 1 ... from the right.
LUHN = {"weights": [1, 2] * 5, "modulus": 10, "digit_sum": True, "complement": True}
MOD11 = {"weights": WEIGHTS, "modulus": 11}
bodies = st.lists(st.integers(0, 9), min_size=10, max_size=10)


def text(digits):
    return "".join(map(str, digits))


def test_the_declared_luhn_is_luhn():
    # The textbook Luhn examples: 7992739871 -> 3; a card number of the test series.
    assert check_digit([7, 9, 9, 2, 7, 3, 9, 8, 7, 1], LUHN) == 3
    card = {**LUHN, "weights": [2, 1] * 7 + [2]}
    assert checksum_ok("4111111111111111", card)
    assert not checksum_ok("4111111111111112", card)


@given(bodies)
def test_the_declared_luhn_catches_any_single_digit_error_and_adjacent_swaps(body):
    number = [*body, check_digit(body, LUHN)]
    assert checksum_ok(text(number), LUHN)
    for position in range(len(number)):
        for wrong in range(10):
            if wrong != number[position]:
                changed = number[:position] + [wrong] + number[position + 1:]
                assert not checksum_ok(text(changed), LUHN)
    for position in range(len(number) - 1):  # Luhn misses only 09 <-> 90
        a, b = number[position], number[position + 1]
        if a != b and {a, b} != {0, 9}:
            swapped = [*number[:position], b, a, *number[position + 2:]]
            assert not checksum_ok(text(swapped), LUHN)


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_mod11_format_accepts_valid_and_rejects_changed_check_digit(body):
    fmt = IdentifierFormat(r"[0-9]{9}", MOD11)
    check = check_digit(body, MOD11)
    if check is None:  # remainder 10 and no ten_as: no number with this body is valid
        assert sum(d * w for d, w in zip(body, WEIGHTS, strict=True)) % 11 == 10
        assert not any(fmt.is_valid(text(body) + str(d)) for d in range(10))
        return
    assert fmt.is_valid(text(body) + str(check))
    assert not fmt.is_valid(text(body) + str((check + 1) % 10))
    assert check_digit(body, {**MOD11, "ten_as": 0}) == check


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_ten_as_writes_remainder_ten_as_the_declared_digit(body):
    plain = check_digit(body, MOD11)
    assert check_digit(body, {**MOD11, "ten_as": 0}) == (0 if plain is None else plain)


@given(st.text(max_size=12))
def test_format_never_raises_on_arbitrary_text(text_):
    fmt = IdentifierFormat(r"[0-9]{8}", {**LUHN, "weights": [2, 1, 2, 1, 2, 1, 2]})
    assert fmt.is_valid(text_) in (True, False)


def test_a_checksum_is_declared_as_weights_and_modulus():
    assert checksum_problems(None, "x") == []
    assert checksum_problems(MOD11, "x") == []
    found = "\n".join(checksum_problems({"algorithm": "luhn"}, "person_id.checksum"))
    assert "person_id.checksum.algorithm: unknown key" in found
    assert "person_id.checksum.weights: a list of whole numbers" in found
    assert "person_id.checksum.modulus: a whole number of 2 or more" in found
    assert checksum_problems({**MOD11, "ten_as": 10}, "x") == ["x.ten_as: a digit 0-9 or null"]


def test_pattern_must_match_whole_value():
    fmt = IdentifierFormat(r"[0-9]{8}", None)
    assert fmt.is_valid("12345678")
    assert not fmt.is_valid("123456789")
    assert not fmt.is_valid("1234567a")


HOLIDAYS = frozenset({date(2026, 3, 20), date(2026, 3, 23), date(2026, 1, 1)})
calendar = WorkingCalendar(frozenset({6, 7}), HOLIDAYS)
dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@given(dates, st.integers(0, 60))
def test_adding_working_days_lands_on_a_working_day_the_right_count_later(start, days):
    end = calendar.add_working_days(start, days)
    assert calendar.is_working_day(end)
    if days:
        assert calendar.working_days_between(start, end) == days
        assert end > start


@given(dates, st.integers(1, 30))
def test_add_is_monotonic(start, days):
    assert calendar.add_working_days(start, days) > calendar.add_working_days(start, days - 1) \
        or days == 1


def test_weekend_and_holidays_are_skipped():
    # Thursday 19 March 2026 + 1 working day: Friday 20 is a holiday, then the weekend,
    # Monday 23 is a holiday: Tuesday 24.
    assert calendar.add_working_days(date(2026, 3, 19), 1) == date(2026, 3, 24)
    assert calendar.add_working_days(date(2026, 3, 21), 0) == date(2026, 3, 24)
    assert calendar.working_days_between(date(2026, 3, 24), date(2026, 3, 19)) == -1
    assert not calendar.is_working_day(date(2026, 1, 1))
    assert calendar.is_working_day(date(2026, 1, 2))
    assert calendar.add_working_days(date(2026, 1, 2), 5) == date(2026, 1, 2) + timedelta(days=7)


def test_a_weekend_day_declared_working_counts_as_a_working_day():
    # Saturday 28 March 2026 is worked instead of a bridge day.
    saturday = date(2026, 3, 28)
    worked = WorkingCalendar(frozenset({6, 7}), HOLIDAYS, frozenset({saturday}))
    assert worked.is_working_day(saturday) and not calendar.is_working_day(saturday)
    assert worked.add_working_days(date(2026, 3, 27), 1) == saturday
    assert calendar.add_working_days(date(2026, 3, 27), 1) == date(2026, 3, 30)
    assert worked.working_days_between(date(2026, 3, 27), date(2026, 3, 30)) == 2
