from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from yagona.core.calendar import WorkingCalendar
from yagona.core.identifiers import (
    IdentifierFormat,
    luhn_check_digit,
    luhn_ok,
    mod11_check_digit,
)

digits = st.lists(st.integers(0, 9), min_size=6, max_size=12)
WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2]


@given(digits)
def test_luhn_accepts_its_check_digit_and_catches_any_single_digit_error(body):
    number = [*body, luhn_check_digit(body)]
    assert luhn_ok(number)
    for position in range(len(number)):
        for wrong in range(10):
            if wrong != number[position]:
                changed = number[:position] + [wrong] + number[position + 1:]
                assert not luhn_ok(changed)


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_mod11_format_accepts_valid_and_rejects_changed_check_digit(body):
    fmt = IdentifierFormat(r"[0-9]{9}", {"algorithm": "mod11", "weights": WEIGHTS})
    check = mod11_check_digit(body, WEIGHTS, None)
    text = "".join(map(str, body))
    if check is None:
        assert not any(fmt.is_valid(text + str(d)) for d in range(10))
        return
    assert fmt.is_valid(text + str(check))
    assert not fmt.is_valid(text + str((check + 1) % 10))


@given(st.text(max_size=12))
def test_format_never_raises_on_arbitrary_text(text):
    fmt = IdentifierFormat(r"[0-9]{8}", {"algorithm": "luhn"})
    assert fmt.is_valid(text) in (True, False)


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
