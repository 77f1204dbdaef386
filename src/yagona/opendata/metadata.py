"""A dataset's metadata: checked as it comes in (from the back office's form or from
CKAN's package_create), and what is derived from it: the folded words search matches,
the facet rows it is counted under, and the snapshot a version keeps."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.core.countries import active_pack
from yagona.core.normalize import transliteration, words
from yagona.opendata.models import Dataset, Facet
from yagona.opendata.vocabulary import FREQUENCIES, LICENCES, THEMES

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")  # CKAN's rule for names
RESERVED = {"requests", "new", "dashboard", "budget"}  # the catalogue's own pages under /data/
MAX_TEXT = 20_000
MAX_KEYWORDS = 30


def texts(value, field: str, errors: dict, required: bool = False, limit=MAX_TEXT) -> dict:
    """A mapping of the pack's languages to text; a plain string is the state language's."""
    languages = active_pack().languages
    if isinstance(value, str):
        value = {languages[0]: value}
    if not isinstance(value, dict):
        errors[field] = _("Give the text in the pack's languages.")
        return {}
    texts = {lang: str(text).strip()[:limit] for lang, text in value.items()
             if lang in languages and str(text or "").strip()}
    if required and languages[0] not in texts:
        errors[field] = _("Write this in the state language at least.")
    return texts


def _keywords(value, errors: dict) -> dict:
    languages = active_pack().languages
    if isinstance(value, list):
        value = {languages[0]: value}
    if not isinstance(value, dict):
        errors["keywords"] = _("Give the keywords as a list for each language.")
        return {}
    keywords = {}
    for lang, items in value.items():
        if lang not in languages:
            continue
        if isinstance(items, str):
            items = items.split(",")
        cleaned = list(dict.fromkeys(str(item).strip()[:100] for item in items
                                     if str(item).strip()))
        if len(cleaned) > MAX_KEYWORDS:
            errors["keywords"] = _("Give at most %(count)s keywords.") % {
                "count": MAX_KEYWORDS}
        if cleaned:
            keywords[lang] = cleaned[:MAX_KEYWORDS]
    return keywords


def _date(value, field: str, errors: dict):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        errors[field] = _("Give a date as YYYY-MM-DD.")
        return None


def clean(fields: dict, creating: bool) -> dict:
    """The metadata fields of ``fields`` (absent ones untouched when editing), checked;
    raises ValidationError naming every field in error."""
    errors, cleaned = {}, {}
    if creating or "name" in fields:
        name = str(fields.get("name") or "").strip()
        if not NAME.match(name) or name in RESERVED:
            errors["name"] = _("Use 2 to 100 lower-case Latin letters, digits, - and _.")
        elif Dataset.objects.filter(name=name).exists():
            errors["name"] = _("Another dataset has this name.")
        cleaned["name"] = name
    if creating or "title" in fields:
        cleaned["title"] = texts(fields.get("title"), "title", errors, True, 200)
    for field in ("description", "spatial"):
        if field in fields:
            cleaned[field] = texts(fields[field], field, errors)
    if "keywords" in fields:
        cleaned["keywords"] = _keywords(fields["keywords"], errors)
    if "themes" in fields:
        themes = fields["themes"] or []
        if isinstance(themes, str) or any(code not in THEMES for code in themes):
            errors["themes"] = _("Choose themes from the list.")
        cleaned["themes"] = [code for code in THEMES if code in themes]
    if creating or "licence" in fields:
        cleaned["licence"] = fields.get("licence") or ""
        if cleaned["licence"] not in LICENCES:
            errors["licence"] = _("Choose an open licence from the list.")
    if creating or "frequency" in fields:
        cleaned["frequency"] = fields.get("frequency") or ""
        if cleaned["frequency"] not in FREQUENCIES:
            errors["frequency"] = _("Choose how often the data is updated.")
    for field in ("temporal_start", "temporal_end"):
        if field in fields:
            cleaned[field] = _date(fields[field], field, errors)
    start, end = cleaned.get("temporal_start"), cleaned.get("temporal_end")
    if start and end and end < start:
        errors["temporal_end"] = _("The end of the period cannot come before its start.")
    if fields.get("contact_email"):
        try:
            validate_email(fields["contact_email"])
            cleaned["contact_email"] = fields["contact_email"]
        except ValidationError:
            errors["contact_email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def in_each_language(make) -> dict:
    """{language: make()} with each of the pack's languages active in turn: the texts
    the platform writes itself (its own datasets' titles), translated by the catalogue."""
    texts = {}
    for language in active_pack().languages:
        with translation.override(language):
            texts[language] = str(make())
    return texts


def _folded(texts) -> str:
    table = transliteration((active_pack().raw.get("search") or {}).get("transliterate"))
    return "".join(" " + word for text in texts for word in words(text, table)) + " "


def title_words(dataset: Dataset) -> str:
    return _folded(dataset.title.values())


def search_text(dataset: Dataset) -> str:
    """Every language's title, description and keywords, with the agency's names, as
    folded words (core.normalize), each preceded by a space: " word" finds prefixes."""
    texts = [*dataset.title.values(), *dataset.description.values(),
             *dataset.agency.name.values(), *dataset.agency.short_name.values(),
             dataset.name.replace("-", " ")]
    texts += [word for items in dataset.keywords.values() for word in items]
    return _folded(texts)


def facet_rows(dataset: Dataset) -> list[Facet]:
    values = [(Facet.Kind.ORGANIZATION, dataset.agency.code.lower()),
              (Facet.Kind.LICENSE_ID, dataset.licence)]
    values += [(Facet.Kind.GROUPS, code.lower()) for code in dataset.themes]
    values += [(Facet.Kind.RES_FORMAT, fmt)
               for fmt in sorted({r.format for r in dataset.resources.all()})]
    rows = [Facet(dataset=dataset, kind=kind, value=value[:200]) for kind, value in values]
    return rows + [Facet(dataset=dataset, kind=Facet.Kind.TAGS, value=word[:200],
                         language=language)
                   for language, words in dataset.keywords.items() for word in words]


def tags(dataset: Dataset) -> list[str]:
    """CKAN's tags: the keywords of every language, once each."""
    return list(dict.fromkeys(word for items in dataset.keywords.values() for word in items))


def _iso(day) -> str:
    return day.isoformat() if day else ""


def snapshot(dataset: Dataset) -> dict:
    """What a version keeps: the metadata and each resource with its file's hash."""
    return {
        "title": dataset.title, "description": dataset.description,
        "keywords": dataset.keywords, "themes": dataset.themes,
        "licence": dataset.licence, "frequency": dataset.frequency,
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "spatial": dataset.spatial, "contact_email": dataset.contact_email,
        "resources": [
            {"uuid": str(r.uuid), "name": r.name, "description": r.description,
             "format": r.format, "url": r.url,
             "sha256": r.stored.sha256 if r.stored else "",
             "size": r.stored.size if r.stored else None}
            for r in dataset.resources.select_related("stored")
        ],
    }
