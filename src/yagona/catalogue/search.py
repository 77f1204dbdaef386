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
    language: str  # the language whose text matched best


def _vocabulary() -> list[str]:
    """Every folded word of the active catalogue (hundreds of services: small), cached
    until the catalogue changes."""
    key = f"catalogue-words:{catalogue_version()}"
    found = cache.get(key)
    if found is None:
        found = set()
        docs = SearchDocument.objects.filter(service__active=True).values_list("title", "body")
        for title, body in docs:
            found.update(title.split(), body.split())
        found = sorted(found)
        cache.set(key, found, timeout=None)
    return found


def _readings(term: str, vocabulary: list[str]) -> dict[str, int]:
    """What a query word may mean, with its weight: itself when some word begins with
    it; else, for a word of reasonable length, the catalogue's word beginnings one
    edit away (the prefixes one letter shorter, as long and one letter longer)."""
    if len(term) < TYPO_MIN_LENGTH or any(word.startswith(term) for word in vocabulary):
        return {term: 1}
    near: dict[str, int] = {}
    for word in vocabulary:
        for size in (len(term) - 1, len(term), len(term) + 1):
            if size <= len(word) and OSA.distance(term, word[:size], score_cutoff=1) <= 1:
                near.setdefault(word[:size], 1)
        if len(near) >= MAX_ALTERNATIVES:
            break
    return near or {term: 1}


def search(query: str, limit: int = 50) -> tuple[list[str], list[Hit]]:
    terms = list(dict.fromkeys(words(query, table())))[:MAX_TERMS]
    if not terms:
        return [], []
    vocabulary = _vocabulary()
    readings = [_readings(term, vocabulary) for term in terms]
    condition = Q()
    for options in readings:
        either = Q()
        for option in options:
            either |= Q(title__contains=" " + option) | Q(body__contains=" " + option)
        condition &= either
    scores: dict[int, tuple[int, str]] = {}
    docs = SearchDocument.objects.filter(condition, service__active=True)
    for doc in docs.only("service_id", "language", "title", "body"):
        score = 0
        for term, options in zip(terms, readings, strict=True):
            divisor = 1 if term in options else TYPO
            best = 0
            for option in options:
                if " " + option in doc.title:
                    found = NAME + (WHOLE_NAME_WORD if f" {option} " in doc.title else 0)
                else:
                    found = min(doc.body.count(" " + option), NAME - 1)
                best = max(best, found // divisor)
            score += best
        if score > scores.get(doc.service_id, (-1, ""))[0]:
            scores[doc.service_id] = (score, doc.language)
    services = Service.objects.select_related("agency").in_bulk(list(scores))
    hits = [Hit(services[pk], score, language) for pk, (score, language) in scores.items()
            if pk in services]
    hits.sort(key=lambda hit: (-hit.score, hit.service.display_name))
    marks = [option for options in readings for option in options]
    return marks, hits[:limit]


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
