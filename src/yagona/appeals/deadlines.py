"""The legal clock of an appeal, in the unit its kind's law counts (calendar days, or
working days of the pack's calendar): the deadline from registration, the time left,
pausing while the author is asked for more, extension by a supervisor, and the
reception's own deadline for forwarding."""

from datetime import date, timedelta

from django.utils import timezone

from yagona.core.countries import active_pack


def today() -> date:
    return timezone.localtime(timezone.now(), active_pack().zone).date()


def add(start: date, days: int, working: bool) -> date:
    if working:
        return active_pack().calendar.add_working_days(start, days)
    return start + timedelta(days=days)


def between(start: date, end: date, working: bool) -> int:
    """Days (or working days) from ``start`` to ``end``; negative when ``end`` is before."""
    if working:
        return active_pack().calendar.working_days_between(start, end)
    return (end - start).days


def due_date(kind, received_on: date) -> date:
    return add(received_on, kind.days, kind.working_days)


def time_left(appeal, on: date | None = None) -> int | None:
    """What is left to the deadline (negative: overdue); None once the appeal ended.
    While the author is asked for more, the clock stands still."""
    if appeal.ended:
        return None
    if appeal.days_left_at_pause is not None:
        return appeal.days_left_at_pause
    return between(on or today(), appeal.due_date, appeal.kind.working_days)


def pause(appeal, on: date) -> None:
    appeal.days_left_at_pause = max(0, between(on, appeal.due_date, appeal.kind.working_days))


def resume(appeal, on: date) -> None:
    appeal.due_date = add(on, appeal.days_left_at_pause or 0, appeal.kind.working_days)
    appeal.days_left_at_pause = None


def extension_left(appeal) -> int:
    return max(0, appeal.kind.extension - appeal.extended_days)


def extend(appeal, days: int) -> None:
    appeal.extended_days += days
    if appeal.days_left_at_pause is not None:
        appeal.days_left_at_pause += days
    else:
        appeal.due_date = add(appeal.due_date, days, appeal.kind.working_days)


def forward_by(rules, received_on: date) -> date:
    """The day by which the reception (or an agency that is not competent) forwards."""
    return add(received_on, rules.forward_days, rules.forward_working_days)
