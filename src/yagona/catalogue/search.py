"""Full-text search across every language of the pack, accent- and case-free.

Each service has one SearchDocument per language with folded words (see
core.normalize). A query matches services where every query word begins a
word of the document; results are ranked by where the words were found (name
before summary before the rest) and shown with the matched words marked.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from yagona.catalogue.models import SearchDocument, Service

# The public pages' cache version is core's (the page cache is there); catalogue changes
# bump it (catalogue_changed, here for the pack loader).
from yagona.core.middleware import catalogue_changed, catalogue_version  # noqa: F401
from yagona.core.normalize import WORD, fold, words

MAX_TERMS = 8


def _folded(*texts) -> str:
    return "".join(" " + word for text in texts for word in words(text or ""))


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


def search(query: str, limit: int = 50) -> tuple[list[str], list[Hit]]:
    terms = list(dict.fromkeys(words(query)))[:MAX_TERMS]
    if not terms:
        return [], []
    condition = Q()
    for term in terms:
        condition &= Q(title__contains=" " + term) | Q(body__contains=" " + term)
    scores: dict[int, tuple[int, str]] = {}
    docs = SearchDocument.objects.filter(condition, service__active=True)
    for doc in docs.only("service_id", "language", "title", "body"):
        score = 0
        for term in terms:
            score += 10 * doc.title.count(" " + term) + doc.body.count(" " + term)
            if (" " + term + " ") in doc.title:
                score += 5  # a whole-word match in the name
        if score > scores.get(doc.service_id, (-1, ""))[0]:
            scores[doc.service_id] = (score, doc.language)
    services = Service.objects.select_related("agency").in_bulk(list(scores))
    hits = [Hit(services[pk], score, language) for pk, (score, language) in scores.items()
            if pk in services]
    hits.sort(key=lambda hit: (-hit.score, hit.service.display_name))
    return terms, hits[:limit]


def highlight(text: str, terms: list[str]):
    """HTML of ``text`` with every word that begins with a term wrapped in <mark>."""
    if not terms:
        return escape(text)
    out, last = [], 0
    for match in WORD.finditer(text):
        if any(fold(match.group()).startswith(term) for term in terms):
            out.append(escape(text[last:match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
