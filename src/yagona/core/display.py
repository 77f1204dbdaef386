"""How values are shown to people: dates in the pack's format, working days in one
wording, opening hours with the reader's weekday names."""

import re
from datetime import date, datetime

from django.utils.dates import WEEKDAYS
from django.utils.translation import ngettext

from yagona.core.countries import active_pack

_TOKENS = {"DD": "%d", "MM": "%m", "YYYY": "%Y"}


def date_format() -> str:
    """The pack's date format as people read it ("DD.MM.YYYY"); ISO when it names none."""
    return active_pack().raw.get("date_format") or "YYYY-MM-DD"


def typed_date(text: str) -> str | None:
    """A date typed in the pack's date format, whole or without its day ("01.05.1990",
    "05.1990"), as the ISO prefix registers are searched by ("1990-05-01", "1990-05");
    None when ``text`` is not one."""
    pattern = date_format()
    for shape in (pattern, re.sub(r"DD[^MY]?|[^MY]?DD", "", pattern)):
        regex = re.escape(shape)
        for token, group in (("DD", r"(?P<d>\d{1,2})"), ("MM", r"(?P<m>\d{1,2})"),
                             ("YYYY", r"(?P<y>\d{4})")):
            regex = regex.replace(token, group)
        if found := re.fullmatch(regex, text.strip()):
            parts = found.groupdict()
            try:  # a real date only: 31.02 is no date
                date(int(parts["y"]), int(parts["m"]), int(parts.get("d") or 1))
            except ValueError:
                return None
            iso = f"{parts['y']}-{int(parts['m']):02d}"
            return f"{iso}-{int(parts['d']):02d}" if parts.get("d") else iso
    return None


def format_date(value) -> str:
    """A date (or an ISO date text, as registers hold them) in the pack's ``date_format``;
    anything else is returned as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return "" if value is None else str(value)
    pattern = date_format()
    for token, code in _TOKENS.items():
        pattern = pattern.replace(token, code)
    return value.strftime(pattern)


def working_days(days: int) -> str:
    """The one wording of a processing time, everywhere it is shown."""
    return ngettext("%(days)s working day", "%(days)s working days", days) % {"days": days}


def opening_hours(hours) -> list[str]:
    """["Monday–Friday 08:00–17:00", ...] from pack data [{days: [1..5], open, close}]."""
    lines = []
    for entry in hours or []:
        days = sorted(set(entry.get("days") or []))
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        # Full names: Django's Tajik abbreviations repeat "Яш" for Tuesday and Sunday.
        name = lambda day: str(WEEKDAYS[day - 1])  # noqa: E731 - ISO 1 is Monday
        text = ", ".join(name(run[0]) if len(run) == 1 else f"{name(run[0])}–{name(run[-1])}"
                         for run in runs)
        lines.append(f"{text} {entry.get('open', '')}–{entry.get('close', '')}")
    return lines
