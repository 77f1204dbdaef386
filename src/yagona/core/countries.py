"""Country packs: the country-level part (pack.yaml) and the active pack.

The active pack is the one last loaded into the database (``yagona
load-country``); before any load it is read from ``countries/$YAGONA_COUNTRY``.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from django.conf import settings

from yagona.core.calendar import WorkingCalendar
from yagona.core.identifiers import IdentifierFormat
from yagona.core.normalize import transliteration

DATE_FORMAT = re.compile(r"(DD|MM|YYYY)([./ -])(DD|MM|YYYY)\2(DD|MM|YYYY)")


class PackError(Exception):
    """A country pack that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


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
        units = 10**self.currency_minor_units
        whole, fraction = divmod(minor, units)
        if self.currency_minor_units and fraction:
            return f"{whole}.{fraction:0{self.currency_minor_units}d} {self.currency}"
        return f"{whole} {self.currency}"


def read_yaml(path: Path):
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise PackError([f"{path}: missing"]) from exc
    except yaml.YAMLError as exc:
        raise PackError([f"{path}: not valid YAML: {exc}"]) from exc


def check_texts(value, languages, where: str, problems: list[str]) -> None:
    """A translated text must have a non-empty entry for every pack language."""
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a text per language {list(languages)}")
        return
    for language in languages:
        if not isinstance(value.get(language), str) or not value[language].strip():
            problems.append(f"{where}: missing text in '{language}'")
    # A stray key is usually a text cut at ", " inside a YAML {flow mapping}: quote it.
    for key in value.keys() - set(languages):
        problems.append(f"{where}: {key!r} is not a language of the pack "
                        "(quote texts that contain ', ' or ': ')")


def pack_from_data(data: dict, where: str = "pack.yaml") -> CountryPack:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise PackError([f"{where}: expected a mapping"])
    languages = tuple(data.get("languages") or ())
    if not languages:
        problems.append(f"{where}: languages: at least one language is needed")
    unknown = set(languages) - {code for code, _ in settings.LANGUAGES}
    if unknown:
        problems.append(f"{where}: languages: no interface translation for {sorted(unknown)}")
    check_texts(data.get("name"), languages, f"{where}: name", problems)
    try:
        ZoneInfo(str(data.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"{where}: time_zone: unknown zone {data.get('time_zone')!r}")
    formats = {}
    for key in ("person_id", "business_id"):
        spec = data.get(key) or {}
        check_texts(spec.get("label"), languages, f"{where}: {key}.label", problems)
        fmt = IdentifierFormat(spec.get("pattern", ""), spec.get("checksum"),
                               spec.get("example", ""))
        try:
            if not fmt.pattern or not fmt.is_valid(fmt.example):
                problems.append(f"{where}: {key}: the example {fmt.example!r} is not valid")
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{where}: {key}: {exc}")
        formats[key] = fmt
    calendar = data.get("calendar") or {}
    holidays = set()
    for index, holiday in enumerate(calendar.get("holidays") or []):
        day = holiday.get("date") if isinstance(holiday, dict) else None
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, date):
            problems.append(f"{where}: calendar.holidays[{index}]: a date YYYY-MM-DD is needed")
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
        calendar=WorkingCalendar(frozenset(calendar.get("weekend") or (6, 7)), frozenset(holidays)),
        raw=_jsonable(data),
    )


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
    return pack_from_data(read_yaml(path / "pack.yaml"), str(path / "pack.yaml"))


@lru_cache(maxsize=1)
def active_pack() -> CountryPack:
    from yagona.core.models import Country

    row = Country.objects.filter(active=True).first()
    if row is not None:
        return pack_from_data(row.data)
    return read_pack(pack_dir())


def forget_active_pack() -> None:
    active_pack.cache_clear()
