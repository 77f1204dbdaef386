"""Interface languages come from the country pack, not from Python.

The platform ships catalogues for some languages (``src/yagona/locale``); a pack may add
a language with its own catalogue (``countries/uz/locale/uz/LC_MESSAGES/django.po``) and
declare what Django does not know about it (``language_info: {kaa: {name, bidi}}``).
English (the msgids) is every catalogue's fallback. Settings take ``LANGUAGES``,
``LANGUAGES_BIDI`` and ``LOCALE_PATHS`` from the installed pack (``interface_settings``);
loading a pack from another folder installs its languages in the running process (tests).
Catalogues are compiled by ``make messages`` and ``yagona load-country``, never by a request.

Nothing here reads Django settings at import: settings.py imports it.
"""

import os
import shutil
import subprocess
from pathlib import Path

import yaml
from django.conf.locale import LANG_INFO

PLATFORM_LOCALE = Path(__file__).resolve().parent.parent / "locale"
FALLBACK = "en"
INFO_KEYS = {"name", "name_local", "bidi"}


def _read(folder: Path) -> dict:
    try:
        data = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _codes(data: dict) -> list[str]:
    codes = data.get("languages")
    return [c for c in codes if isinstance(c, str)] if isinstance(codes, list) else []


def _info(data: dict, code: str) -> dict:
    declared = (data.get("language_info") or {}).get(code)
    known = LANG_INFO.get(code, {})
    if isinstance(declared, dict):
        return {**known, **{k: v for k, v in declared.items() if k in INFO_KEYS}}
    return known


def language_name(code: str, data: dict | None = None) -> str:
    """The language's name in itself, as the language menu shows it."""
    info = _info(data or {}, code)
    return info.get("name_local") or info.get("name") or code


def has_catalogue(code: str, folder: Path | None) -> bool:
    if code == FALLBACK or (PLATFORM_LOCALE / code / "LC_MESSAGES" / "django.po").exists():
        return True
    return folder is not None and (
        Path(folder) / "locale" / code / "LC_MESSAGES" / "django.po").exists()


def language_problems(data: dict, folder: Path | None, where: str) -> list[str]:
    """Each language is one Django knows or the pack describes, with a catalogue (the
    platform's or the pack's own); ``folder`` None (a pack read from the database) skips
    looking for catalogues."""
    found = []
    declared = data.get("language_info") or {}
    if not isinstance(declared, dict):
        return [f"{where}: language_info: expected code -> {{name, name_local, bidi}}"]
    for code, info in declared.items():
        if not isinstance(info, dict) or not isinstance(info.get("name"), str) or \
                not isinstance(info.get("bidi", False), bool):
            found.append(f"{where}: language_info.{code}: {{name: text, name_local: text, "
                         "bidi: true/false}} is needed")
            continue
        for key in sorted(set(info) - INFO_KEYS, key=str):
            found.append(f"{where}: language_info.{code}.{key}: unknown key")
    for code in _codes(data):
        if code not in LANG_INFO and code not in declared:
            found.append(f"{where}: languages: Django does not know {code!r}: describe it in "
                         f"language_info.{code} (name, name_local, bidi)")
        if folder is not None and not has_catalogue(code, folder):
            found.append(f"{where}: languages: no interface translation for {code!r}: add "
                         f"locale/{code}/LC_MESSAGES/django.po to the pack")
    return found


def interface_settings(folder: Path) -> tuple[list, list, list]:
    """LANGUAGES, LANGUAGES_BIDI and LOCALE_PATHS for the pack in ``folder``; the
    platform's catalogues come first, so a pack adds languages but changes no others'."""
    data = _read(Path(folder))
    codes = _codes(data) or ["tg", "az", "ru"]
    if FALLBACK not in codes:
        codes.append(FALLBACK)  # Django's LANGUAGE_CODE, the fallback of every catalogue
    for code in codes:
        _register(code, data)
    paths = [PLATFORM_LOCALE]
    if (Path(folder) / "locale").is_dir():
        paths.append(Path(folder) / "locale")
    return ([(c, language_name(c, data)) for c in codes],
            [c for c in codes if _info(data, c).get("bidi")], paths)


def _register(code: str, data: dict) -> None:
    """A language Django does not know gets its LANG_INFO entry from the pack."""
    info = _info(data, code)
    if code not in LANG_INFO and info:
        LANG_INFO[code] = {"code": code, "bidi": bool(info.get("bidi")),
                           "name": info.get("name", code),
                           "name_local": info.get("name_local") or info.get("name", code)}


def compile_catalogues(folder: Path, write: bool = True) -> list[str]:
    """Compile the pack's own catalogues (``locale/*/LC_MESSAGES/*.po``) to .mo files beside
    them, or with ``write`` False only check that they compile; the problems, each naming
    its file. The one msgfmt call: ``yagona load-country`` writes, reading a pack checks;
    nothing compiles while serving a request."""
    folder = Path(folder)
    problems = []
    for po in sorted(folder.glob("locale/*/LC_MESSAGES/*.po")):
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            return [f"{po.relative_to(folder)}: cannot compile: install gettext (msgfmt)"]
        target = str(po.with_suffix(".mo")) if write else os.devnull
        # A fixed program and file paths as arguments, no shell.
        done = subprocess.run([msgfmt, "--check-format", "-o", target, str(po)],  # noqa: S603
                              capture_output=True, text=True, check=False)
        if done.returncode:
            problems.append(f"{po.relative_to(folder)}: {done.stderr.strip()}")
    return problems


def install(folder: Path, data: dict) -> None:
    """Make a pack's languages and (compiled) catalogues live in this process.

    Web workers take them from settings at start (``interface_settings`` of
    ``countries/$YAGONA_COUNTRY``). This is for the process that loads a pack from another
    folder and serves it at once: tests, which load packs from temporary folders (and the
    ``load-country`` command itself, harmlessly). It compiles nothing."""
    from django.conf import settings
    from django.utils.translation import trans_real

    changed = False
    known = dict(settings.LANGUAGES)
    for code in _codes(data):
        _register(code, data)
        if code not in known:
            settings.LANGUAGES = [*settings.LANGUAGES, (code, language_name(code, data))]
            changed = True
        if _info(data, code).get("bidi") and code not in settings.LANGUAGES_BIDI:
            settings.LANGUAGES_BIDI = [*settings.LANGUAGES_BIDI, code]
            changed = True
    locale = Path(folder) / "locale"
    if locale.is_dir() and locale not in map(Path, settings.LOCALE_PATHS):
        settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, locale]
        changed = True
    if changed:  # what Django does when a test overrides these settings
        trans_real._translations = {}
        trans_real._default = None
        trans_real.translation_catalog_exists.cache_clear()
        trans_real.get_languages.cache_clear()
        trans_real._get_supported_language_variant.cache_clear()
