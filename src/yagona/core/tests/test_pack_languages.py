"""A pack adds an interface language with its own catalogue, English as the fallback, no
Python edit (issue 9, point 20); the uz pack, written from docs/country-packs.md, loads
and runs its demo."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from yagona.catalogue.packs import load_pack, read_full_pack
from yagona.core.audit import SYSTEM
from yagona.core.languages import compile_catalogues, interface_settings
from yagona.testing import packs


@pytest.fixture
def uz(settings):
    folder = Path(settings.COUNTRIES_DIR) / "uz"
    assert compile_catalogues(folder) == []  # what `yagona load-country uz` does first
    return folder


def test_the_uz_pack_reads(uz):
    content = read_full_pack(uz)
    assert content.country.languages == ("uz", "ru", "en")
    assert {s["code"] for s in content.services} >= {"birth-registration", "id-card-issue"}
    fee = next(s for s in content.services if s["code"] == "id-card-issue")["fee_minor"]
    assert fee == 16480000  # 0.4 base calculation amounts of 412 000 soʻm
    assert content.country.format_money(fee) == "164\u00a0800\u00a0UZS"


def test_settings_take_languages_and_catalogues_from_the_installed_pack(uz, settings):
    languages, bidi, paths = interface_settings(uz)
    assert dict(languages) == {"uz": "Oʻzbekcha", "ru": "Русский", "en": "English"}
    assert bidi == [] and paths[-1] == uz / "locale"
    tj_languages, _, tj_paths = interface_settings(Path(settings.COUNTRIES_DIR) / "tj")
    assert [code for code, _ in tj_languages] == ["tg", "ru", "en"]
    assert len(tj_paths) == 1  # the platform's own catalogues only


@pytest.mark.django_db
def test_a_page_in_uz_comes_from_the_packs_catalogue_with_english_fallback(uz):
    load_pack(SYSTEM, uz)
    page = Client().get("/services/birth-registration/", HTTP_ACCEPT_LANGUAGE="uz")
    text = page.content.decode()
    assert page["Content-Language"] == "uz" and '<html lang="uz"' in text
    assert "Ariza berishni boshlash" in text  # "Start application", from countries/uz/locale
    assert "Bola tugʻilishini davlat roʻyxatidan oʻtkazish" in text  # content, from the pack
    assert "Legal basis" in text  # not in the small uz catalogue: English
    assert "Oʻzbekcha" in text  # the language menu names it as the pack says


def _karakalpak_pack(folder: Path, describe: bool = True, code: str = "kaa") -> Path:
    """A pack whose first language Django does not know (Karakalpak, kaa). Describing
    it registers it for the whole process: other tests use another ``code``."""
    packs.write_pack(folder)

    def retext(value):
        if isinstance(value, dict):
            if set(value) == {"en", "ru"}:
                return {code: f"{value['en']} (kaa)", "en": value["en"]}
            return {k: retext(v) for k, v in value.items()}
        if isinstance(value, list):
            return [retext(v) for v in value]
        return value

    for file in [folder / "pack.yaml", *folder.glob("*.yaml"), *folder.glob("*/*.yaml")]:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        file.write_text(yaml.safe_dump(retext(data), allow_unicode=True), encoding="utf-8")
    pack = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    pack["languages"] = [code, "en"]
    if describe:
        pack["language_info"] = {code: {"name": "Karakalpak", "name_local": "Qaraqalpaqsha",
                                         "bidi": False}}
    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True),
                                      encoding="utf-8")
    messages = folder / "locale" / code / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Start application"\nmsgstr "Arza beriwdi baslaw"\n', encoding="utf-8")
    return folder


def test_a_language_django_does_not_know_must_be_described(tmp_path):
    from yagona.core.countries import PackError

    folder = _karakalpak_pack(tmp_path / "kk", describe=False, code="ckt")
    with pytest.raises(PackError, match=r"Django does not know 'ckt': describe it in "
                                        r"language_info.ckt"):
        read_full_pack(folder)
    (folder / "locale" / "ckt" / "LC_MESSAGES" / "django.po").unlink()
    with pytest.raises(PackError, match="no interface translation for 'ckt'"):
        read_full_pack(folder)


@pytest.mark.django_db
def test_a_new_language_with_its_catalogue_is_served_without_code(tmp_path):
    from django.utils.translation import get_language_info

    folder = _karakalpak_pack(tmp_path / "kk")
    assert compile_catalogues(folder) == []
    load_pack(SYSTEM, folder)
    assert get_language_info("kaa")["name_local"] == "Qaraqalpaqsha"
    text = Client().get("/services/birth-registration/").content.decode()
    assert '<html lang="kaa"' in text
    assert "Arza beriwdi baslaw" in text and "Registration of a child&#x27;s birth (kaa)" in text
    assert "Legal basis" in text  # English fallback


@pytest.mark.django_db
def test_the_uz_demo_runs(uz, settings, capsys):
    from yagona.applications.models import Application
    from yagona.registries.models import RecordKey

    settings.COUNTRY = "uz"
    load_pack(SYSTEM, uz)
    call_command("demo-data")
    assert "41502852600278" in capsys.readouterr().out
    assert Application.objects.filter(status="approved").exists()
    child = RecordKey.objects.get(field="person_id", value="61205172600282").record
    assert child.data["mother_id"] == "41502852600278"
    assert child.data["surname_cyrillic"] == "Каримова"


@pytest.mark.django_db
def test_a_request_never_compiles_catalogues_nor_changes_settings(tmp_path, settings):
    """Compiling is for ``yagona load-country`` (and ``make messages``): a web worker's
    first active_pack() neither runs msgfmt nor changes the process's languages."""
    from yagona.core.countries import active_pack
    from yagona.core.models import Country

    folder = _karakalpak_pack(tmp_path / "xx", code="kjh")
    settings.COUNTRIES_DIR = tmp_path
    Country.objects.update_or_create(code="xx", defaults={"active": True, "data": yaml.safe_load(
        (folder / "pack.yaml").read_text(encoding="utf-8"))})
    before = (list(settings.LANGUAGES), list(settings.LOCALE_PATHS))
    assert active_pack().code == "xx"
    assert not list(folder.glob("locale/*/LC_MESSAGES/*.mo"))
    assert (list(settings.LANGUAGES), list(settings.LOCALE_PATHS)) == before


@pytest.mark.django_db
def test_load_country_compiles_the_packs_catalogues_and_reports_errors(tmp_path):
    from django.core.management.base import CommandError

    folder = _karakalpak_pack(tmp_path / "kk", code="alt")
    call_command("load-country", "--path", str(folder))
    assert (folder / "locale" / "alt" / "LC_MESSAGES" / "django.mo").exists()
    po = folder / "locale" / "alt" / "LC_MESSAGES" / "django.po"
    po.write_text(po.read_text(encoding="utf-8") + 'msgid "Back"\n',  # no msgstr
                  encoding="utf-8")
    with pytest.raises(CommandError, match=r"locale/alt/LC_MESSAGES/django.po"):
        call_command("load-country", "--path", str(folder))
