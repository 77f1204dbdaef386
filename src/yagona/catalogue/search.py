"""Full-text search across every language of the pack, accent- and case-free.

Each service has one SearchDocument per language with folded words (see
core.normalize; transliterated when the pack declares a table). A query matches
services where every query word begins a word of the document; a word of
reasonable length that begins no word of the catalogue is read with one typo
(one letter missing, extra, wrong or two swapped: "пасспорт" is "паспорт").
Results are ranked by where the words were found: a service with more words in
its name comes before one that has them only in its text.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from rapidfuzz.distance import OSA

from yagona.catalogue.models import SearchDocument, Service

# The public pages' cache version is core's (the page cache is there); catalogue changes
# bump it (catalogue_changed, here for the pack loader).
from yagona.core.countries import active_pack
from yagona.core.middleware import catalogue_changed, catalogue_version  # noqa: F401
from yagona.core.normalize import WORD, fold, transliteration, words

MAX_TERMS = 8
TYPO_MIN_LENGTH = 5  # shorter words have too many neighbours one letter away
MAX_ALTERNATIVES = 20
NAME, WHOLE_NAME_WORD, TYPO = 1000, 100, 2  # a name match outranks any body text


def table() -> dict | None:
    """The active pack's transliteration table (pack.yaml ``search.transliterate``)."""
    return transliteration((active_pack().raw.get("search") or {}).get("transliterate"))


def _folded(*texts) -> str:
    mapping = table()
    return "".join(" " + word for text in texts for word in words(text or "", mapping))


def index_service(service: Service, languages) -> None:
    SearchDocument.objects.filter(service=service).exclude(language__in=languages).delete()
    for language in languages:
        body = [service.summary.get(language), service.description.get(language),
                service.who_may_apply.get(language), service.agency.name.get(language),
                service.agency.short_name.get(language)]
        body += [document.get(language) for document in service.documents]
        body += [event.name.get(language) for event in service.life_events.all()]
        SearchDocument.objects.update_or_create(
            service=service, language=language,
            defaults={"title": _folded(service.name.get(language)) + " ",
                      "body": _folded(*body) + " "},
        )


@dataclass
class Hit:
    service: Service
    score: int
    language: str  # the language whose text matched best (the reader's on a tie)
    # Another language whose NAME matched when the reader's name did not: the page
    # shows that name too, so the reader sees why the service was found.
    name_language: str | None = None


def _vocabularies() -> dict[str, list[str]]:
    """Every folded word of the active catalogue by language, and all of them under ""
    (hundreds of services: small), cached until the catalogue changes."""
    key = f"catalogue-words-by-language:{catalogue_version()}"
    found = cache.get(key)
    if found is None:
        found = {}
        docs = SearchDocument.objects.filter(service__active=True)
        for language, title, body in docs.values_list("language", "title", "body"):
            found.setdefault(language, set()).update(title.split(), body.split())
        found = {language: sorted(vocabulary) for language, vocabulary in found.items()}
        found[""] = sorted({word for vocabulary in found.values() for word in vocabulary})
        cache.set(key, found, timeout=None)
    return found


def _near(term: str, vocabulary: list[str]) -> dict[str, int]:
    """The vocabulary's word beginnings one edit away from ``term`` (the prefixes one
    letter shorter, as long and one letter longer)."""
    near: dict[str, int] = {}
    if len(term) < TYPO_MIN_LENGTH:
        return near
    for word in vocabulary:
        for size in (len(term) - 1, len(term), len(term) + 1):
            if size <= len(word) and OSA.distance(term, word[:size], score_cutoff=1) <= 1:
                near.setdefault(word[:size], TYPO)
        if len(near) >= MAX_ALTERNATIVES:
            break
    return near


def _readings(term: str, own: list[str], vocabulary: list[str]) -> dict[str, int]:
    """What a query word may mean, with its divisor (1 as typed, TYPO for a typo),
    asked of the reader's language (``own``) first, then of the whole catalogue:
    itself when some word begins with it, else its typo neighbours. Transliterated
    words meet across languages ("пасспорт" folds to the English "passport"), so a
    Russian reader's typo is read as Russian before it is read as English."""
    for words_ in (own, vocabulary):
        if any(word.startswith(term) for word in words_):
            return {term: 1}
        if near := _near(term, words_):
            return near
    return {term: 1}


def search(query: str, limit: int = 50, language: str | None = None
           ) -> tuple[list[str], list[Hit]]:
    """Services matching ``query``, best first, for a reader of ``language`` (the
    active language when not given)."""
    language = language or translation.get_language()
    terms = list(dict.fromkeys(words(query, table())))[:MAX_TERMS]
    if not terms:
        return [], []
    by_language = _vocabularies()
    readings = [_readings(term, by_language.get(language, []), by_language.get("", []))
                for term in terms]
    condition = Q()
    for options in readings:
        either = Q()
        for option in options:
            either |= Q(title__contains=" " + option) | Q(body__contains=" " + option)
        condition &= either
    best: dict[int, tuple[int, bool, str]] = {}  # service: (score, reader's?, language)
    names: dict[int, dict[str, int]] = {}  # service: {language whose name matched: score}
    docs = SearchDocument.objects.filter(condition, service__active=True)
    for doc in docs.only("service_id", "language", "title", "body"):
        score = _score(doc, readings)
        ranked = (score, doc.language == language, doc.language)
        if ranked[:2] > best.get(doc.service_id, (-1, False, ""))[:2]:
            best[doc.service_id] = ranked
        if any(" " + option in doc.title for options in readings for option in options):
            names.setdefault(doc.service_id, {})[doc.language] = score
    services = Service.objects.select_related("agency").in_bulk(list(best))
    hits = [Hit(services[pk], score, found_in, _name_language(names.get(pk, {}), language))
            for pk, (score, _, found_in) in best.items() if pk in services]
    hits.sort(key=lambda hit: (-hit.score, hit.service.display_name))
    marks = [option for options in readings for option in options]
    return marks, hits[:limit]


def _score(doc: SearchDocument, readings: list[dict[str, int]]) -> int:
    score = 0
    for options in readings:
        best = 0
        for option, divisor in options.items():
            if " " + option in doc.title:
                found = NAME + (WHOLE_NAME_WORD if f" {option} " in doc.title else 0)
            else:
                found = min(doc.body.count(" " + option), NAME - 1)
            best = max(best, found // divisor)
        score += best
    return score


def _name_language(names: dict[str, int], language: str) -> str | None:
    """The other language whose name matched best, when the reader's name did not."""
    if not names or language in names:
        return None
    return max(names, key=names.get)


def highlight(text: str, terms: list[str], mapping: dict | None = None):
    """HTML of ``text`` with every word that begins with a term wrapped in <mark>;
    ``mapping`` is the transliteration table the terms were folded with (table())."""
    if not terms:
        return escape(text)
    out, last = [], 0
    for match in WORD.finditer(text):
        if any(fold(match.group(), mapping).startswith(term) for term in terms):
            out.append(escape(text[last:match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
