"""A pack's document-flow data (``correspondence.yaml``): the kinds of document, the
journals every agency keeps with their numbering formats, the file plan (nomenclature of
cases) with retention periods, an agency's own journals and cases, and when executors are
reminded of their control deadlines (``reminders``). Checked here, with
the rest of the pack, so that check-country reports it all in one run; loaded by the
correspondence room."""

import re
from dataclasses import dataclass
from pathlib import Path

from yagona.core.countries import check_texts, read_yaml

FILE = "correspondence.yaml"
KINDS = ("incoming", "outgoing", "internal")
TOKEN = re.compile(r"\{([a-z]+)(?::([0-9]+))?\}")
TOKENS = {"agency", "journal", "case", "seq", "yyyy", "yy"}
LITERAL = re.compile(r"[\w/\-.№ ]*")  # letters of any script, digits, / - . № and spaces
TYPE_CODE = re.compile(r"[a-z_]{1,32}")
JOURNAL_CODE = re.compile(r"[A-Z]{1,8}")
CASE_INDEX = re.compile(r"[0-9A-Za-z.-]{1,16}")
TOP_KEYS = {"types", "journals", "file_plan", "agencies", "reminders"}
# Reminders of a control deadline: the working days before it that the first one goes,
# and the hour of the pack's day from which the day's reminders are sent (then also on
# the deadline day and each working day it is overdue). Used where a pack names none.
REMINDERS = {"before_working_days": 2, "hour": 8}
REMINDER_LIMITS = {"before_working_days": (0, 20), "hour": (0, 23)}


@dataclass(frozen=True)
class NumberFormat:
    """A journal's numbering format, e.g. ``{case}/{seq}/{yy}``."""

    template: str

    @property
    def needs_case(self) -> bool:
        return any(m[1] == "case" for m in TOKEN.finditer(self.template))

    def render(self, *, agency: str, journal: str, seq: int, year: int, case: str = "") -> str:
        values = {"agency": agency, "journal": journal, "case": case, "yyyy": f"{year:04d}",
                  "yy": f"{year % 100:02d}"}

        def token(match: re.Match) -> str:
            if match[1] == "seq":
                return str(seq).zfill(int(match[2] or 0))
            return values[match[1]]

        return TOKEN.sub(token, self.template)


def number_format_problems(template) -> list[str]:
    if not isinstance(template, str) or not template:
        return ["a numbering format such as '{seq}/{yy}' is needed"]
    problems, seqs, years = [], 0, 0
    for match in TOKEN.finditer(template):
        name, width = match[1], match[2]
        if name not in TOKENS:
            problems.append(f"{{{name}}} is not a token (known: "
                            f"{', '.join('{' + t + '}' for t in sorted(TOKENS))})")
        elif width is not None and (name != "seq" or not 1 <= int(width) <= 9):
            problems.append(f"only {{seq:N}} takes a width, N from 1 to 9, not {match[0]}")
        seqs += name == "seq"
        years += name in ("yyyy", "yy")
    if not LITERAL.fullmatch(TOKEN.sub("", template)):
        problems.append("besides the tokens only letters, digits, '/', '-', '.', '№' "
                        "and spaces")
    if seqs != 1 or years != 1:
        problems.append("exactly one {seq} (or {seq:N}) and one year ({yyyy} or {yy}): "
                        "numbers restart each year")
    return problems


def correspondence_problems(data, languages, agency_codes: set[str],
                           where: str = FILE) -> list[str]:
    """Everything wrong with a pack's correspondence.yaml (``data`` as read), each
    problem naming its place."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return [f"{where}: expected a mapping with types, journals and file_plan"]
    problems = [f"{where}: {key}: unknown key (known: {', '.join(sorted(TOP_KEYS))})"
                for key in sorted(set(data) - TOP_KEYS, key=str)]
    types = _list(data, "types", where, problems)
    codes = set()
    for index, item in types:
        at = f"{where}: types[{index}]"
        _known(item, {"code", "name"}, at, problems)
        code = item.get("code")
        if not isinstance(code, str) or not TYPE_CODE.fullmatch(code) or code in codes:
            problems.append(f"{at}.code: a unique code of a-z and _, not {code!r}")
        codes.add(code)
        check_texts(item.get("name"), languages, f"{at}.name", problems)
    journals = _journals(data, where, languages, problems)
    if set(journals.values()) != set(KINDS):
        problems.append(f"{where}: journals: every agency keeps an incoming, an outgoing "
                        "and an internal journal")
    _file_plan(data, where, languages, problems)
    _reminders(data.get("reminders"), where, problems)
    agencies = data.get("agencies") or {}
    if not isinstance(agencies, dict):
        problems.append(f"{where}: agencies: expected agency code -> {{journals, file_plan}}")
        agencies = {}
    for code, own in agencies.items():
        at = f"{where}: agencies.{code}"
        if code not in agency_codes:
            problems.append(f"{at}: no such agency in agencies.yaml")
        if not isinstance(own, dict):
            problems.append(f"{at}: expected {{journals, file_plan}}")
            continue
        _known(own, {"journals", "file_plan"}, at, problems)
        _journals(own, at, languages, problems, taken=set(journals))
        _file_plan(own, at, languages, problems)
    return problems


def reminders(data) -> dict:
    """The reminder rules of a checked correspondence.yaml, defaults filled in."""
    return {**REMINDERS, **((data or {}).get("reminders") or {})}


def _reminders(value, where: str, problems: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: reminders: expected {{before_working_days, hour}}")
        return
    _known(value, set(REMINDERS), f"{where}: reminders", problems)
    for key, (low, high) in REMINDER_LIMITS.items():
        number = value.get(key, REMINDERS[key])
        if type(number) is not int or not low <= number <= high:
            problems.append(f"{where}: reminders.{key}: a whole number from {low} to {high}, "
                            f"not {number!r}")


def read(folder: Path) -> dict | None:
    """The pack's correspondence.yaml as read, or None when the pack has none."""
    path = Path(folder) / FILE
    return read_yaml(path) if path.exists() else None


def _journals(data, where, languages, problems, taken=frozenset()) -> dict[str, str]:
    found = {}
    for index, item in _list(data, "journals", where, problems):
        at = f"{where}: journals[{index}]"
        _known(item, {"code", "kind", "name", "number"}, at, problems)
        code = item.get("code")
        if not isinstance(code, str) or not JOURNAL_CODE.fullmatch(code) \
                or code in found or code in taken:
            problems.append(f"{at}.code: a unique code of 1-8 capital letters, not {code!r}")
        if item.get("kind") not in KINDS:
            problems.append(f"{at}.kind: one of {', '.join(KINDS)}, not {item.get('kind')!r}")
        check_texts(item.get("name"), languages, f"{at}.name", problems)
        problems.extend(f"{at}.number: {problem}"
                        for problem in number_format_problems(item.get("number")))
        found[code] = item.get("kind")
    return found


def _file_plan(data, where, languages, problems) -> None:
    seen = set()
    for index, item in _list(data, "file_plan", where, problems):
        at = f"{where}: file_plan[{index}]"
        _known(item, {"index", "title", "retention", "basis"}, at, problems)
        case = item.get("index")
        if not isinstance(case, str) or not CASE_INDEX.fullmatch(case) or case in seen:
            problems.append(f"{at}.index: a unique quoted index such as '01-05', not {case!r}")
        seen.add(case)
        check_texts(item.get("title"), languages, f"{at}.title", problems)
        retention = item.get("retention")
        if retention != "permanent" and (type(retention) is not int
                                         or not 1 <= retention <= 75):
            problems.append(f"{at}.retention: whole years from 1 to 75, or 'permanent', "
                            f"not {retention!r}")
        if not isinstance(item.get("basis", ""), str):
            problems.append(f"{at}.basis: free text")


def _list(data: dict, key: str, where: str, problems: list[str]) -> list[tuple[int, dict]]:
    items = data.get(key) or []
    if not isinstance(items, list):
        problems.append(f"{where}: {key}: expected a list")
        return []
    out = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            out.append((index, item))
        else:
            problems.append(f"{where}: {key}[{index}]: expected a mapping")
    return out


def _known(item: dict, keys: set[str], where: str, problems: list[str]) -> None:
    problems.extend(f"{where}: {key}: unknown key (known: {', '.join(sorted(keys))})"
                    for key in sorted(set(item) - keys, key=str))
