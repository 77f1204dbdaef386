"""Country packs: the country-level part (pack.yaml) and the active pack.

The active pack is the one last loaded into the database (``yagona
load-country``); before any load it is read from ``countries/$YAGONA_COUNTRY``.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.conf import settings

from yagona.core.calendar import WorkingCalendar
from yagona.core.identifiers import IdentifierFormat, checksum_problems
from yagona.core.normalize import transliteration

DATE_FORMAT = re.compile(r"(DD|MM|YYYY)([./ -])(DD|MM|YYYY)\2(DD|MM|YYYY)")


class PackError(Exception):
    """A country pack that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# Every key pack.yaml may hold; a misspelt one is named rather than silently ignored.
PACK_KEYS = {"code", "name", "languages", "language_info", "currency", "currency_minor_units",
             "money", "fee_units", "time_zone", "person_id", "business_id", "calendar",
             "registration_number", "phone", "date_format", "search", "documents",
             "opendata", "satisfaction"}
MONEY_DEFAULT = {"symbol": None, "position": "after", "group": "", "decimal": ".",
                 "space": True}
REGISTRATION_DEFAULT = {"pattern": "{agency}-{year}-{number}", "digits": 6}


@dataclass(frozen=True)
class CountryPack:
    code: str
    name: dict
    languages: tuple[str, ...]
    currency: str
    currency_minor_units: int
    time_zone: str
    person_id: IdentifierFormat
    person_id_label: dict
    business_id: IdentifierFormat
    business_id_label: dict
    calendar: WorkingCalendar
    raw: dict

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def format_money(self, minor: int) -> str:
        """``minor`` units as the pack writes money (pack.yaml ``money``): symbol (else the
        currency code) before or after, a non-breaking space between unless ``space:
        false``, thousands grouped, its decimal separator; no fraction when it is zero."""
        style = {**MONEY_DEFAULT, **(self.raw.get("money") or {})}
        units = 10**self.currency_minor_units
        sign, (whole, fraction) = "-" if minor < 0 else "", divmod(abs(minor), units)
        text = f"{whole:,}".replace(",", style["group"])
        if self.currency_minor_units and fraction:
            text += f"{style['decimal']}{fraction:0{self.currency_minor_units}d}"
        from yagona.core.text import localized  # a symbol may be a text per language

        symbol, space = localized(style["symbol"]) or self.currency, "\u00a0" if style["space"] \
            else ""
        if style["position"] == "before":
            return f"{sign}{symbol}{space}{text}"
        return f"{sign}{text}{space}{symbol}"

    def fee_minor(self, service: dict) -> int:
        """A service's fee in minor units: ``fee_minor``, or ``fee: {units: 2, of: brv}``,
        a multiple of a unit of account whose amount the pack declares in ``fee_units``."""
        fee = service.get("fee")
        if not fee:
            return int(service.get("fee_minor", 0))
        unit = self.raw["fee_units"][fee["of"]]
        return round(Decimal(str(fee["units"])) * unit["amount_minor"])

    def registration_prefix(self, agency: str, year: int) -> str:
        """Registration numbers are ``prefix + number``; the pack's pattern puts
        ``{number}`` last, so a prefix finds an agency's numbers of a year."""
        spec = {**REGISTRATION_DEFAULT, **(self.raw.get("registration_number") or {})}
        return spec["pattern"].removesuffix("{number}").format(agency=agency, year=year)

    def registration_number(self, agency: str, year: int, number: int) -> str:
        spec = {**REGISTRATION_DEFAULT, **(self.raw.get("registration_number") or {})}
        return f"{self.registration_prefix(agency, year)}{number:0{spec['digits']}d}"

    def clean_phone(self, value: str) -> str | None:
        """A phone number as stored (spaces, dashes and brackets dropped), or None when it
        does not fit the pack's pattern; any number in international form without one."""
        digits = re.sub(r"[\s\-()]", "", value or "")
        pattern = (self.raw.get("phone") or {}).get("pattern", r"^\+[1-9][0-9]{6,14}$")
        return digits if re.fullmatch(pattern, digits) else None

    def format_phone(self, value: str) -> str:
        """A stored phone number as the pack writes it: each ``#`` of ``display`` is the
        next digit (``+998 ## ### ## ##``); numbers of another shape are left as they are."""
        display = (self.raw.get("phone") or {}).get("display")
        digits = [ch for ch in value if ch.isdigit()]
        if not display or len(digits) != display.count("#") + sum(
                ch.isdigit() for ch in display):
            return value
        fixed = [ch for ch in display if ch.isdigit()]
        if digits[:len(fixed)] != fixed:
            return value
        rest = iter(digits[len(fixed):])
        return "".join(next(rest) if ch == "#" else ch for ch in display)

    @property
    def phone_example(self) -> str:
        return self.format_phone((self.raw.get("phone") or {}).get("example", ""))


def read_yaml(path: Path):
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise PackError([f"{path}: missing"]) from exc
    except yaml.YAMLError as exc:
        raise PackError([f"{path}: not valid YAML: {exc}"]) from exc
    except ValueError as exc:  # YAML's own dates: 2026-02-30 is not a date
        raise PackError([f"{path}: not a valid value: {exc}"]) from exc


def check_texts(value, languages, where: str, problems: list[str]) -> None:
    """A translated text must have a non-empty entry for every pack language."""
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a text per language {list(languages)}")
        return
    if not languages:  # pack.yaml is unreadable: its own problem is listed already
        return
    for language in languages:
        if not isinstance(value.get(language), str) or not value[language].strip():
            problems.append(f"{where}: missing text in '{language}'")
    # A stray key is usually a text cut at ", " inside a YAML {flow mapping}: quote it.
    for key in value.keys() - set(languages):
        problems.append(f"{where}: {key!r} is not a language of the pack "
                        "(quote texts that contain ', ' or ': ')")


def _date(value):
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def pack_languages(data: dict) -> tuple[str, ...]:
    """The pack's languages, even from a pack with other problems (to check the rest)."""
    languages = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(languages, list):
        return ()
    return tuple(code for code in languages if isinstance(code, str))


def pack_from_data(data: dict, where: str = "pack.yaml", folder: Path | None = None
                   ) -> CountryPack:
    from yagona.core.languages import language_problems
    from yagona.core.pack_documents import document_problems

    problems: list[str] = []
    if not isinstance(data, dict):
        raise PackError([f"{where}: expected a mapping"])
    for key in sorted(set(data) - PACK_KEYS, key=str):
        problems.append(f"{where}: {key}: unknown key (known: {', '.join(sorted(PACK_KEYS))})")
    languages = pack_languages(data)
    if not languages:
        problems.append(f"{where}: languages: at least one language is needed")
    problems.extend(language_problems(data, folder, where))
    check_texts(data.get("name"), languages, f"{where}: name", problems)
    try:
        ZoneInfo(str(data.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"{where}: time_zone: unknown zone {data.get('time_zone')!r}")
    if not isinstance(data.get("code"), str) or not re.fullmatch(r"[a-z]{2,3}", data["code"]):
        problems.append(f"{where}: code: the country's ISO code in lower case, e.g. 'uz'")
    formats = {}
    for key in ("person_id", "business_id"):
        spec = data.get(key) or {}
        if not isinstance(spec, dict):
            problems.append(f"{where}: {key}: expected {{label, pattern, checksum, example}}")
            spec = {}
        check_texts(spec.get("label"), languages, f"{where}: {key}.label", problems)
        checksum_errors = checksum_problems(spec.get("checksum"), f"{where}: {key}.checksum")
        problems.extend(checksum_errors)
        fmt = IdentifierFormat(str(spec.get("pattern", "")), spec.get("checksum"),
                               str(spec.get("example", "")))
        try:
            if not checksum_errors and (not fmt.pattern or not fmt.is_valid(fmt.example)):
                problems.append(f"{where}: {key}: the example {fmt.example!r} is not valid")
        except re.error as exc:
            problems.append(f"{where}: {key}.pattern: {exc}")
        formats[key] = fmt
    calendar = data.get("calendar") or {}
    if not isinstance(calendar, dict):
        problems.append(f"{where}: calendar: expected {{weekend, holidays, working_days}}")
        calendar = {}
    holidays, working_days = set(), set()
    for index, holiday in enumerate(calendar.get("holidays") or []):
        given = holiday.get("date") if isinstance(holiday, dict) else holiday
        day = _date(given)
        if day is None:
            problems.append(f"{where}: calendar.holidays[{index}].date: a date YYYY-MM-DD "
                            f"is needed, not {given!r}")
            continue
        check_texts(holiday.get("name"), languages, f"{where}: calendar.holidays[{index}].name",
                    problems)
        holidays.add(day)
    try:  # search.transliterate: one folded letter -> its spelling in the other script
        transliteration((data.get("search") or {}).get("transliterate"))
    except (ValueError, TypeError, AttributeError) as exc:
        problems.append(f"{where}: search.transliterate: {exc}")
    shown = DATE_FORMAT.fullmatch(str(data.get("date_format", "YYYY-MM-DD")))
    if not shown or {shown[1], shown[3], shown[4]} != {"DD", "MM", "YYYY"}:
        problems.append(f"{where}: date_format: DD, MM and YYYY with separators, "
                        f"not {data.get('date_format')!r}")
    weekend = calendar.get("weekend") or [6, 7]
    if not isinstance(weekend, list) or not all(d in range(1, 8) for d in weekend):
        problems.append(f"{where}: calendar.weekend: ISO weekday numbers 1-7 (6, 7: Sat, Sun)")
        weekend = [6, 7]
    for index, value in enumerate(calendar.get("working_days") or []):
        day = _date(value)
        if day is None:
            problems.append(f"{where}: calendar.working_days[{index}]: a date YYYY-MM-DD "
                            "is needed")
        elif day.isoweekday() not in weekend or day in holidays:
            problems.append(f"{where}: calendar.working_days[{index}]: {day} is a working "
                            "day anyway (list weekend days worked instead of a day off)")
        else:
            working_days.add(day)
    problems.extend(_format_problems(data, languages, where))
    problems.extend(document_problems(data, languages, where))
    opendata = data.get("opendata") or {}  # the catalogue's own title (its publisher:
    if not isinstance(opendata, dict):  # an agency, checked with agencies.yaml)
        problems.append(f"{where}: opendata: expected {{publisher, title, description}}")
        opendata = {}
    for key in ("title", "description"):
        if key in opendata:
            check_texts(opendata[key], languages, f"{where}: opendata.{key}", problems)
    if problems:
        raise PackError(problems)
    return CountryPack(
        code=str(data["code"]),
        name=data["name"],
        languages=languages,
        currency=str(data.get("currency", "")),
        currency_minor_units=int(data.get("currency_minor_units", 2)),
        time_zone=data["time_zone"],
        person_id=formats["person_id"],
        person_id_label=data["person_id"]["label"],
        business_id=formats["business_id"],
        business_id_label=data["business_id"]["label"],
        calendar=WorkingCalendar(frozenset(weekend), frozenset(holidays),
                                 frozenset(working_days)),
        raw=_jsonable(data),
    )


def _format_problems(data: dict, languages, where: str) -> list[str]:
    """Money, units of account, registration numbers and phone numbers as data."""
    found = []
    if not isinstance(data.get("currency"), str) or not re.fullmatch(r"[A-Z]{3}",
                                                                     data["currency"]):
        found.append(f"{where}: currency: the ISO 4217 code, e.g. 'UZS'")
    minor = data.get("currency_minor_units", 2)
    if not isinstance(minor, int) or isinstance(minor, bool) or not 0 <= minor <= 4:
        found.append(f"{where}: currency_minor_units: a whole number 0-4")
    money = data.get("money") or {}
    if not isinstance(money, dict):
        money = {"?": money}
    for key in sorted(set(money) - set(MONEY_DEFAULT), key=str):
        found.append(f"{where}: money.{key}: unknown key (known: symbol, position, group, "
                     "decimal, space)")
    if money.get("position", "after") not in ("before", "after"):
        found.append(f"{where}: money.position: 'before' or 'after'")
    if isinstance(money.get("symbol"), dict):
        check_texts(money["symbol"], languages, f"{where}: money.symbol", found)
    elif not isinstance(money.get("symbol"), str | None):
        found.append(f"{where}: money.symbol: a text, or a text per language")
    for key in ("group", "decimal"):
        if key in money and not isinstance(money[key], str):
            found.append(f"{where}: money.{key}: a text (quote it)")
    units = data.get("fee_units") or {}
    if not isinstance(units, dict):
        found.append(f"{where}: fee_units: expected code -> {{name, amount_minor}}")
        units = {}
    for code, unit in units.items():
        if not isinstance(unit, dict):
            found.append(f"{where}: fee_units.{code}: expected {{name, amount_minor}}")
            continue
        check_texts(unit.get("name"), languages, f"{where}: fee_units.{code}.name", found)
        amount = unit.get("amount_minor")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            found.append(f"{where}: fee_units.{code}.amount_minor: a whole number of minor "
                         "units")
    registration = data.get("registration_number") or {}
    pattern = registration.get("pattern", "{agency}-{year}-{number}") \
        if isinstance(registration, dict) else None
    if not isinstance(pattern, str) or not pattern.endswith("{number}") or \
            set(re.findall(r"{([^}]*)}", pattern)) - {"agency", "year", "number"}:
        found.append(f"{where}: registration_number.pattern: made of {{agency}}, {{year}} "
                     "and text, ending in {number}")
    digits = registration.get("digits", 6) if isinstance(registration, dict) else None
    if not isinstance(digits, int) or not 1 <= digits <= 12:
        found.append(f"{where}: registration_number.digits: a whole number 1-12")
    phone = data.get("phone")
    if phone is not None:
        if not isinstance(phone, dict) or not isinstance(phone.get("pattern"), str):
            found.append(f"{where}: phone: expected {{pattern, display, example}}")
        else:
            try:
                if not re.fullmatch(phone["pattern"], str(phone.get("example", ""))):
                    found.append(f"{where}: phone.example: does not fit phone.pattern")
            except re.error as exc:
                found.append(f"{where}: phone.pattern: {exc}")
    return found


def _jsonable(value):
    """YAML gives dates; the database keeps JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def pack_dir(code: str | None = None) -> Path:
    return Path(settings.COUNTRIES_DIR) / (code or settings.COUNTRY)


def read_pack(path: Path) -> CountryPack:
    return pack_from_data(read_yaml(path / "pack.yaml"), str(path / "pack.yaml"), path)


@lru_cache(maxsize=1)
def active_pack() -> CountryPack:
    from yagona.core.models import Country

    # Its languages come from settings (read at start), not from here: a request changes
    # no settings and compiles nothing.
    row = Country.objects.filter(active=True).first()
    return pack_from_data(row.data) if row is not None else read_pack(pack_dir())


def forget_active_pack() -> None:
    active_pack.cache_clear()
